import type { NocobaseRuntime } from "../runtime";
import { evaluateFormula } from "./formula";
import { evaluateMathjs } from "./mathjs";
import { normalizeResult } from "./normalize";
import { bindPlaceholders } from "./placeholders";
import { interpolateString } from "./string";

/** NocoBase's expression engines (§4.2), by the names configs use. */
export const EXPRESSION_ENGINES = ["math.js", "formula.js", "string"] as const;

export type ExpressionEngine = (typeof EXPRESSION_ENGINES)[number];

export function isExpressionEngine(engine: unknown): engine is ExpressionEngine {
  return (EXPRESSION_ENGINES as readonly unknown[]).includes(engine);
}

/**
 * Evaluates `expression` with `engine` in `scope` (a node's variables, §4.1): placeholders become `$$n` identifiers
 * bound to their values, and numeric results are rounded to 9 decimals (NaN, ±Infinity → null). Throws what the
 * engine throws (a SyntaxError for an expression that does not parse).
 */
export async function evaluate(engine: ExpressionEngine, expression: string, scope: unknown, rt: Pick<NocobaseRuntime, "services">): Promise<unknown> {
  if (engine === "string") return interpolateString(expression, scope);
  const bound = bindPlaceholders(expression, scope);
  const result = engine === "math.js" ? evaluateMathjs(bound.expression, bound.scope) : await evaluateFormula(bound.expression, bound.scope, rt.services);
  return normalizeResult(result);
}
