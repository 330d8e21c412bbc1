// Python string formatting: `fmt % args` (printf style) and str.format with positional fields.

import { PyError } from "./errors";
import type { Budget } from "./limits";
import { formatExponential, formatFixed, formatGeneral } from "./numbers";
import { isInt, isNumeric, numberOf, PyDict, PyTuple, pyRepr, pyStr, type PyValue, typeName } from "./values";

const SPEC = /%(?:\(([^)]*)\))?([-+ #0]*)(\*|\d+)?(?:\.(\*|\d+))?[hlL]?(.?)/y;

/** `fmt % args`: a tuple supplies positional values, a dict `%(name)s` values, anything else is one value. */
export function percentFormat(fmt: string, args: PyValue, budget: Budget): string {
  const positional = args instanceof PyTuple ? args.items : [args];
  // Like CPython, a dict or list on the right is a mapping: leftover values are then no error.
  const mapping = !(args instanceof PyTuple) && (args instanceof PyDict || Array.isArray(args)) ? args : undefined;
  let next = 0;
  const take = (): PyValue => {
    if (next >= positional.length) throw new PyError("TypeError", "not enough arguments for format string");
    return positional[next++] as PyValue;
  };
  let out = "";
  let i = 0;
  while (i < fmt.length) {
    const percent = fmt.indexOf("%", i);
    if (percent < 0) {
      out += fmt.slice(i);
      break;
    }
    out += fmt.slice(i, percent);
    SPEC.lastIndex = percent;
    const match = SPEC.exec(fmt);
    const [whole = "", key, flags = "", widthText, precisionText, conversion = ""] = match ?? [];
    if (conversion === "") throw new PyError("ValueError", "incomplete format");
    i = percent + whole.length;
    if (conversion === "%") {
      out += "%";
      continue;
    }
    const width = widthText === "*" ? intArgument(take()) : widthText === undefined ? 0 : Number(widthText);
    const precision = precisionText === "*" ? intArgument(take()) : precisionText === undefined ? undefined : Number(precisionText);
    let value: PyValue;
    if (key !== undefined) {
      if (!(mapping instanceof PyDict)) throw new PyError("TypeError", "format requires a mapping");
      const found = mapping.get(key);
      if (found === undefined) throw new PyError("KeyError", `'${key}'`);
      value = found;
    } else {
      value = take();
    }
    const text = convert(conversion, value, flags, precision, percent, budget);
    const padded = pad(text, flags, width);
    budget.spendString(out.length + padded.length);
    out += padded;
  }
  if (next < positional.length && mapping === undefined) throw new PyError("TypeError", "not all arguments converted during string formatting");
  return out;
}

function intArgument(value: PyValue): number {
  if (!isInt(value)) throw new PyError("TypeError", "* wants int");
  return numberOf(value);
}

function convert(conversion: string, value: PyValue, flags: string, precision: number | undefined, index: number, budget: Budget): string {
  switch (conversion) {
    case "s":
      return pyStr(value, budget).slice(0, precision);
    case "r":
    case "a":
      return pyRepr(value, budget).slice(0, precision);
    case "d":
    case "i":
    case "u":
      return signed(integerDigits(realNumber(value, conversion)), flags);
    case "f":
    case "F":
      return signed(formatFixed(realNumber(value, conversion), precision ?? 6), flags);
    case "e":
    case "E": {
      const text = signed(formatExponential(realNumber(value, conversion), precision ?? 6), flags);
      return conversion === "E" ? text.toUpperCase() : text;
    }
    case "g":
    case "G": {
      const text = signed(formatGeneral(realNumber(value, conversion), precision ?? 6, flags.includes("#")), flags);
      return conversion === "G" ? text.toUpperCase() : text;
    }
    case "x":
    case "X":
    case "o":
      return radix(conversion, value, flags);
    case "c":
      return character(value);
  }
  throw new PyError("ValueError", `unsupported format character '${conversion}' (0x${conversion.charCodeAt(0).toString(16)}) at index ${index + 1}`);
}

function realNumber(value: PyValue, conversion: string): number {
  if (!isNumeric(value)) throw new PyError("TypeError", `%${conversion} format: a real number is required, not ${typeName(value)}`);
  return numberOf(value);
}

/** The exact digits of trunc(x): a large float such as 1e300 prints in full, as in Python. */
function integerDigits(x: number): string {
  if (Number.isNaN(x)) throw new PyError("ValueError", "cannot convert float NaN to integer");
  if (!Number.isFinite(x)) throw new PyError("OverflowError", "cannot convert float infinity to integer");
  return BigInt(Math.trunc(x)).toString();
}

function signed(text: string, flags: string): string {
  if (text.startsWith("-")) return text;
  if (flags.includes("+")) return `+${text}`;
  if (flags.includes(" ")) return ` ${text}`;
  return text;
}

function radix(conversion: string, value: PyValue, flags: string): string {
  if (!isInt(value)) throw new PyError("TypeError", `%${conversion} format: an integer is required, not ${typeName(value)}`);
  const n = numberOf(value);
  const base = conversion === "o" ? 8 : 16;
  const prefix = flags.includes("#") ? (conversion === "o" ? "0o" : "0x") : "";
  const text = signed(`${n < 0 ? "-" : ""}${prefix}${Math.abs(n).toString(base)}`, flags);
  return conversion === "X" ? text.toUpperCase() : text;
}

function character(value: PyValue): string {
  if (typeof value === "string" && Array.from(value).length === 1) return value;
  if (isInt(value) && numberOf(value) >= 0 && numberOf(value) <= 0x10ffff) return String.fromCodePoint(numberOf(value));
  throw new PyError("TypeError", "%c requires an int or a unicode character");
}

function pad(text: string, flags: string, width: number): string {
  if (text.length >= width) return text;
  if (flags.includes("-")) return text.padEnd(width);
  if (flags.includes("0") && /^[-+ ]?(0[xXoO])?[0-9a-fA-F.]/.test(text)) {
    const sign = /^[-+ ]?(0[xXoO])?/.exec(text)?.[0] ?? "";
    return sign + text.slice(sign.length).padStart(width - sign.length, "0");
  }
  return text.padStart(width);
}

/** str.format with positional fields only: `{}`, `{0}`, and `{{`/`}}` escapes. */
export function braceFormat(fmt: string, args: readonly PyValue[], budget: Budget): string {
  let out = "";
  let automatic = 0;
  let numbering: "auto" | "manual" | undefined;
  for (let i = 0; i < fmt.length; i++) {
    const ch = fmt[i] as string;
    if (ch === "}") {
      if (fmt[i + 1] !== "}") throw new PyError("ValueError", "Single '}' encountered in format string");
      out += "}";
      i++;
      continue;
    }
    if (ch !== "{") {
      out += ch;
      continue;
    }
    if (fmt[i + 1] === "{") {
      out += "{";
      i++;
      continue;
    }
    const close = fmt.indexOf("}", i);
    if (close < 0) throw new PyError("ValueError", "Single '{' encountered in format string");
    const field = fmt.slice(i + 1, close);
    if (field !== "" && !/^\d+$/.test(field)) throw new PyError("ValueError", `unsupported format field {${field}} (only {} and {N})`);
    const mode = field === "" ? "auto" : "manual";
    if (numbering !== undefined && numbering !== mode) throw new PyError("ValueError", "cannot switch between automatic field numbering and manual field specification");
    numbering = mode;
    const position = field === "" ? automatic++ : Number(field);
    if (position >= args.length) throw new PyError("IndexError", `Replacement index ${position} out of range for positional args tuple`);
    out += pyStr(args[position] as PyValue, budget);
    budget.spendString(out.length);
    i = close;
  }
  return out;
}
