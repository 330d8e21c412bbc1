import { evaluateBoolRule } from "../boolrule";
import { hydrate } from "../context";
import type { ConditionRecord, NodeRecord } from "../records";
import type { BambooRuntime } from "../runtime";
import { pythonStr, renderTemplate, templateReferences } from "../template";

export type ConditionOutcome = { readonly ok: true; readonly matched: readonly ConditionRecord[] } | { readonly ok: false; readonly exData: string };

/**
 * Evaluates a gateway's conditions in tree order (bamboo-engine.md §5.1): hydrate what they refer to, substitute
 * `${…}` as text, then BoolRule with no context. `first` stops at the first true condition.
 */
export async function evaluateConditions(rt: BambooRuntime, node: NodeRecord, pipelineId: string, first: boolean): Promise<ConditionOutcome> {
  const conditions = node.conditions ?? [];
  let pool: Record<string, unknown>;
  try {
    pool = escapeControlChars(await hydrate(rt, pipelineId, templateReferences(conditions.map((c) => c.evaluate))));
  } catch (error) {
    return { ok: false, exData: `evaluation context hydrate failed(${(error as Error).message}), check node log for details.` };
  }
  const matched: ConditionRecord[] = [];
  for (const condition of conditions) {
    // A whole-fragment condition renders to the raw value: BoolRule reads its Python str().
    const value = renderTemplate(condition.evaluate, pool);
    const rendered = typeof value === "string" ? value : pythonStr(value);
    try {
      if (evaluateBoolRule(rendered)) {
        matched.push(condition);
        if (first) break;
      }
    } catch (error) {
      return { ok: false, exData: `evaluate[${condition.evaluate}] fail with data[${JSON.stringify(pool)}] message: ${(error as Error).message}` };
    }
  }
  return { ok: true, matched };
}

/** The flows a gateway takes: the matched ones, else its default; none when neither. */
export function takenConditions(node: NodeRecord, matched: readonly ConditionRecord[]): readonly { flowId: string; targetId: string }[] {
  if (matched.length > 0) return matched;
  const fallback = node.defaultFlowId;
  if (fallback === undefined) return [];
  const targetId = node.targets[fallback];
  return targetId === undefined ? [] : [{ flowId: fallback, targetId }];
}

export const NO_CONDITION_MET = "all conditions of branches are not meet";

/** Strings in the evaluation context have \n, \r and \t escaped, as bamboo does before rendering conditions. */
function escapeControlChars(pool: Record<string, unknown>): Record<string, unknown> {
  const escaped: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(pool)) {
    escaped[key] = typeof value === "string" ? value.replaceAll("\n", "\\n").replaceAll("\r", "\\r").replaceAll("\t", "\\t") : value;
  }
  return escaped;
}
