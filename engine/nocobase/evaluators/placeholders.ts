import { resolvePath, templateKeys } from "../variables";

/**
 * The `{{…}}` pre-processing of NocoBase's expression engines (nocobase-workflow.md §4.2). Placeholders are found
 * textually, so one inside a quoted string literal is replaced like any other: `'{{x}}'` becomes the literal
 * `'$$0'`, as in NocoBase.
 */

/** Text between `{{` and `}}`; templateKeys decides whether it is a placeholder and which path it names. */
const CANDIDATE = /\{\{[^{}]*\}\}/g;

/** A placeholder's value for an expression: the path's value (arrays flattened), a function called, undefined → null. */
function valueOf(scope: unknown, key: string): unknown {
  let value = resolvePath(scope, key);
  if (typeof value === "function") value = (value as () => unknown)();
  return value === undefined ? null : value;
}

/**
 * Replaces each placeholder in one pass (a replacement is never scanned again) with `render(value, identifier)`,
 * where `identifier` is `$$<n>` numbered by first appearance: the same path gets the same identifier. Paths starting
 * with `this.` stay as they are (handlebars compatibility), and so does text that is not a valid placeholder.
 */
export function replacePlaceholders(expression: string, scope: unknown, render: (value: unknown, identifier: string) => string): string {
  const identifiers = new Map<string, string>();
  return expression.replace(CANDIDATE, (match) => {
    const [key] = templateKeys(match);
    if (key === undefined || key.startsWith("this.")) return match;
    let identifier = identifiers.get(key);
    if (identifier === undefined) identifiers.set(key, (identifier = `$$${identifiers.size}`));
    return render(valueOf(scope, key), identifier);
  });
}

/** An expression with identifiers in place of its placeholders, and the identifiers' values. */
export interface BoundExpression {
  readonly expression: string;
  readonly scope: Readonly<Record<string, unknown>>;
}

/** §4.2 steps 1–2: `{{path}}` → `$$n`, with each identifier's resolved value in a fresh scope. */
export function bindPlaceholders(expression: string, scope: unknown): BoundExpression {
  const values: Record<string, unknown> = {};
  const rewritten = replacePlaceholders(expression, scope, (value, identifier) => {
    values[identifier] = value;
    return identifier;
  });
  return { expression: rewritten, scope: values };
}
