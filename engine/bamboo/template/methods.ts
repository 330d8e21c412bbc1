// The method allow-list: the only attributes a template may read. Each is looked up in a Map by
// receiver type, so no JS property (constructor, __proto__, …) can ever be reached.

import { bindArguments } from "./arguments";
import { PyError } from "./errors";
import type { Budget } from "./limits";
import { braceFormat } from "./printf";
import { codePointLength, codePoints, isPyWhitespace, toCodePointIndex } from "./text";
import { type CallArgs, isInt, iterate, numberOf, PyCallable, PyDict, PyDictView, PyTuple, pyEquals, type PyValue, typeName } from "./values";

type Method<R> = (receiver: R, args: CallArgs, budget: Budget) => PyValue;

const STR_METHODS = new Map<string, Method<string>>([
  ["split", (s, args, budget) => splitMethod("split", s, args, budget, false)],
  ["rsplit", (s, args, budget) => splitMethod("rsplit", s, args, budget, true)],
  ["upper", (s, args) => noArguments("upper", args, () => s.toUpperCase())],
  ["lower", (s, args) => noArguments("lower", args, () => s.toLowerCase())],
  ["title", (s, args) => noArguments("title", args, () => titleCase(s))],
  ["capitalize", (s, args) => noArguments("capitalize", args, () => capitalize(s))],
  ["strip", (s, args) => stripMethod("strip", s, args, true, true)],
  ["lstrip", (s, args) => stripMethod("lstrip", s, args, true, false)],
  ["rstrip", (s, args) => stripMethod("rstrip", s, args, false, true)],
  ["replace", replaceMethod],
  ["startswith", (s, args) => affixMethod("startswith", args, (affix) => s.startsWith(affix))],
  ["endswith", (s, args) => affixMethod("endswith", args, (affix) => s.endsWith(affix))],
  ["join", joinMethod],
  ["format", (s, args, budget) => {
    if (args.keywords.size > 0) throw new PyError("ValueError", "format() supports positional fields only");
    return braceFormat(s, args.positional, budget);
  }],
  ["find", (s, args) => {
    const index = s.indexOf(stringArgument("find", bindArguments("find", args, ["sub"])[0]));
    return index < 0 ? -1 : toCodePointIndex(s, index);
  }],
  ["rfind", (s, args) => {
    const index = s.lastIndexOf(stringArgument("rfind", bindArguments("rfind", args, ["sub"])[0]));
    return index < 0 ? -1 : toCodePointIndex(s, index);
  }],
  ["count", (s, args, budget) => {
    const found = countOccurrences(s, stringArgument("count", bindArguments("count", args, ["sub"])[0]));
    budget.spend(found);
    return found;
  }],
  ["zfill", zfillMethod],
  ["isdigit", (s, args) => noArguments("isdigit", args, () => /^\p{Nd}+$/u.test(s))],
  ["isalpha", (s, args) => noArguments("isalpha", args, () => /^\p{L}+$/u.test(s))],
  ["isalnum", (s, args) => noArguments("isalnum", args, () => /^[\p{L}\p{N}]+$/u.test(s))],
  ["isspace", (s, args) => noArguments("isspace", args, () => s.length > 0 && Array.from(s).every(isPyWhitespace))],
]);

const DICT_METHODS = new Map<string, Method<PyDict>>([
  ["get", (dict, args) => {
    const [key = null, fallback = null] = bindArguments("get", args, ["key", "default"], 1);
    return dict.get(key) ?? fallback;
  }],
  ["keys", (dict, args) => noArguments("keys", args, () => new PyDictView("keys", dict))],
  ["values", (dict, args) => noArguments("values", args, () => new PyDictView("values", dict))],
  ["items", (dict, args) => noArguments("items", args, () => new PyDictView("items", dict))],
]);

// Shared by list and tuple (neither has mutating methods here: values are never modified).
const SEQUENCE_METHODS = new Map<string, Method<readonly PyValue[]>>([
  ["index", (items, args) => {
    const [value = null] = bindArguments("index", args, ["value"]);
    const index = items.findIndex((item) => pyEquals(item, value));
    if (index < 0) throw new PyError("ValueError", "value is not in list");
    return index;
  }],
  ["count", (items, args) => {
    const [value = null] = bindArguments("count", args, ["value"]);
    return items.filter((item) => pyEquals(item, value)).length;
  }],
]);

/** `receiver.name`, bound; only allow-listed methods exist, anything else is an AttributeError. */
export function getMethod(receiver: PyValue, name: string): PyCallable {
  const bind = <R>(methods: ReadonlyMap<string, Method<R>>, value: R): PyCallable | undefined => {
    const method = methods.get(name);
    return method && new PyCallable(name, "method", (args, budget) => method(value, args, budget), receiver);
  };
  let bound: PyCallable | undefined;
  if (typeof receiver === "string") bound = bind(STR_METHODS, receiver);
  else if (receiver instanceof PyDict) bound = bind(DICT_METHODS, receiver);
  else if (Array.isArray(receiver)) bound = bind(SEQUENCE_METHODS, receiver);
  else if (receiver instanceof PyTuple) bound = bind(SEQUENCE_METHODS, receiver.items);
  if (bound === undefined) throw new PyError("AttributeError", `'${typeName(receiver)}' object has no attribute '${name}'`);
  return bound;
}

function noArguments(name: string, args: CallArgs, run: () => PyValue): PyValue {
  bindArguments(name, args, []);
  return run();
}

function stringArgument(method: string, value: PyValue | undefined): string {
  if (typeof value !== "string") throw new PyError("TypeError", `${method}() argument must be str, not ${typeName(value ?? null)}`);
  return value;
}

function intArgument(value: PyValue | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!isInt(value)) throw new PyError("TypeError", `'${typeName(value)}' object cannot be interpreted as an integer`);
  return numberOf(value);
}

function splitMethod(name: string, s: string, args: CallArgs, budget: Budget, fromRight: boolean): PyValue {
  const [sep = null, maxsplitValue] = bindArguments(name, args, ["sep", "maxsplit"], 0);
  const maxsplit = intArgument(maxsplitValue, -1);
  let parts: string[];
  if (sep === null) parts = fromRight ? rsplitWhitespace(s, maxsplit) : splitWhitespace(s, maxsplit);
  else {
    const separator = stringArgument(name, sep);
    if (separator === "") throw new PyError("ValueError", "empty separator");
    parts = fromRight ? rsplitOn(s, separator, maxsplit) : splitOn(s, separator, maxsplit);
  }
  budget.spendItems(parts.length);
  return parts;
}

/** str.split() with no separator: runs of whitespace, none at either end; the rest kept after maxsplit. */
function splitWhitespace(s: string, maxsplit: number): string[] {
  const parts: string[] = [];
  let i = 0;
  for (let left = maxsplit; ; ) {
    while (i < s.length && isPyWhitespace(s[i] as string)) i++;
    if (i >= s.length) return parts;
    if (left === 0) {
      parts.push(s.slice(i));
      return parts;
    }
    let j = i;
    while (j < s.length && !isPyWhitespace(s[j] as string)) j++;
    parts.push(s.slice(i, j));
    i = j;
    left--;
  }
}

function rsplitWhitespace(s: string, maxsplit: number): string[] {
  const parts: string[] = [];
  let end = s.length;
  for (let left = maxsplit; ; ) {
    while (end > 0 && isPyWhitespace(s[end - 1] as string)) end--;
    if (end <= 0) return parts.reverse();
    if (left === 0) {
      parts.push(s.slice(0, end));
      return parts.reverse();
    }
    let start = end;
    while (start > 0 && !isPyWhitespace(s[start - 1] as string)) start--;
    parts.push(s.slice(start, end));
    end = start;
    left--;
  }
}

function splitOn(s: string, separator: string, maxsplit: number): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let left = maxsplit; left !== 0; left--) {
    const found = s.indexOf(separator, start);
    if (found < 0) break;
    parts.push(s.slice(start, found));
    start = found + separator.length;
  }
  parts.push(s.slice(start));
  return parts;
}

function rsplitOn(s: string, separator: string, maxsplit: number): string[] {
  const parts: string[] = [];
  let end = s.length;
  for (let left = maxsplit; left !== 0; left--) {
    const found = end - separator.length < 0 ? -1 : s.lastIndexOf(separator, end - separator.length);
    if (found < 0) break;
    parts.push(s.slice(found + separator.length, end));
    end = found;
  }
  parts.push(s.slice(0, end));
  return parts.reverse();
}

function stripMethod(name: string, s: string, args: CallArgs, left: boolean, right: boolean): PyValue {
  const [chars = null] = bindArguments(name, args, ["chars"], 0);
  const strip = chars === null ? isPyWhitespace : (ch: string) => Array.from(stringArgument(name, chars)).includes(ch);
  const points = codePoints(s) ?? s.split("");
  let start = 0;
  let end = points.length;
  if (left) while (start < end && strip(points[start] as string)) start++;
  if (right) while (end > start && strip(points[end - 1] as string)) end--;
  return points.slice(start, end).join("");
}

function replaceMethod(s: string, args: CallArgs, budget: Budget): PyValue {
  const [oldValue, newValue, countValue] = bindArguments("replace", args, ["old", "new", "count"], 2);
  const old = stringArgument("replace", oldValue);
  const replacement = stringArgument("replace", newValue);
  const limit = intArgument(countValue, -1);
  if (old === "") {
    // An empty `old` matches before every character and at the end, as in Python.
    const chars = codePoints(s) ?? s.split("");
    const replaced = limit < 0 ? chars.length + 1 : Math.min(limit, chars.length + 1);
    budget.spendString(s.length + replaced * replacement.length);
    let out = "";
    for (let i = 0; i <= chars.length; i++) out += (i < replaced ? replacement : "") + (chars[i] ?? "");
    return out;
  }
  // split/join: V8's replaceAll is an order of magnitude slower per match.
  const pieces = s.split(old);
  const found = pieces.length - 1;
  const replaced = limit < 0 ? found : Math.min(limit, found);
  budget.spend(found);
  budget.spendString(s.length + replaced * (replacement.length - old.length));
  if (replaced === found) return pieces.join(replacement);
  return `${pieces.slice(0, replaced + 1).join(replacement)}${old}${pieces.slice(replaced + 1).join(old)}`;
}

function affixMethod(name: string, args: CallArgs, test: (affix: string) => boolean): PyValue {
  const [affix = null] = bindArguments(name, args, ["prefix"]);
  if (typeof affix === "string") return test(affix);
  if (affix instanceof PyTuple) return affix.items.some((item) => test(stringArgument(name, item)));
  throw new PyError("TypeError", `${name} first arg must be str or a tuple of str, not ${typeName(affix)}`);
}

function joinMethod(separator: string, args: CallArgs, budget: Budget): PyValue {
  const [iterable = null] = bindArguments("join", args, ["iterable"]);
  const items = iterate(iterable);
  let length = separator.length * Math.max(0, items.length - 1);
  items.forEach((item, index) => {
    if (typeof item !== "string") throw new PyError("TypeError", `sequence item ${index}: expected str instance, ${typeName(item)} found`);
    length += item.length;
  });
  budget.spendString(length);
  return items.join(separator);
}

function countOccurrences(s: string, sub: string): number {
  if (sub === "") return codePointLength(s) + 1;
  let count = 0;
  for (let at = s.indexOf(sub); at >= 0; at = s.indexOf(sub, at + sub.length)) count++;
  return count;
}

function zfillMethod(s: string, args: CallArgs, budget: Budget): PyValue {
  const [widthValue] = bindArguments("zfill", args, ["width"]);
  const width = intArgument(widthValue, 0);
  const length = codePointLength(s);
  if (length >= width) return s;
  budget.spendString(s.length + width - length);
  const sign = s.startsWith("-") || s.startsWith("+") ? (s[0] as string) : "";
  return sign + "0".repeat(width - length) + s.slice(sign.length);
}

function isCased(ch: string): boolean {
  return ch.toUpperCase() !== ch.toLowerCase();
}

/** Python's str.title(): each run of cased letters starts upper-case, the rest lower-case. */
function titleCase(s: string): string {
  let out = "";
  let previousCased = false;
  for (const ch of s) {
    const cased = isCased(ch);
    out += cased ? (previousCased ? ch.toLowerCase() : ch.toUpperCase()) : ch;
    previousCased = cased;
  }
  return out;
}

function capitalize(s: string): string {
  const [first = "", ...rest] = Array.from(s);
  return first.toUpperCase() + rest.join("").toLowerCase();
}
