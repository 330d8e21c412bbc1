import { replacePlaceholders } from "./placeholders";

/** What a value reads as inside text: null → '', a Date → its ISO string (as field templates), else String(value). */
function textOf(value: unknown): string {
  if (value == null) return "";
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/** The `string` engine: no evaluation, each placeholder replaced by its value's text (`false` → 'false', null → ''). */
export function interpolateString(expression: string, scope: unknown): string {
  return replacePlaceholders(expression, scope, textOf);
}
