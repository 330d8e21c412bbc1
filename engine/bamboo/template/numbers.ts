// Python number semantics the evaluator needs and JS lacks: float repr, correctly rounded
// (half-to-even) fixed/exponent/general formatting, round(), and int()/float() parsing of strings.
//
// Rounding works on the exact binary value of a double (as CPython does), using BigInt, so
// `'%.2f' % 0.125` is "0.12" and `round(2.675, 2)` is 2.67, where JS's toFixed would disagree.

import { PyError } from "./errors";
import { stringRepr, stripPyWhitespace } from "./text";

/** Python's repr(float): shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mantissa = "", exponentText = "0"] = x.toExponential().split("e");
  const exponent = Number(exponentText);
  const digits = mantissa.replace("-", "").replace(".", "");
  const sign = x < 0 ? "-" : "";
  if (exponent >= -4 && exponent < 16) {
    if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
    const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, "0");
    return `${sign}${whole}.${digits.slice(exponent + 1) || "0"}`;
  }
  const head = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${head}e${formatExponent(exponent)}`;
}

function formatExponent(exponent: number): string {
  return `${exponent < 0 ? "-" : "+"}${String(Math.abs(exponent)).padStart(2, "0")}`;
}

/** round-half-even(|x| × 10^places) computed exactly, for a finite x. */
function scaledHalfEven(x: number, places: number): bigint {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const high = view.getUint32(0);
  const biased = (high >>> 20) & 0x7ff;
  let mantissa = (BigInt(high & 0xfffff) << 32n) | BigInt(view.getUint32(4));
  let exponent = -1074; // subnormal
  if (biased !== 0) {
    mantissa |= 1n << 52n;
    exponent = biased - 1075;
  }
  // |x| × 10^places = numerator / denominator
  let numerator = mantissa;
  let denominator = 1n;
  if (exponent >= 0) numerator <<= BigInt(exponent);
  else denominator <<= BigInt(-exponent);
  if (places >= 0) numerator *= 10n ** BigInt(places);
  else denominator *= 10n ** BigInt(-places);
  const quotient = numerator / denominator;
  const twiceRemainder = 2n * (numerator % denominator);
  if (twiceRemainder > denominator || (twiceRemainder === denominator && (quotient & 1n) === 1n)) return quotient + 1n;
  return quotient;
}

function signOf(x: number): string {
  return x < 0 || Object.is(x, -0) ? "-" : "";
}

function nonFinite(x: number): string | undefined {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  return undefined;
}

/** `'%.{precision}f' % x` */
export function formatFixed(x: number, precision: number): string {
  const special = nonFinite(x);
  if (special) return special;
  let digits = scaledHalfEven(x, precision).toString();
  if (precision > 0) {
    digits = digits.padStart(precision + 1, "0");
    digits = `${digits.slice(0, -precision)}.${digits.slice(-precision)}`;
  }
  return signOf(x) + digits;
}

/** The decimal exponent and `precision + 1` significant digits of x rounded half-to-even. */
function significantDigits(x: number, precision: number): { digits: string; exponent: number } {
  if (x === 0) return { digits: "0".repeat(precision + 1), exponent: 0 };
  let exponent = Math.floor(Math.log10(Math.abs(x)));
  for (;;) {
    const digits = scaledHalfEven(x, precision - exponent).toString();
    if (digits.length > precision + 1) exponent++;
    else if (digits.length < precision + 1) exponent--;
    else return { digits, exponent };
  }
}

/** `'%.{precision}e' % x` */
export function formatExponential(x: number, precision: number): string {
  const special = nonFinite(x);
  if (special) return special;
  const { digits, exponent } = significantDigits(x, precision);
  const head = precision > 0 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${signOf(x)}${head}e${formatExponent(exponent)}`;
}

/** `'%.{precision}g' % x`; `alternate` is the `#` flag (keep trailing zeros). */
export function formatGeneral(x: number, precision: number, alternate: boolean): string {
  const special = nonFinite(x);
  if (special) return special;
  const significant = precision === 0 ? 1 : precision;
  const { exponent } = significantDigits(x, significant - 1);
  const text = exponent >= -4 && exponent < significant ? formatFixed(x, significant - 1 - exponent) : formatExponential(x, significant - 1);
  if (alternate) return text;
  const [mantissa = "", exponentPart] = text.split("e");
  const trimmed = mantissa.includes(".") ? mantissa.replace(/0+$/, "").replace(/\.$/, "") : mantissa;
  return exponentPart === undefined ? trimmed : `${trimmed}e${exponentPart}`;
}

/** Python's round(x) for a float: half-to-even, to an int. */
export function roundToInt(x: number): number {
  if (!Number.isFinite(x)) throw new PyError(Number.isNaN(x) ? "ValueError" : "OverflowError", "cannot convert float to integer");
  const magnitude = Number(scaledHalfEven(x, 0));
  return checkInt(x < 0 ? -magnitude : magnitude);
}

/** Python's round(x, ndigits) for a float: the nearest float to x correctly rounded at ndigits. */
export function roundFloat(x: number, ndigits: number): number {
  if (!Number.isFinite(x) || x === 0 || ndigits > 400) return x;
  if (ndigits < -400) return x < 0 ? -0 : 0;
  const rounded = Number(`${scaledHalfEven(x, ndigits)}e${-ndigits}`);
  return x < 0 ? -rounded : rounded;
}

/** Python's round(n, ndigits) for an int: exact, half-to-even on negative ndigits. */
export function roundInt(n: number, ndigits: number): number {
  if (ndigits >= 0) return n;
  if (ndigits < -20) return 0;
  const unit = 10n ** BigInt(-ndigits);
  const value = BigInt(n);
  let quotient = value / unit;
  let remainder = value % unit;
  if (remainder < 0n) {
    quotient -= 1n;
    remainder += unit;
  }
  const twice = 2n * remainder;
  if (twice > unit || (twice === unit && (quotient & 1n) === 1n)) quotient += 1n;
  return checkInt(Number(quotient * unit));
}

/**
 * Ints are JS numbers, so they stop being exact past 2^53. Python's are unbounded; here a result
 * out of that range is an error (the fragment stays literal) rather than a silently wrong number.
 */
export function checkInt(n: number): number {
  if (!Number.isSafeInteger(n)) throw new PyError("OverflowError", "integer result out of the supported range (±2**53)");
  return n + 0; // never -0
}

const DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz";

/** Python's int(s, base) for a str (bases 2–36; a 0x/0o/0b prefix matching the base is allowed). */
export function parseIntLiteral(text: string, base = 10): number {
  const invalid = () => new PyError("ValueError", `invalid literal for int() with base ${base}: ${stringRepr(text)}`);
  if (!Number.isInteger(base) || base < 2 || base > 36) throw new PyError("ValueError", "int() base must be >= 2 and <= 36");
  let body = stripPyWhitespace(text).toLowerCase();
  let negative = false;
  if (body.startsWith("-") || body.startsWith("+")) {
    negative = body.startsWith("-");
    body = body.slice(1);
  }
  const prefix = { 16: "0x", 8: "0o", 2: "0b" }[base];
  if (prefix && body.startsWith(prefix)) body = body.slice(2).replace(/^_/, "");
  if (!/^[0-9a-z]+(_[0-9a-z]+)*$/.test(body)) throw invalid();
  let value = 0;
  for (const ch of body.replaceAll("_", "")) {
    const digit = DIGITS.indexOf(ch);
    if (digit < 0 || digit >= base) throw invalid();
    value = value * base + digit;
  }
  return checkInt(negative ? -value : value);
}

const FLOAT_LITERAL = /^[+-]?(?:(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:e[+-]?\d(?:_?\d)*)?|inf|infinity|nan)$/i;

/** Python's float(s) for a str. */
export function parseFloatLiteral(text: string): number {
  const body = stripPyWhitespace(text);
  if (!FLOAT_LITERAL.test(body)) throw new PyError("ValueError", `could not convert string to float: ${stringRepr(text)}`);
  const lower = body.toLowerCase().replace(/^\+/, "");
  if (lower.endsWith("nan")) return Number.NaN;
  if (lower.endsWith("inf") || lower.endsWith("infinity")) return lower.startsWith("-") ? -Infinity : Infinity;
  return Number(lower.replaceAll("_", ""));
}
