// Python values as the template evaluator sees them, and the core protocols over them:
// type names, truthiness, equality, ordering, hashing (dict keys), iteration and str()/repr().
//
// Representation (why: Python keeps int and float apart, and `str(5.0)` is "5.0"):
//   None → null, bool → boolean, int → a JS number that is a safe integer, float → PyFloat,
//   str → string, list → PyValue[] (never mutated once built), tuple → PyTuple, dict → PyDict,
//   range → PyRange, dict.keys()/values()/items() → PyDictView, functions → PyCallable.
// Context values (JSON) convert with fromJson: a safe-integer number is an int, any other number a float.

import { PyError } from "./errors";
import { type Budget, checkItemCount, checkStringLength, LIMITS } from "./limits";
import { floatRepr } from "./numbers";
import { stringRepr } from "./text";

export type PyValue = null | boolean | number | string | PyFloat | PyValue[] | PyTuple | PyDict | PyRange | PyDictView | PyCallable;

export class PyFloat {
  constructor(readonly value: number) {}
}

export class PyTuple {
  constructor(readonly items: readonly PyValue[]) {}
}

/** A dict keeps insertion order; entries are indexed by hashKey so that 1, 1.0 and True are one key. */
export class PyDict {
  readonly entries = new Map<string, readonly [PyValue, PyValue]>();

  static fromPairs(pairs: Iterable<readonly [PyValue, PyValue]>): PyDict {
    const dict = new PyDict();
    for (const [key, value] of pairs) dict.set(key, value);
    return dict;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Only used while building a new dict. */
  set(key: PyValue, value: PyValue): void {
    const hash = hashKey(key);
    const existing = this.entries.get(hash);
    this.entries.set(hash, [existing ? existing[0] : key, value]);
  }

  get(key: PyValue): PyValue | undefined {
    return this.entries.get(hashKey(key))?.[1];
  }

  has(key: PyValue): boolean {
    return this.entries.has(hashKey(key));
  }

  keys(): PyValue[] {
    return [...this.entries.values()].map(([key]) => key);
  }

  values(): PyValue[] {
    return [...this.entries.values()].map(([, value]) => value);
  }
}

export class PyRange {
  readonly length: number;

  constructor(
    readonly start: number,
    readonly stop: number,
    readonly step: number,
  ) {
    const span = step > 0 ? stop - start : start - stop;
    this.length = span <= 0 ? 0 : Math.ceil(span / Math.abs(step));
  }

  at(index: number): number {
    return this.start + index * this.step;
  }
}

export class PyDictView {
  constructor(
    readonly kind: "keys" | "values" | "items",
    readonly dict: PyDict,
  ) {}

  items(): PyValue[] {
    if (this.kind === "keys") return this.dict.keys();
    if (this.kind === "values") return this.dict.values();
    return [...this.dict.entries.values()].map(([key, value]) => new PyTuple([key, value]));
  }
}

export type CallArgs = { readonly positional: readonly PyValue[]; readonly keywords: ReadonlyMap<string, PyValue> };

/** A builtin function, a builtin type used as a constructor, or a method bound to its receiver. */
export class PyCallable {
  constructor(
    readonly name: string,
    readonly kind: "function" | "type" | "method",
    readonly call: (args: CallArgs, budget: Budget) => PyValue,
    readonly receiver?: PyValue,
  ) {}
}

export function isInt(value: PyValue): value is number | boolean {
  return typeof value === "number" || typeof value === "boolean";
}

export function isNumeric(value: PyValue): value is number | boolean | PyFloat {
  return isInt(value) || value instanceof PyFloat;
}

/** The JS number behind an int, bool or float. */
export function numberOf(value: number | boolean | PyFloat): number {
  if (value instanceof PyFloat) return value.value;
  return typeof value === "boolean" ? Number(value) : value;
}

export function typeName(value: PyValue): string {
  if (value === null) return "NoneType";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") return "int";
  if (typeof value === "string") return "str";
  if (value instanceof PyFloat) return "float";
  if (Array.isArray(value)) return "list";
  if (value instanceof PyTuple) return "tuple";
  if (value instanceof PyDict) return "dict";
  if (value instanceof PyRange) return "range";
  if (value instanceof PyDictView) return `dict_${value.kind}`;
  return value.kind === "type" ? "type" : "builtin_function_or_method";
}

export function truthy(value: PyValue): boolean {
  if (value === null) return false;
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value !== 0;
  if (typeof value === "string") return value.length > 0;
  if (value instanceof PyFloat) return value.value !== 0; // NaN is truthy, as in Python
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof PyTuple) return value.items.length > 0;
  if (value instanceof PyDict) return value.size > 0;
  if (value instanceof PyRange) return value.length > 0;
  if (value instanceof PyDictView) return value.dict.size > 0;
  return true;
}

export function pyEquals(a: PyValue, b: PyValue): boolean {
  if (isNumeric(a) && isNumeric(b)) return numberOf(a) === numberOf(b);
  if (typeof a === "string" || typeof b === "string" || a === null || b === null) return a === b;
  if (Array.isArray(a) && Array.isArray(b)) return sequenceEquals(a, b);
  if (a instanceof PyTuple && b instanceof PyTuple) return sequenceEquals(a.items, b.items);
  if (a instanceof PyDict && b instanceof PyDict) {
    if (a.size !== b.size) return false;
    for (const [hash, [, value]] of a.entries) {
      const other = b.entries.get(hash);
      if (!other || !pyEquals(value, other[1])) return false;
    }
    return true;
  }
  if (a instanceof PyRange && b instanceof PyRange) {
    return a.length === b.length && (a.length === 0 || (a.start === b.start && (a.length === 1 || a.step === b.step)));
  }
  return a === b;
}

function sequenceEquals(a: readonly PyValue[], b: readonly PyValue[]): boolean {
  return a.length === b.length && a.every((item, index) => pyEquals(item, b[index] ?? null));
}

export type OrderOp = "<" | "<=" | ">" | ">=";

/** Python's rich comparison for ordering operators; mixing unrelated types is a TypeError. */
export function pyCompare(op: OrderOp, a: PyValue, b: PyValue): boolean {
  if (isNumeric(a) && isNumeric(b)) return applyOrder(op, numberOf(a), numberOf(b));
  if (typeof a === "string" && typeof b === "string") return applyOrder(op, a, b);
  const aItems = Array.isArray(a) ? a : a instanceof PyTuple ? a.items : undefined;
  const bItems = Array.isArray(b) ? b : b instanceof PyTuple ? b.items : undefined;
  if (aItems && bItems && Array.isArray(a) === Array.isArray(b)) {
    // Lexicographic: the first unequal pair decides, else the shorter sequence is smaller.
    const shared = Math.min(aItems.length, bItems.length);
    for (let index = 0; index < shared; index++) {
      const left = aItems[index] ?? null;
      const right = bItems[index] ?? null;
      if (!pyEquals(left, right)) return pyCompare(op, left, right);
    }
    return applyOrder(op, aItems.length, bItems.length);
  }
  throw new PyError("TypeError", `'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
}

function applyOrder<T extends number | string>(op: OrderOp, a: T, b: T): boolean {
  switch (op) {
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    case ">":
      return a > b;
    case ">=":
      return a >= b;
  }
}

/** The identity a dict key is stored under; unhashable values (list, dict) are a TypeError. */
export function hashKey(value: PyValue): string {
  if (value === null) return "None";
  if (isNumeric(value)) return `n:${numberOf(value)}`;
  if (typeof value === "string") return `s:${value}`;
  if (value instanceof PyTuple) return `t:${JSON.stringify(value.items.map(hashKey))}`;
  if (value instanceof PyRange) return `r:${value.start},${value.stop},${value.step}`;
  throw new PyError("TypeError", `unhashable type: '${typeName(value)}'`);
}

/** The items of an iterable, as Python's `for` sees them (a dict yields its keys, a str its characters). */
export function iterate(value: PyValue): readonly PyValue[] {
  if (typeof value === "string") return Array.from(value);
  if (Array.isArray(value)) return value;
  if (value instanceof PyTuple) return value.items;
  if (value instanceof PyDict) return value.keys();
  if (value instanceof PyDictView) return value.items();
  if (value instanceof PyRange) {
    checkItemCount(value.length);
    return Array.from({ length: value.length }, (_, index) => value.at(index));
  }
  throw new PyError("TypeError", `'${typeName(value)}' object is not iterable`);
}

/** `x in container`. */
export function contains(container: PyValue, item: PyValue): boolean {
  if (typeof container === "string") {
    if (typeof item !== "string") throw new PyError("TypeError", `'in <string>' requires string as left operand, not ${typeName(item)}`);
    return container.includes(item);
  }
  if (container instanceof PyDict) return container.has(item);
  if (container instanceof PyDictView && container.kind === "keys") return container.dict.has(item);
  if (container instanceof PyRange) {
    if (!isNumeric(item)) return false;
    const n = numberOf(item);
    const offset = n - container.start;
    return Number.isInteger(n) && offset / container.step >= 0 && offset / container.step < container.length && offset % container.step === 0;
  }
  return iterate(container).some((candidate) => pyEquals(candidate, item));
}

/** Python's `str(x)`. */
export function pyStr(value: PyValue, budget?: Budget): string {
  return typeof value === "string" ? value : pyRepr(value, budget);
}

/**
 * Python's `repr(x)`. Large containers make large text, so the output is capped at the string
 * limit while it is written, and each item visited is charged to the budget when there is one.
 */
export function pyRepr(value: PyValue, budget?: Budget): string {
  const parts: string[] = [];
  let length = 0;
  const write = (text: string) => {
    length += text.length;
    checkStringLength(length);
    parts.push(text);
  };
  const visit = (item: PyValue, depth: number): void => {
    if (depth > LIMITS.maxValueDepth) throw new PyError("RecursionError", "maximum recursion depth exceeded while getting the repr of an object");
    budget?.spend(4);
    const sequence = (open: string, items: readonly PyValue[], close: string) => {
      write(open);
      items.forEach((child, index) => {
        if (index > 0) write(", ");
        visit(child, depth + 1);
      });
      write(close);
    };
    if (Array.isArray(item)) sequence("[", item, "]");
    else if (item instanceof PyTuple) sequence("(", item.items, item.items.length === 1 ? ",)" : ")");
    else if (item instanceof PyDictView) sequence(`dict_${item.kind}([`, item.items(), "])");
    else if (item instanceof PyDict) {
      write("{");
      let first = true;
      for (const [key, child] of item.entries.values()) {
        if (!first) write(", ");
        first = false;
        visit(key, depth + 1);
        write(": ");
        visit(child, depth + 1);
      }
      write("}");
    } else write(scalarRepr(item));
  };
  visit(value, 0);
  return parts.join("");
}

function scalarRepr(value: Exclude<PyValue, PyValue[] | PyTuple | PyDict | PyDictView>): string {
  if (value === null) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return stringRepr(value);
  if (value instanceof PyFloat) return floatRepr(value.value);
  if (value instanceof PyRange) return value.step === 1 ? `range(${value.start}, ${value.stop})` : `range(${value.start}, ${value.stop}, ${value.step})`;
  if (value.kind === "type") return `<class '${value.name}'>`;
  if (value.kind === "method") return `<built-in method ${value.name} of ${typeName(value.receiver ?? null)} object>`;
  return `<built-in function ${value.name}>`;
}

/**
 * Converts a JSON-like context value into a Python value. Anything else (functions, class instances,
 * bigint, symbols) is refused, so no host object ever reaches the evaluator.
 */
export function fromJson(value: unknown, depth = 0): PyValue {
  if (depth > LIMITS.maxValueDepth) throw new PyError("RecursionError", "context value nested too deeply");
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case "boolean":
    case "string":
      return value;
    case "number":
      return Number.isSafeInteger(value) ? value + 0 : new PyFloat(value);
    case "object": {
      if (Array.isArray(value)) return value.map((item) => fromJson(item, depth + 1));
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) break;
      const dict = new PyDict();
      for (const [key, item] of Object.entries(value)) dict.set(key, fromJson(item, depth + 1));
      return dict;
    }
  }
  throw new PyError("TypeError", `unsupported context value of type ${typeof value}`);
}
