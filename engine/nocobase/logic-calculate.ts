import { evaluate, isExpressionEngine } from "./evaluators";
import type { Processor } from "./processor";
import type { FlowNode } from "./workflow";

/**
 * Conditions: the `basic` engine (NocoBase's `logicCalculate`, nocobase-workflow.md §3.1): groups with and/or, items
 * `{calculator, operands: [a, b]}` compared loosely (`==`), with NocoBase's Date rules.
 */

type Comparer = (a: any, b: any) => boolean;

/** With a Date on either side: false against a boolean or null/undefined (`onMissing`), else the timestamps. */
function dateAware(compare: (a: any, b: any) => boolean, onMissing: boolean): Comparer {
  return (a, b) => {
    if (a instanceof Date || b instanceof Date) {
      if (typeof a === "boolean" || typeof b === "boolean" || a == null || b == null) return onMissing;
      return compare(new Date(a).getTime(), new Date(b).getTime());
    }
    return compare(a, b);
  };
}

/* eslint-disable eqeqeq -- NocoBase compares loosely: '1' == 1, 0 == false, undefined == null. */
const equal = dateAware((a, b) => a == b, false);
const notEqual = dateAware((a, b) => a != b, true);
const gt = dateAware((a, b) => a > b, false);
const gte = dateAware((a, b) => a >= b, false);
const lt = dateAware((a, b) => a < b, false);
const lte = dateAware((a, b) => a <= b, false);
/* eslint-enable eqeqeq */

export const CALCULATORS: Readonly<Record<string, Comparer>> = {
  equal,
  notEqual,
  gt,
  gte,
  lt,
  lte,
  "==": equal,
  "!=": notEqual,
  ">": gt,
  ">=": gte,
  "<": lt,
  "<=": lte,
  includes: (a, b) => a.includes(b),
  notIncludes: (a, b) => !a.includes(b),
  startsWith: (a, b) => a.toString().startsWith(b.toString()),
  notStartsWith: (a, b) => !a.toString().startsWith(b.toString()),
  endsWith: (a, b) => a.toString().endsWith(b.toString()),
  notEndsWith: (a, b) => !a.toString().endsWith(b.toString()),
};

export type Calculation =
  | { readonly calculator?: string; readonly operands?: readonly unknown[] }
  | { readonly group: { readonly type: "and" | "or"; readonly calculations?: readonly Calculation[] } };

function calculate(item: { calculator?: string; operands?: readonly unknown[] }): boolean {
  if (!item.calculator || !item.operands?.length) return true;
  const fn = Object.prototype.hasOwnProperty.call(CALCULATORS, item.calculator) ? CALCULATORS[item.calculator] : undefined;
  if (fn === undefined) throw new Error(`no calculator function registered for "${item.calculator}"`);
  return Boolean(fn(item.operands[0], item.operands[1]));
}

export function logicCalculate(calculation?: unknown): boolean {
  if (!calculation) return true;
  const c = calculation as Record<string, any>;
  if (c.group !== null && typeof c.group === "object") {
    const calculations: unknown[] = c.group.calculations ?? [];
    const check = (item: unknown) => logicCalculate(item);
    if (c.group.type === "and") return calculations.every(check);
    if (c.group.type === "or") return calculations.some(check);
    throw new Error(`unknown group type "${String(c.group.type)}"`);
  }
  return calculate(c);
}

/**
 * Evaluates a condition config `{engine?, calculation?, expression?}` in the scope of `node` (with its own scope
 * when asked: the loop's condition). An expression engine (math.js, formula.js) evaluates `expression`, and its
 * result counts for its truthiness; `basic`, no engine, or one NocoBase does not know resolves the calculation's
 * templates and runs logicCalculate.
 */
export async function evaluateCondition(
  config: { readonly engine?: string; readonly calculation?: unknown; readonly expression?: string } | undefined,
  node: FlowNode,
  processor: Processor,
  includeSelfScope = false,
): Promise<unknown> {
  const { engine, calculation, expression } = config ?? {};
  if (isExpressionEngine(engine)) return evaluate(engine, expression ?? "", processor.getScope(node.id, includeSelfScope), processor.rt);
  return logicCalculate(processor.getParsedValue(calculation, node.id, { includeSelfScope }));
}
