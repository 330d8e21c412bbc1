// Python str basics over JS strings: whitespace, repr, and code-point (not UTF-16) lengths and
// indices, so that len("😀") is 1 as in Python.

/** The characters Python's str.isspace() accepts (split()/strip() with no argument use them). */
export const PY_WHITESPACE = "\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000";

export function isPyWhitespace(ch: string): boolean {
  return ch.length > 0 && PY_WHITESPACE.includes(ch);
}

export function stripPyWhitespace(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isPyWhitespace(s[start] ?? "")) start++;
  while (end > start && isPyWhitespace(s[end - 1] ?? "")) end--;
  return s.slice(start, end);
}

const SURROGATE = /[\uD800-\uDFFF]/;

/** The string as code points; plain strings (the common case) skip the split. */
export function codePoints(s: string): readonly string[] | undefined {
  return SURROGATE.test(s) ? Array.from(s) : undefined;
}

export function codePointLength(s: string): number {
  return codePoints(s)?.length ?? s.length;
}

/** Converts a UTF-16 index into s to a code-point index. */
export function toCodePointIndex(s: string, utf16Index: number): number {
  return SURROGATE.test(s) ? Array.from(s.slice(0, utf16Index)).length : utf16Index;
}

// Python's str.isprintable() is false for these categories (space excepted); repr escapes them.
const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

/** Python's repr(str). */
export function stringRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    if (ch === quote || ch === "\\") out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch !== " " && NON_PRINTABLE.test(ch)) out += escapeCodePoint(ch.codePointAt(0) ?? 0);
    else out += ch;
  }
  return out + quote;
}

function escapeCodePoint(code: number): string {
  if (code < 0x100) return `\\x${code.toString(16).padStart(2, "0")}`;
  if (code < 0x10000) return `\\u${code.toString(16).padStart(4, "0")}`;
  return `\\U${code.toString(16).padStart(8, "0")}`;
}
