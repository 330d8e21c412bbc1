// bamboo's BoolRule (bamboo_engine/utils/boolrule/boolrule.py), the default exclusive-gateway
// condition evaluator, evaluated with no context (bamboo-engine.md §5.2).
//
// The grammar is the pyparsing one, reproduced with its quirks (pyparsing 2.x, which bamboo pins):
//   expr := cond (('and' | 'or') cond)*        flat: parentheses are the only grouping
//   cond := value OP value | '(' expr ')'
//   value := real | int | "str" | 'str' | true | false | path | '(' simple (',' simple)* ')'
// - `and`/`or` are caseless keywords: `1==1and 2==2` does not parse (a letter or digit may not touch them).
// - OP is caseless and needs no spaces: == != <= < >= > in notin issuperset notissuperset.
// - An int with an exponent (`1e3`) matches the int rule and Python's int("1E3") raises ValueError;
//   a real needs a point (`1.0e3`). Numbers take an optional sign glued to the digits.
// - true/false match caselessly as a prefix (so `trueX` fails to parse); strings have no escapes except
//   \t \n \f \r, which become the characters; tabs in the text are first expanded to spaces.
// - A path (`a.b`, `${x}`, `_a`) evaluates to its own text, since there is no context.
// - The query `*` (exactly) is true.
// Evaluation scans left to right: `or` after a true result returns true and `and` after a false result
// returns false; otherwise the next condition's result replaces the current one.

import { toInt } from "./template/builtins";
import { PyError } from "./template/errors";
import { contains, isInt, PyFloat, pyCompare, pyEquals, pyStr, type PyValue, typeName } from "./template/values";

/** A parse error or a failing comparison; `message` is what Python's str(exception) would say. */
export class BoolRuleError extends Error {
  constructor(
    readonly pythonType: string,
    message: string,
  ) {
    super(message);
    this.name = "BoolRuleError";
  }
}

type Operator = "==" | "!=" | "<=" | "<" | ">=" | ">" | "in" | "notin" | "issuperset" | "notissuperset";
type Value = number | boolean | string | PyFloat | Value[];
type Condition = { readonly left: Value; readonly op: Operator; readonly right: Value } | { readonly group: readonly Item[] };
type Item = Condition | "and" | "or";

export function evaluateBoolRule(expression: string): boolean {
  if (expression === "*") return true;
  return testItems(new BoolRuleParser(expandTabs(expression)).parse());
}

function testItems(items: readonly Item[]): boolean {
  let passed = false;
  for (const item of items) {
    if (item === "or") {
      if (passed) return true;
    } else if (item === "and") {
      if (!passed) return false;
    } else {
      passed = "group" in item ? testItems(item.group) : compare(item.left, item.op, item.right);
    }
  }
  return passed;
}

// Pyparsing's MatchFirst order (a longer operator before its prefix).
const OPERATORS: readonly Operator[] = ["==", "!=", "<=", "<", ">=", ">", "in", "notin", "issuperset", "notissuperset"];
const REAL = /[+-]?(?:\d+\.\d*|\.\d+)(?:[eE][+-]?\d+)?/y;
const INTEGER = /[+-]?\d+(?:[eE]\+?\d+)?/y;
const QUOTED = /"([^"\n\r]*)"|'([^'\n\r]*)'/y;
const BOOLEAN = /true|false/iy;
const IDENTIFIER = String.raw`(?:\$\{)?_?[A-Za-z][A-Za-z0-9_]*\}?`;
const PATH = new RegExp(`${IDENTIFIER}(?:\\.${IDENTIFIER})*`, "y");
const KEYWORD_CHAR = /[A-Za-z0-9_$]/;

/** Backtracking failure inside the grammar; only the outermost one becomes a BoolRuleError. */
class NoMatch extends Error {
  constructor(
    readonly expected: string,
    readonly pos: number,
  ) {
    super(expected);
  }
}

class BoolRuleParser {
  private pos = 0;

  constructor(private readonly text: string) {}

  parse(): Item[] {
    try {
      const items = this.expression();
      this.skipSpace();
      if (this.pos < this.text.length) throw new NoMatch("end of text", this.pos);
      return items;
    } catch (error) {
      if (!(error instanceof NoMatch)) throw error;
      const found = error.pos >= this.text.length ? "end of text" : `'${this.text.slice(error.pos).split(/\s/)[0] ?? ""}'`;
      throw new BoolRuleError("ParseException", `Expected ${error.expected}, found ${found}  (at char ${error.pos}), (line:1, col:${error.pos + 1})`);
    }
  }

  /** expr := cond (('and'|'or') expr)*, flattened as pyparsing returns it. */
  private expression(): Item[] {
    const items: Item[] = [this.condition()];
    for (;;) {
      const before = this.pos;
      const keyword = this.keyword();
      if (keyword === undefined) return items;
      try {
        items.push(keyword, ...this.expression());
      } catch (error) {
        // ZeroOrMore gives the keyword back; parse() then reports it as unexpected.
        if (!(error instanceof NoMatch)) throw error;
        this.pos = before;
        return items;
      }
    }
  }

  private keyword(): "and" | "or" | undefined {
    this.skipSpace();
    for (const word of ["and", "or"] as const) {
      const end = this.pos + word.length;
      if (this.text.slice(this.pos, end).toLowerCase() !== word) continue;
      if (KEYWORD_CHAR.test(this.text[end] ?? "") || KEYWORD_CHAR.test(this.text[this.pos - 1] ?? "")) continue;
      this.pos = end;
      return word;
    }
    return undefined;
  }

  private condition(): Condition {
    const start = this.pos;
    try {
      const left = this.propertyValue();
      const op = this.operator();
      return { left, op, right: this.propertyValue() };
    } catch (error) {
      if (!(error instanceof NoMatch)) throw error;
      this.pos = start;
      this.skipSpace();
      if (this.text[this.pos] !== "(") throw error;
      this.pos++;
      const group = this.expression();
      this.expect(")");
      return { group };
    }
  }

  private propertyValue(): Value {
    this.skipSpace();
    if (this.text[this.pos] !== "(") return this.simpleValue();
    this.pos++;
    const items = [this.simpleValue()];
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] !== ",") break;
      this.pos++;
      items.push(this.simpleValue());
    }
    this.expect(")");
    return items;
  }

  private simpleValue(): Value {
    this.skipSpace();
    const real = this.match(REAL);
    if (real !== undefined) return new PyFloat(Number(real[0]));
    const integer = this.match(INTEGER);
    if (integer !== undefined) {
      // The parse action is Python's int(), which rejects the exponent this rule accepts.
      if (/e/i.test(integer[0])) throw new BoolRuleError("ValueError", `invalid literal for int() with base 10: '${integer[0].toUpperCase()}'`);
      return Number(integer[0]) + 0;
    }
    const quoted = this.match(QUOTED);
    if (quoted !== undefined) return convertWhitespaceEscapes(quoted[1] ?? quoted[2] ?? "");
    const boolean = this.match(BOOLEAN);
    if (boolean !== undefined) return boolean[0].toLowerCase() === "true";
    const path = this.match(PATH);
    if (path !== undefined) return path[0];
    throw new NoMatch("a number, string, true/false or name", this.pos);
  }

  private operator(): Operator {
    this.skipSpace();
    const op = OPERATORS.find((candidate) => this.text.slice(this.pos, this.pos + candidate.length).toLowerCase() === candidate);
    if (op === undefined) throw new NoMatch(OPERATORS.map((candidate) => `'${candidate}'`).join(" | "), this.pos);
    this.pos += op.length;
    return op;
  }

  private match(pattern: RegExp): RegExpExecArray | undefined {
    pattern.lastIndex = this.pos;
    const found = pattern.exec(this.text);
    if (found === null) return undefined;
    this.pos += found[0].length;
    return found;
  }

  private expect(ch: string): void {
    this.skipSpace();
    if (this.text[this.pos] !== ch) throw new NoMatch(`'${ch}'`, this.pos);
    this.pos++;
  }

  private skipSpace(): void {
    while (" \t\n\r".includes(this.text[this.pos] ?? "x")) this.pos++;
  }
}

/** pyparsing's parseString expands tabs (to 8 columns) before parsing. */
function expandTabs(text: string): string {
  if (!text.includes("\t")) return text;
  let out = "";
  let column = 0;
  for (const ch of text) {
    if (ch === "\t") {
      const spaces = 8 - (column % 8);
      out += " ".repeat(spaces);
      column += spaces;
    } else {
      out += ch;
      column = ch === "\n" || ch === "\r" ? 0 : column + 1;
    }
  }
  return out;
}

/** QuotedString turns the two-character sequences \t \n \f \r into the characters. */
function convertWhitespaceEscapes(text: string): string {
  return text.replaceAll("\\t", "\t").replaceAll("\\n", "\n").replaceAll("\\f", "\f").replaceAll("\\r", "\r");
}

function compare(rawLeft: Value, op: Operator, rawRight: Value): boolean {
  const [left, right] = coerce(rawLeft, rawRight, op);
  try {
    switch (op) {
      case "==":
        return pyEquals(left, right);
      case "!=":
        return !pyEquals(left, right);
      case "in":
      case "notin":
        return membership(left, right) === (op === "in");
      case "issuperset":
      case "notissuperset":
        return superset(left, right) === (op === "issuperset");
      default:
        return pyCompare(op, left, right);
    }
  } catch (error) {
    if (error instanceof PyError) throw new BoolRuleError(error.pyType, error.detail);
    throw error;
  }
}

/** double_equals_trans: make `1 == "1"` true, and widen `in` lists with converted items. */
function coerce(left: Value, right: Value, op: Operator): [PyValue, PyValue] {
  if (op === "in" || op === "notin") {
    if (!Array.isArray(right) || right.length === 0) return [left, right];
    const converted: PyValue[] = [];
    for (const item of right) {
      if (isInt(left)) {
        const n = attempt(() => toInt(item));
        if (n !== undefined) converted.push(n);
      } else if (typeof left === "string") {
        converted.push(pyStr(item));
      }
    }
    return [left, [...right, ...converted]];
  }
  if (op === "issuperset" || op === "notissuperset") {
    return [typeof left === "string" ? [left] : left, typeof right === "string" ? [right] : right];
  }
  // One try block in Python: a failed int() conversion also skips the str() step.
  let l: PyValue = left;
  let r: PyValue = right;
  attempt(() => {
    if (isInt(l)) r = toInt(r);
    else if (isInt(r)) l = toInt(l);
    if (typeof l === "string") r = pyStr(r);
    else if (typeof r === "string") l = pyStr(l);
  });
  return [l, r];
}

function attempt<T>(run: () => T): T | undefined {
  try {
    return run();
  } catch {
    return undefined;
  }
}

function membership(item: PyValue, container: PyValue): boolean {
  if (typeof container !== "string" && !Array.isArray(container)) {
    throw new PyError("TypeError", `argument of type '${typeName(container)}' is not iterable`);
  }
  return contains(container, item);
}

/** set(left).issuperset(set(right)); values here are all hashable, so equality is set membership. */
function superset(left: PyValue, right: PyValue): boolean {
  const leftItems = setItems(left);
  return setItems(right).every((wanted) => leftItems.some((have) => pyEquals(have, wanted)));
}

function setItems(value: PyValue): readonly PyValue[] {
  if (Array.isArray(value)) return value;
  if (typeof value === "string") return Array.from(value);
  throw new PyError("TypeError", `'${typeName(value)}' object is not iterable`);
}
