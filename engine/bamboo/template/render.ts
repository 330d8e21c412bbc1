// bamboo's splice templates (bamboo-engine.md §1.6): finding `${…}` fragments, the context keys
// they reference, and rendering them against a context.

import { BUILTINS } from "./builtins";
import { Environment, evaluate } from "./evaluate";
import { Budget } from "./limits";
import { type Expr, parseExpression } from "./parser";
import { freeNames } from "./references";
import { fromJson, pyStr } from "./values";

// bamboo's TEMPLATE_PATTERN: `$`, braces and `#` cannot occur inside a fragment.
const FRAGMENT = /\$\{[^${}#]+\}/g;

/** The `${name}` context keys that the fragments inside `value` read, unique, in first-seen order. */
export function templateReferences(value: unknown): string[] {
  const references = new Set<string>();
  const seen = new Set<string>();
  for (const text of stringsIn(value)) {
    for (const fragment of text.match(FRAGMENT) ?? []) {
      if (seen.has(fragment)) continue;
      seen.add(fragment);
      const expr = tryParse(fragment);
      if (expr instanceof Error) {
        // A fragment that does not parse renders only as a whole string naming a context key (the raw-value rule),
        // which needs no evaluation: so `${input}` or `${next}` (refused as expressions) still refer to their key.
        const name = fragment.slice(2, -1);
        if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !name.startsWith("__")) references.add(fragment);
        continue;
      }
      for (const name of freeNames(expr, (candidate) => BUILTINS.has(candidate))) references.add(`\${${name}}`);
    }
  }
  return [...references];
}

/**
 * Renders every fragment inside `value` (strings; list items and object values, recursively).
 * A string that is exactly `${key}` for a context key yields the raw value; other fragments are
 * substituted as Python's str(); a fragment that fails for any reason stays as written.
 */
export function renderTemplate(value: unknown, context: Readonly<Record<string, unknown>>): unknown {
  const renderer = new FragmentRenderer(context);
  return renderer.render(value);
}

/** Python's str() of a JSON-like value: True, None, [1, 'a'], {'k': 'v'}… */
export function pythonStr(value: unknown): string {
  return pyStr(fromJson(value));
}

class FragmentRenderer {
  private readonly env: Environment;
  private readonly results = new Map<string, string>();

  constructor(private readonly context: Readonly<Record<string, unknown>>) {
    // One budget for the whole call, so many fragments cannot add up to unbounded work.
    this.env = new Environment(context, new Budget());
  }

  render(value: unknown): unknown {
    if (typeof value === "string") return this.renderString(value);
    if (Array.isArray(value)) return value.map((item) => this.render(item));
    if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.render(item)]));
    return value;
  }

  private renderString(text: string): unknown {
    const fragments = text.match(FRAGMENT);
    if (fragments === null) return text;
    if (fragments.length === 1 && fragments[0] === text) {
      const key = text.slice(2, -1);
      if (Object.hasOwn(this.context, key)) return this.context[key];
    }
    return text.replace(FRAGMENT, (fragment) => {
      let result = this.results.get(fragment);
      if (result === undefined) {
        result = this.renderFragment(fragment);
        this.results.set(fragment, result);
      }
      return result;
    });
  }

  private renderFragment(fragment: string): string {
    const expr = tryParse(fragment);
    if (expr instanceof Error) return fragment;
    try {
      return pyStr(evaluate(expr, this.env), this.env.budget);
    } catch {
      // Undefined names, Python errors, exhausted limits and even a host RangeError all mean the same
      // thing in bamboo: the fragment is left unrendered.
      return fragment;
    }
  }
}

function tryParse(fragment: string): Expr | Error {
  try {
    return parseExpression(fragment.slice(2, -1));
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

function* stringsIn(value: unknown): Generator<string> {
  if (typeof value === "string") yield value;
  else if (Array.isArray(value)) for (const item of value) yield* stringsIn(item);
  else if (isPlainObject(value)) for (const item of Object.values(value)) yield* stringsIn(item);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
