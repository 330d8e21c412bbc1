// Interpreter for the safe subset of Python expressions that bamboo's Mako templates use.
//
// Supported subset (kept in step with TEMPLATE_SUBSET below, which the docs embed):
// - literals: int (decimal, 0x/0o/0b, `_` separators), float (`1.5`, `.5`, `1e3`), strings in ' or " (also
//   triple-quoted, r/u prefixes, Python escapes, adjacent literals concatenate), True/False/None, lists,
//   tuples, dicts;
// - names from the context (which shadow builtins) and comprehension variables;
// - attribute access only to call allow-listed methods (str, dict, list/tuple: see methods.ts);
//   indexing and slicing;
// - builtins int float str bool len abs min max round sorted range list tuple dict sum any all;
// - unary - + not; binary + - * / // % ** with Python semantics; comparisons with chaining, in/not in,
//   is/is not; and/or returning an operand; `x if c else y`; list comprehensions (several for/if,
//   tuple targets) and a lone generator argument (`",".join(x for x in l)`).
//
// Numbers: a JS number is an int (always a safe integer); a float is wrapped in PyFloat, so
// str(5) is "5", str(5.0) is "5.0", 7/2 is 3.5 and 7//2 is 3. Context numbers that are safe
// integers are ints, others floats (JSON cannot tell 5.0 from 5, so a context 5.0 prints as "5").
// Ints beyond ±2**53 are an OverflowError instead of Python's big ints.
//
// Safety: names starting with `__`, the shield words (eval, exec, open, getattr, __import__, …) and
// attributes starting with `_` are refused by the parser; the only attributes are Map-held
// allow-listed methods; context values are converted to plain Python values first, so no host
// object, prototype or global is reachable. Work is bounded by Budget (limits.ts): strings ≤ 1 MiB,
// sequences ≤ 100k items, nesting ≤ 200, and a step budget per render call.

import { BUILTINS } from "./builtins";
import { PyError } from "./errors";
import { type Budget, checkItemCount } from "./limits";
import { getMethod } from "./methods";
import { binaryOperation, compareOperation, indexValue, sliceValue, unaryOperation } from "./operators";
import type { Expr, Target } from "./parser";
import { fromJson, iterate, PyCallable, PyDict, PyTuple, type PyValue, truthy, typeName } from "./values";

export const TEMPLATE_SUBSET = `- Literals: ints (\`42\`, \`0x1f\`, \`1_000\`), floats (\`1.5\`, \`1e3\`), strings in \`'…'\` or \`"…"\` with Python escapes, \`True\`/\`False\`/\`None\`, lists, tuples and dicts.
- Names: context variables (they shadow builtins) and list-comprehension variables.
- Indexing and slicing: \`a[i]\`, \`a[i:j:k]\`, negative indices, on str, list, tuple and dict.
- str methods: \`split\` \`rsplit\` \`upper\` \`lower\` \`strip\` \`lstrip\` \`rstrip\` \`replace\` \`startswith\` \`endswith\` \`join\` \`format\` (positional \`{}\`/\`{0}\` only) \`find\` \`rfind\` \`count\` \`zfill\` \`title\` \`capitalize\` \`isdigit\` \`isalpha\` \`isalnum\` \`isspace\`; dict: \`get\` \`keys\` \`values\` \`items\`; list/tuple: \`index\` \`count\`. No other attribute exists.
- Builtins: \`int\` \`float\` \`str\` \`bool\` \`len\` \`abs\` \`min\` \`max\` \`round\` \`sorted\` \`range\` \`list\` \`tuple\` \`dict\` \`sum\` \`any\` \`all\`.
- Operators with Python semantics: \`+ - * / // % **\` (\`/\` gives a float, \`str % args\` is printf formatting with \`%s %d %i %f %.2f %r %x %e %g %%\`), \`== != < > <= >=\` (chainable), \`in\`, \`not in\`, \`is\`, \`is not\`, \`and\`/\`or\`/\`not\`, \`x if c else y\`.
- List comprehensions: \`[e for x in xs if c]\`, several \`for\`s, tuple targets.
- A fragment cannot contain \`$\`, \`{\`, \`}\` or \`#\` (bamboo's fragment pattern), so dict literals and \`{}\` format strings only work from variables.
- Ints and floats stay distinct (\`str(5)\` is \`5\`, \`str(5.0)\` is \`5.0\`); ints are limited to ±2**53.
- Refused (the fragment stays literal): names starting with \`__\`, \`eval\` \`exec\` \`open\` \`getattr\` \`__import__\` \`compile\` \`globals\` \`locals\` \`vars\` \`setattr\` \`delattr\` and similar, private attributes, lambdas, imports.
- Limits: strings up to 1 MiB, sequences and ranges up to 100,000 items, nesting up to 200 levels, and a bounded amount of work per render.`;

/** Where names resolve: comprehension variables first, then the context, then builtins. */
export class Environment {
  private readonly converted = new Map<string, PyValue>();

  constructor(
    private readonly context: Readonly<Record<string, unknown>>,
    readonly budget: Budget,
  ) {}

  lookup(name: string): PyValue {
    if (Object.hasOwn(this.context, name)) {
      // Convert lazily and once per render call: only the values a fragment reads are copied.
      let value = this.converted.get(name);
      if (value === undefined) {
        value = fromJson(this.context[name]);
        this.converted.set(name, value);
      }
      return value;
    }
    const builtin = BUILTINS.get(name);
    if (builtin !== undefined) return builtin;
    throw new PyError("NameError", `name '${name}' is not defined`);
  }
}

type Locals = ReadonlyMap<string, PyValue>;

export function evaluate(expr: Expr, env: Environment, locals: Locals = new Map()): PyValue {
  env.budget.spend(1);
  switch (expr.kind) {
    case "constant":
      return expr.value;
    case "name":
      return locals.has(expr.id) ? (locals.get(expr.id) as PyValue) : env.lookup(expr.id);
    case "list":
    case "tuple": {
      const items = expr.items.map((item) => evaluate(item, env, locals));
      env.budget.spendItems(items.length);
      return expr.kind === "list" ? items : new PyTuple(items);
    }
    case "dict":
      return PyDict.fromPairs(expr.keys.map((key, index) => [evaluate(key, env, locals), evaluate(expr.values[index] as Expr, env, locals)] as const));
    case "attribute":
      return getMethod(evaluate(expr.object, env, locals), expr.name);
    case "index":
      return indexValue(evaluate(expr.object, env, locals), evaluate(expr.index, env, locals));
    case "slice": {
      const bound = (part: Expr | undefined) => (part === undefined ? null : evaluate(part, env, locals));
      return sliceValue(evaluate(expr.object, env, locals), bound(expr.lower), bound(expr.upper), bound(expr.step), env.budget);
    }
    case "call":
      return call(expr, env, locals);
    case "unary": {
      const operand = evaluate(expr.operand, env, locals);
      return expr.op === "not" ? !truthy(operand) : unaryOperation(expr.op, operand);
    }
    case "binary":
      return binaryOperation(expr.op, evaluate(expr.left, env, locals), evaluate(expr.right, env, locals), env.budget);
    case "boolean": {
      // Python's and/or return the operand that decided the result, not a bool.
      let value: PyValue = null;
      for (const operand of expr.values) {
        value = evaluate(operand, env, locals);
        if (truthy(value) === (expr.op === "or")) return value;
      }
      return value;
    }
    case "compare": {
      let left = evaluate(expr.left, env, locals);
      for (const [index, op] of expr.ops.entries()) {
        const right = evaluate(expr.comparators[index] as Expr, env, locals);
        if (!compareOperation(op, left, right)) return false;
        left = right;
      }
      return true;
    }
    case "conditional":
      return truthy(evaluate(expr.test, env, locals)) ? evaluate(expr.body, env, locals) : evaluate(expr.orelse, env, locals);
    case "comprehension":
      return comprehension(expr, env, locals);
  }
}

function call(expr: Extract<Expr, { kind: "call" }>, env: Environment, locals: Locals): PyValue {
  const func = evaluate(expr.func, env, locals);
  if (!(func instanceof PyCallable)) throw new PyError("TypeError", `'${typeName(func)}' object is not callable`);
  const positional = expr.args.map((arg) => evaluate(arg, env, locals));
  const keywords = new Map<string, PyValue>();
  for (const keyword of expr.keywords) {
    if (keywords.has(keyword.name)) throw new PyError("SyntaxError", `keyword argument repeated: ${keyword.name}`);
    keywords.set(keyword.name, evaluate(keyword.value, env, locals));
  }
  return func.call({ positional, keywords }, env.budget);
}

function comprehension(expr: Extract<Expr, { kind: "comprehension" }>, env: Environment, locals: Locals): PyValue[] {
  // One scope for the whole comprehension, as in Python 3; the first iterable is read before any binding.
  const scope = new Map(locals);
  const out: PyValue[] = [];
  const loop = (level: number): void => {
    const generator = expr.generators[level];
    if (generator === undefined) {
      out.push(evaluate(expr.element, env, scope));
      checkItemCount(out.length);
      return;
    }
    for (const item of iterate(evaluate(generator.iter, env, scope))) {
      env.budget.spend(1);
      bindTarget(generator.target, item, scope);
      if (generator.conditions.every((condition) => truthy(evaluate(condition, env, scope)))) loop(level + 1);
    }
  };
  loop(0);
  return out;
}

function bindTarget(target: Target, value: PyValue, scope: Map<string, PyValue>): void {
  if (target.kind === "name") {
    scope.set(target.id, value);
    return;
  }
  const items = iterate(value);
  if (items.length < target.items.length) throw new PyError("ValueError", `not enough values to unpack (expected ${target.items.length}, got ${items.length})`);
  if (items.length > target.items.length) throw new PyError("ValueError", `too many values to unpack (expected ${target.items.length})`);
  target.items.forEach((item, index) => bindTarget(item, items[index] as PyValue, scope));
}
