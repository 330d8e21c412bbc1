// Python operator semantics: arithmetic with the int/float split, sequence concatenation and
// repetition (size-checked before anything is built), comparisons, indexing and slicing.

import { PyError } from "./errors";
import type { Budget } from "./limits";
import { checkInt } from "./numbers";
import type { BinaryOp, CompareOp } from "./parser";
import { percentFormat } from "./printf";
import { codePoints } from "./text";
import { contains, isInt, isNumeric, numberOf, PyDict, PyDictView, PyFloat, PyRange, PyTuple, pyCompare, pyEquals, type PyValue, typeName } from "./values";

export function binaryOperation(op: BinaryOp, left: PyValue, right: PyValue, budget: Budget): PyValue {
  if (isNumeric(left) && isNumeric(right)) return arithmetic(op, left, right);
  if (op === "%" && typeof left === "string") return percentFormat(left, right, budget);
  if (op === "+") {
    if (typeof left === "string" && typeof right === "string") {
      budget.spendString(left.length + right.length);
      return left + right;
    }
    if (Array.isArray(left) && Array.isArray(right)) {
      budget.spendItems(left.length + right.length);
      return [...left, ...right];
    }
    if (left instanceof PyTuple && right instanceof PyTuple) {
      budget.spendItems(left.items.length + right.items.length);
      return new PyTuple([...left.items, ...right.items]);
    }
    if (typeof left === "string") throw new PyError("TypeError", `can only concatenate str (not "${typeName(right)}") to str`);
    if (Array.isArray(left)) throw new PyError("TypeError", `can only concatenate list (not "${typeName(right)}") to list`);
  }
  if (op === "*") {
    if (isInt(right)) {
      const repeated = repeat(left, numberOf(right), budget);
      if (repeated !== undefined) return repeated;
    }
    if (isInt(left)) {
      const repeated = repeat(right, numberOf(left), budget);
      if (repeated !== undefined) return repeated;
    }
  }
  throw new PyError("TypeError", `unsupported operand type(s) for ${op}: '${typeName(left)}' and '${typeName(right)}'`);
}

/** `seq * n` for str, list and tuple; undefined when `sequence` is not one. */
function repeat(sequence: PyValue, times: number, budget: Budget): PyValue | undefined {
  const count = Math.max(0, times);
  if (typeof sequence === "string") {
    budget.spendString(sequence.length * count);
    return sequence.repeat(count);
  }
  const items = Array.isArray(sequence) ? sequence : sequence instanceof PyTuple ? sequence.items : undefined;
  if (items === undefined) return undefined;
  budget.spendItems(items.length * count);
  const out: PyValue[] = [];
  for (let i = 0; i < count; i++) out.push(...items);
  return Array.isArray(sequence) ? out : new PyTuple(out);
}

function arithmetic(op: BinaryOp, left: number | boolean | PyFloat, right: number | boolean | PyFloat): PyValue {
  const a = numberOf(left);
  const b = numberOf(right);
  const ints = isInt(left) && isInt(right);
  switch (op) {
    case "+":
      return ints ? checkInt(a + b) : new PyFloat(a + b);
    case "-":
      return ints ? checkInt(a - b) : new PyFloat(a - b);
    case "*":
      return ints ? checkInt(a * b) : new PyFloat(a * b);
    case "/":
      if (b === 0) throw new PyError("ZeroDivisionError", "division by zero");
      return new PyFloat(a / b);
    case "//":
      if (b === 0) throw new PyError("ZeroDivisionError", "integer division or modulo by zero");
      return ints ? Number(floorDivide(BigInt(a), BigInt(b))) : new PyFloat(floatDivmod(a, b)[0]);
    case "%":
      if (b === 0) throw new PyError("ZeroDivisionError", "integer division or modulo by zero");
      if (ints) {
        const remainder = a % b;
        return remainder !== 0 && remainder < 0 !== b < 0 ? remainder + b : remainder + 0;
      }
      return new PyFloat(floatDivmod(a, b)[1]);
    case "**":
      return power(a, b, ints);
  }
}

function floorDivide(a: bigint, b: bigint): bigint {
  const quotient = a / b;
  return (a % b !== 0n && a < 0n !== b < 0n) ? quotient - 1n : quotient;
}

/** CPython's float_divmod: floor quotient and a remainder with the divisor's sign. */
function floatDivmod(a: number, b: number): [number, number] {
  let mod = a % b;
  let div = (a - mod) / b;
  if (mod !== 0) {
    if (b < 0 !== mod < 0) {
      mod += b;
      div -= 1;
    }
  } else {
    mod = b < 0 ? -0 : 0;
  }
  let floorDiv: number;
  if (div !== 0) {
    floorDiv = Math.floor(div);
    if (div - floorDiv > 0.5) floorDiv += 1;
  } else {
    floorDiv = a / b < 0 ? -0 : 0;
  }
  return [floorDiv, mod];
}

function power(a: number, b: number, ints: boolean): PyValue {
  if (ints && b >= 0) {
    // Decide the size from the float estimate first, so 10**10**9 fails without computing it.
    if (!Number.isSafeInteger(a ** b)) throw new PyError("OverflowError", "integer result out of the supported range (±2**53)");
    return checkInt(Number(BigInt(a) ** BigInt(b)));
  }
  if (a === 0 && b < 0) throw new PyError("ZeroDivisionError", "0.0 cannot be raised to a negative power");
  if (a < 0 && !Number.isInteger(b)) throw new PyError("ValueError", "complex results are not supported");
  const result = a ** b;
  if (!Number.isFinite(result) && Number.isFinite(a) && Number.isFinite(b)) throw new PyError("OverflowError", "(34, 'Numerical result out of range')");
  return new PyFloat(result);
}

export function unaryOperation(op: "-" | "+", operand: PyValue): PyValue {
  if (!isNumeric(operand)) throw new PyError("TypeError", `bad operand type for unary ${op}: '${typeName(operand)}'`);
  const n = numberOf(operand);
  if (operand instanceof PyFloat) return op === "-" ? new PyFloat(-n) : operand;
  return op === "-" ? checkInt(-n) : n;
}

export function compareOperation(op: CompareOp, left: PyValue, right: PyValue): boolean {
  switch (op) {
    case "==":
      return pyEquals(left, right);
    case "!=":
      return !pyEquals(left, right);
    case "in":
      return contains(right, left);
    case "not in":
      return !contains(right, left);
    case "is":
      return identical(left, right);
    case "is not":
      return !identical(left, right);
    default:
      return pyCompare(op, left, right);
  }
}

/**
 * `is`: exact for None, True and False (its real use); other values compare as JS identity, which
 * matches CPython for ints, strings and the same object, and may differ for equal containers.
 */
function identical(a: PyValue, b: PyValue): boolean {
  return a === b;
}

/** `object[index]` */
export function indexValue(object: PyValue, index: PyValue): PyValue {
  if (object instanceof PyDict) {
    const value = object.get(index);
    if (value === undefined) throw new PyError("KeyError", String(index));
    return value;
  }
  if (typeof object === "string") {
    const points = codePoints(object);
    const position = normalizeIndex(index, points?.length ?? object.length, "string");
    return points ? (points[position] as string) : (object[position] as string);
  }
  if (Array.isArray(object)) return object[normalizeIndex(index, object.length, "list")] as PyValue;
  if (object instanceof PyTuple) return object.items[normalizeIndex(index, object.items.length, "tuple")] as PyValue;
  if (object instanceof PyRange) return object.at(normalizeIndex(index, object.length, "range object"));
  if (object instanceof PyDictView) throw new PyError("TypeError", `'${typeName(object)}' object is not subscriptable`);
  throw new PyError("TypeError", `'${typeName(object)}' object is not subscriptable`);
}

function normalizeIndex(index: PyValue, length: number, what: string): number {
  if (!isInt(index)) throw new PyError("TypeError", `${what} indices must be integers, not '${typeName(index)}'`);
  const n = numberOf(index);
  const position = n < 0 ? n + length : n;
  if (position < 0 || position >= length) throw new PyError("IndexError", `${what} index out of range`);
  return position;
}

/** `object[lower:upper:step]` on str, list and tuple, with Python's clamping of out-of-range bounds. */
export function sliceValue(object: PyValue, lower: PyValue, upper: PyValue, step: PyValue, budget: Budget): PyValue {
  const items = typeof object === "string" ? (codePoints(object) ?? object.split("")) : Array.isArray(object) ? object : object instanceof PyTuple ? object.items : undefined;
  if (items === undefined) throw new PyError("TypeError", `'${typeName(object)}' object is not subscriptable`);
  const stride = step === null ? 1 : sliceBound(step);
  if (stride === 0) throw new PyError("ValueError", "slice step cannot be zero");
  const length = items.length;
  const [low, high] = stride > 0 ? [0, length] : [-1, length - 1];
  const clamp = (bound: PyValue, fallback: number) => {
    if (bound === null) return fallback;
    const n = sliceBound(bound);
    return Math.min(Math.max(n < 0 ? n + length : n, low), high);
  };
  const start = clamp(lower, stride > 0 ? low : high);
  const stop = clamp(upper, stride > 0 ? high : low);
  const picked: PyValue[] = [];
  for (let i = start; stride > 0 ? i < stop : i > stop; i += stride) picked.push(items[i] as PyValue);
  if (typeof object === "string") {
    budget.spendString(picked.length);
    return picked.join("");
  }
  budget.spendItems(picked.length);
  return Array.isArray(object) ? picked : new PyTuple(picked);
}

function sliceBound(bound: PyValue): number {
  if (!isInt(bound)) throw new PyError("TypeError", "slice indices must be integers or None");
  return numberOf(bound);
}
