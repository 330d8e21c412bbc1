// Tokenizer for the one-line Python expressions inside `${…}` fragments.

import { TemplateSyntaxError } from "./errors";
import { checkInt } from "./numbers";
import { PyFloat } from "./values";

export type Token =
  | { readonly type: "number"; readonly value: number | PyFloat; readonly pos: number }
  | { readonly type: "string"; readonly value: string; readonly pos: number }
  | { readonly type: "name"; readonly value: string; readonly pos: number }
  | { readonly type: "op"; readonly value: string; readonly pos: number }
  | { readonly type: "end"; readonly pos: number };

// Longest first, so that "**" wins over "*". Bit operators, `:=`, `@`, `;` and `~` are outside the subset.
const OPERATORS = ["**", "//", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "<", ">", "(", ")", "[", "]", "{", "}", ",", ":", ".", "="];

const NAME_START = /[\p{L}\p{Nl}_]/u;
const NAME_PART = /[\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]/u;

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  while (pos < source.length) {
    const ch = source[pos] ?? "";
    if (ch === " " || ch === "\t" || ch === "\f") {
      pos++;
      continue;
    }
    if (ch === "\n" || ch === "\r" || ch === "\\") throw new TemplateSyntaxError("expressions must fit on one line", pos);
    const start = pos;
    if (isDigit(ch) || (ch === "." && isDigit(source[pos + 1] ?? ""))) {
      const [value, end] = readNumber(source, pos);
      tokens.push({ type: "number", value, pos: start });
      pos = end;
      continue;
    }
    const prefixed = stringPrefix(source, pos);
    if (prefixed !== undefined) {
      const [value, end] = readString(source, pos + prefixed.length, prefixed.raw);
      tokens.push({ type: "string", value, pos: start });
      pos = end;
      continue;
    }
    if (NAME_START.test(ch)) {
      let end = pos + 1;
      while (end < source.length && NAME_PART.test(source[end] ?? "")) end++;
      tokens.push({ type: "name", value: source.slice(pos, end), pos: start });
      pos = end;
      continue;
    }
    const op = OPERATORS.find((candidate) => source.startsWith(candidate, pos));
    if (op === undefined) throw new TemplateSyntaxError(`unsupported character ${JSON.stringify(ch)}`, pos);
    tokens.push({ type: "op", value: op, pos: start });
    pos += op.length;
  }
  tokens.push({ type: "end", pos });
  return tokens;
}

function isDigit(ch: string): boolean {
  return ch >= "0" && ch <= "9";
}

const INT_FORMS: readonly (readonly [RegExp, number])[] = [
  [/0[xX](?:_?[0-9a-fA-F])+/y, 16],
  [/0[oO](?:_?[0-7])+/y, 8],
  [/0[bB](?:_?[01])+/y, 2],
];
const DECIMAL = /(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?/y;

function matchAt(pattern: RegExp, source: string, pos: number): string | undefined {
  pattern.lastIndex = pos;
  return pattern.exec(source)?.[0];
}

function readNumber(source: string, pos: number): [number | PyFloat, number] {
  let text: string | undefined;
  let value: number | PyFloat | undefined;
  for (const [pattern, base] of INT_FORMS) {
    text = matchAt(pattern, source, pos);
    if (text !== undefined) {
      value = checkInt(Number.parseInt(text.slice(2).replaceAll("_", ""), base));
      break;
    }
  }
  if (text === undefined || value === undefined) {
    text = matchAt(DECIMAL, source, pos) ?? "";
    const digits = text.replaceAll("_", "");
    if (/[.eE]/.test(digits)) value = new PyFloat(Number(digits));
    else if (/^0+\d/.test(digits)) throw new TemplateSyntaxError("leading zeros in decimal integer literals are not permitted", pos);
    else value = checkInt(Number(digits));
  }
  const after = source[pos + text.length] ?? "";
  if (/[\w.]/.test(after)) throw new TemplateSyntaxError("invalid number literal", pos);
  return [value, pos + text.length];
}

/** A string literal starts here: its prefix ("", "r", "u", case-insensitive) and whether it is raw. */
function stringPrefix(source: string, pos: number): { length: number; raw: boolean } | undefined {
  for (const prefix of ["", "r", "u"]) {
    const quote = source[pos + prefix.length];
    if ((quote === "'" || quote === '"') && source.slice(pos, pos + prefix.length).toLowerCase() === prefix) {
      return { length: prefix.length, raw: prefix === "r" };
    }
  }
  return undefined;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { "\\": "\\", "'": "'", '"': '"', a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v" };

function readString(source: string, pos: number, raw: boolean): [string, number] {
  const quoteChar = source[pos] ?? "";
  const quote = source.startsWith(quoteChar.repeat(3), pos) ? quoteChar.repeat(3) : quoteChar;
  let i = pos + quote.length;
  let out = "";
  for (;;) {
    if (i >= source.length) throw new TemplateSyntaxError("unterminated string literal", pos);
    if (source.startsWith(quote, i)) return [out, i + quote.length];
    const ch = source[i] ?? "";
    if (ch !== "\\") {
      out += ch;
      i++;
      continue;
    }
    const next = source[i + 1] ?? "";
    if (raw) {
      // A raw string keeps the backslash, but it still stops the next quote from ending the string.
      out += ch + next;
      i += 2;
      continue;
    }
    const [text, length] = readEscape(source, i, next);
    out += text;
    i += length;
  }
}

/** One escape sequence starting at the backslash at `i`: its text and its length in the source. */
function readEscape(source: string, i: number, next: string): [string, number] {
  const simple = SIMPLE_ESCAPES[next];
  if (simple !== undefined) return [simple, 2];
  const octal = /^[0-7]{1,3}/.exec(source.slice(i + 1))?.[0];
  if (octal !== undefined) return [String.fromCodePoint(Number.parseInt(octal, 8)), 1 + octal.length];
  const width = { x: 2, u: 4, U: 8 }[next];
  if (width !== undefined) {
    const hex = source.slice(i + 2, i + 2 + width);
    if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex)) throw new TemplateSyntaxError(`truncated \\${next} escape`, i);
    const code = Number.parseInt(hex, 16);
    if (code > 0x10ffff) throw new TemplateSyntaxError("illegal Unicode character", i);
    return [String.fromCodePoint(code), 2 + width];
  }
  if (next === "N") throw new TemplateSyntaxError("\\N{…} escapes are not supported", i);
  return [`\\${next}`, 2]; // Python keeps unknown escapes as written
}
