/**
 * NocoBase's `{{…}}` field templates (nocobase-workflow.md §4.2, `@nocobase/utils` json-templates plus the
 * evaluators' `appendArrayColumn`), written for this engine. No npm library implements this exact dialect (a
 * whole placeholder keeping its type, `:default`, keys templated, the array flattening rule), so it is small and
 * local.
 */

/** The variables a node sees (§4.1). */
export interface VariableScope {
  readonly $context: unknown;
  readonly $jobsMapByNodeKey: Readonly<Record<string, unknown>>;
  readonly $scopes: Readonly<Record<string, unknown>>;
  readonly $system: Readonly<Record<string, unknown>>;
  readonly $env: Readonly<Record<string, unknown>>;
  readonly [name: string]: unknown;
}

/** A placeholder: `{{` then word characters, whitespace and `: - + . , @ / ( ) ? = * _ $`, then `}}`. */
const PLACEHOLDER = /\{\{[\w\s:\-+.,@/()?=*$]+\}\}/g;

interface Parameter {
  readonly key: string;
  readonly defaultValue?: string;
}

function parameterOf(match: string): Parameter {
  const inner = match.slice(2, -2).trim();
  const colon = inner.indexOf(":");
  return colon === -1 ? { key: inner } : { key: inner.slice(0, colon), defaultValue: inner.slice(colon + 1) };
}

/** lodash `toPath` for the forms templates use: `a.b.0`, `a[0].b`. */
export function pathSegments(key: string): string[] {
  return key.replace(/\[(\d+)\]/g, ".$1").split(".");
}

/**
 * Reads `key` from `scope` as NocoBase does after `appendArrayColumn`: walking the path, an array met with a
 * segment that is not a numeric index nor a property of the array becomes its items' values of that segment,
 * flattened one level. Unlike NocoBase it does not write the column into the scope, and it skips null items.
 */
export function resolvePath(scope: unknown, key: string): unknown {
  let data: unknown = scope;
  for (const segment of pathSegments(key)) {
    if (data == null) return undefined;
    if (Array.isArray(data) && !/^\d+$/.test(segment) && !(segment in data)) {
      data = data.filter((item) => item != null).map((item) => (item as Record<string, unknown>)[segment]).flat();
      continue;
    }
    // Primitives read their wrappers' properties (a string's `length`), as lodash `get` does.
    data = (data as Record<string, unknown>)[segment];
  }
  return data;
}

/** A placeholder's value: the path's value, else the default text, and a function is called (`$system.now`). */
function valueOf(parameter: Parameter, scope: unknown): unknown {
  let value = resolvePath(scope, parameter.key);
  if (value === undefined) value = parameter.defaultValue;
  if (typeof value === "function") value = (value as () => unknown)();
  return value;
}

function parseString(text: string, scope: unknown): unknown {
  const matches = text.match(PLACEHOLDER);
  if (matches === null) return text;
  if (matches.length === 1 && text.startsWith("{{") && text.endsWith("}}")) return valueOf(parameterOf(matches[0]!), scope);
  let result = text;
  for (const match of matches) {
    let value = valueOf(parameterOf(match), scope);
    if (value instanceof Date) value = value.toISOString();
    const replacement = value == null ? "" : String(value);
    // The first remaining occurrence, as `String.replace(match, value)`, without `$&`-style replacement patterns.
    result = result.replace(match, () => replacement);
  }
  return result;
}

/**
 * Resolves every template in a JSON value: strings, object keys and values, array items. A string that is exactly
 * one placeholder answers the raw value (number, object, Date, null…); otherwise placeholders are interpolated
 * (null/undefined → '', a Date → its ISO string). Other values are returned as they are.
 */
export function parseTemplate(value: unknown, scope: unknown): unknown {
  if (typeof value === "string") return parseString(value, scope);
  if (Array.isArray(value)) return value.map((item) => parseTemplate(item, scope));
  if (value !== null && typeof value === "object" && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[String(parseString(k, scope))] = parseTemplate(v, scope);
    return out;
  }
  return value;
}

/** The placeholder keys a template value refers to, de-duplicated, in order of appearance. */
export function templateKeys(value: unknown): string[] {
  const keys = new Set<string>();
  const visit = (v: unknown) => {
    if (typeof v === "string") for (const match of v.match(PLACEHOLDER) ?? []) keys.add(parameterOf(match).key);
    else if (Array.isArray(v)) v.forEach(visit);
    else if (v !== null && typeof v === "object" && !(v instanceof Date)) for (const [k, item] of Object.entries(v)) (visit(k), visit(item));
  };
  visit(value);
  return [...keys];
}
