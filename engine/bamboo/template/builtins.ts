// The builtin functions a template may call. Context keys shadow them, as in bamboo (the context
// is applied over the sandbox), but they are never reported as references.

import { bindArguments, variadic } from "./arguments";
import { PyError } from "./errors";
import type { Budget } from "./limits";
import { checkItemCount } from "./limits";
import { checkInt, parseFloatLiteral, parseIntLiteral, roundFloat, roundInt, roundToInt } from "./numbers";
import { binaryOperation } from "./operators";
import { codePointLength } from "./text";
import {
  type CallArgs,
  isInt,
  isNumeric,
  iterate,
  numberOf,
  PyCallable,
  PyDict,
  PyDictView,
  PyFloat,
  PyRange,
  PyTuple,
  pyCompare,
  pyStr,
  type PyValue,
  truthy,
  typeName,
} from "./values";

type Builtin = (args: CallArgs, budget: Budget) => PyValue;

const FUNCTIONS: Record<string, Builtin> = {
  len: (args) => length(bindArguments("len", args, ["obj"])[0] ?? null),
  abs: (args) => {
    const [value = null] = bindArguments("abs", args, ["x"]);
    if (!isNumeric(value)) throw new PyError("TypeError", `bad operand type for abs(): '${typeName(value)}'`);
    return value instanceof PyFloat ? new PyFloat(Math.abs(value.value)) : Math.abs(numberOf(value));
  },
  min: (args, budget) => extreme("min", "<", args, budget),
  max: (args, budget) => extreme("max", ">", args, budget),
  round: (args) => {
    const [value = null, ndigits = null] = bindArguments("round", args, ["number", "ndigits"], 1);
    if (!isNumeric(value)) throw new PyError("TypeError", `type ${typeName(value)} doesn't define __round__ method`);
    if (ndigits !== null && !isInt(ndigits)) throw new PyError("TypeError", `'${typeName(ndigits)}' object cannot be interpreted as an integer`);
    if (!(value instanceof PyFloat)) return ndigits === null ? numberOf(value) : roundInt(numberOf(value), numberOf(ndigits));
    return ndigits === null ? roundToInt(value.value) : new PyFloat(roundFloat(value.value, numberOf(ndigits)));
  },
  sorted: (args, budget) => {
    const [iterable = null, reverse = false] = bindArguments("sorted", args, ["iterable", "reverse"], 1);
    const items = [...iterate(iterable)];
    budget.spendItems(items.length * Math.ceil(Math.log2(items.length + 1)));
    // A stable sort with the comparison flipped keeps equal items in order, as Python's reverse=True does.
    const direction = truthy(reverse) ? -1 : 1;
    return items.sort((a, b) => direction * (pyCompare("<", a, b) ? -1 : pyCompare("<", b, a) ? 1 : 0));
  },
  sum: (args, budget) => {
    const [iterable = null, start = 0] = bindArguments("sum", args, ["iterable", "start"], 1);
    if (typeof start === "string") throw new PyError("TypeError", "sum() can't sum strings [use ''.join(seq) instead]");
    return iterate(iterable).reduce<PyValue>((total, item) => binaryOperation("+", total, item, budget), start);
  },
  any: (args) => iterate(bindArguments("any", args, ["iterable"])[0] ?? null).some(truthy),
  all: (args) => iterate(bindArguments("all", args, ["iterable"])[0] ?? null).every(truthy),
};

const TYPES: Record<string, Builtin> = {
  int: (args) => {
    const [value = 0, base] = bindArguments("int", args, ["x", "base"], 0);
    if (base !== undefined) {
      if (typeof value !== "string") throw new PyError("TypeError", "int() can't convert non-string with explicit base");
      if (!isInt(base)) throw new PyError("TypeError", `'${typeName(base)}' object cannot be interpreted as an integer`);
      return parseIntLiteral(value, numberOf(base));
    }
    return toInt(value);
  },
  float: (args) => {
    const [value = new PyFloat(0)] = bindArguments("float", args, ["x"], 0);
    if (typeof value === "string") return new PyFloat(parseFloatLiteral(value));
    if (isNumeric(value)) return new PyFloat(numberOf(value));
    throw new PyError("TypeError", `float() argument must be a string or a real number, not '${typeName(value)}'`);
  },
  str: (args, budget) => {
    const [value = ""] = bindArguments("str", args, ["object"], 0);
    const text = pyStr(value, budget);
    budget.spendString(text.length);
    return text;
  },
  bool: (args) => truthy(bindArguments("bool", args, ["x"], 0)[0] ?? false),
  list: (args, budget) => {
    const items = [...iterate(bindArguments("list", args, ["iterable"], 0)[0] ?? [])];
    budget.spendItems(items.length);
    return items;
  },
  tuple: (args, budget) => {
    const items = iterate(bindArguments("tuple", args, ["iterable"], 0)[0] ?? []);
    budget.spendItems(items.length);
    return new PyTuple(items);
  },
  dict: (args, budget) => {
    const source = args.positional[0] ?? null;
    if (args.positional.length > 1) throw new PyError("TypeError", `dict expected at most 1 argument, got ${args.positional.length}`);
    const dict = source instanceof PyDict ? PyDict.fromPairs(source.entries.values()) : PyDict.fromPairs(source === null ? [] : iterate(source).map(pair));
    for (const [key, value] of args.keywords) dict.set(key, value);
    budget.spendItems(dict.size);
    return dict;
  },
  range: (args) => {
    const bounds = variadic("range", args).map((value) => {
      if (!isInt(value)) throw new PyError("TypeError", `'${typeName(value)}' object cannot be interpreted as an integer`);
      return numberOf(value);
    });
    if (bounds.length < 1 || bounds.length > 3) throw new PyError("TypeError", `range expected 1 to 3 arguments, got ${bounds.length}`);
    const [start, stop, step] = bounds.length === 1 ? [0, bounds[0] ?? 0, 1] : [bounds[0] ?? 0, bounds[1] ?? 0, bounds[2] ?? 1];
    if (step === 0) throw new PyError("ValueError", "range() arg 3 must not be zero");
    const range = new PyRange(start, stop, step);
    checkItemCount(range.length);
    return range;
  },
};

export const BUILTINS: ReadonlyMap<string, PyCallable> = new Map([
  ...Object.entries(FUNCTIONS).map(([name, call]) => [name, new PyCallable(name, "function", call)] as const),
  ...Object.entries(TYPES).map(([name, call]) => [name, new PyCallable(name, "type", call)] as const),
]);

/** Python's int(x) for one value (BoolRule's coercions use it too). */
export function toInt(value: PyValue): number {
  if (typeof value === "string") return parseIntLiteral(value);
  if (typeof value === "boolean") return Number(value);
  if (typeof value === "number") return value;
  if (value instanceof PyFloat) {
    if (Number.isNaN(value.value)) throw new PyError("ValueError", "cannot convert float NaN to integer");
    if (!Number.isFinite(value.value)) throw new PyError("OverflowError", "cannot convert float infinity to integer");
    return checkInt(Math.trunc(value.value));
  }
  throw new PyError("TypeError", `int() argument must be a string, a bytes-like object or a real number, not '${typeName(value)}'`);
}

function length(value: PyValue): number {
  if (typeof value === "string") return codePointLength(value);
  if (Array.isArray(value)) return value.length;
  if (value instanceof PyTuple) return value.items.length;
  if (value instanceof PyDict) return value.size;
  if (value instanceof PyDictView) return value.dict.size;
  if (value instanceof PyRange) return value.length;
  throw new PyError("TypeError", `object of type '${typeName(value)}' has no len()`);
}

/** min()/max() over one iterable or several values; `default` answers for an empty iterable. */
function extreme(name: string, op: "<" | ">", args: CallArgs, budget: Budget): PyValue {
  const values = variadic(name, args, ["default"]);
  const fallback = args.keywords.get("default");
  if (values.length === 0) throw new PyError("TypeError", `${name} expected at least 1 argument, got 0`);
  const items = values.length === 1 ? iterate(values[0] ?? null) : values;
  budget.spendItems(items.length);
  if (items.length === 0) {
    if (fallback !== undefined) return fallback;
    throw new PyError("ValueError", `${name}() arg is an empty sequence`);
  }
  return items.reduce((best, item) => (pyCompare(op, item, best) ? item : best));
}

function pair(item: PyValue): readonly [PyValue, PyValue] {
  const items = iterate(item);
  if (items.length !== 2) throw new PyError("ValueError", `dictionary update sequence element has length ${items.length}; 2 is required`);
  return [items[0] ?? null, items[1] ?? null];
}
