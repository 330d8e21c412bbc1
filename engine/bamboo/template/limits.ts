// Resource limits for template evaluation, and the work budget that enforces them.
//
// Templates come from pipeline authors, so one hostile fragment must not hang or exhaust the
// Worker: sizes are checked before anything is built, and every step spends from a budget.

import { PyError } from "./errors";

export const LIMITS = {
  /** Longest string (UTF-16 code units) any operation may build. */
  maxStringLength: 1 << 20,
  /** Most items a list, tuple, range or dict may hold. */
  maxItems: 100_000,
  /** Longest expression text the parser accepts (real ones are a few dozen characters). */
  maxExpressionLength: 1 << 16,
  /** Deepest nesting the parser accepts, and the deepest AST the evaluator walks. */
  maxDepth: 200,
  /** Deepest nesting of a context value converted to a Python value. */
  maxValueDepth: 500,
  /** Work units one renderTemplate call may spend (one per AST node, per item, per 16 chars). */
  budgetUnits: 2_000_000,
} as const;

/** Work counter shared by every fragment of one render call. */
export class Budget {
  private remaining: number;

  constructor(units: number = LIMITS.budgetUnits) {
    this.remaining = units;
  }

  spend(units: number): void {
    this.remaining -= units;
    if (this.remaining < 0) throw new PyError("ResourceError", "template evaluation budget exhausted");
  }

  /** Charges for building a string of `length` code units, after checking the size cap. */
  spendString(length: number): void {
    checkStringLength(length);
    this.spend(1 + (length >> 4));
  }

  /** Charges for building a sequence of `count` items, after checking the size cap. */
  spendItems(count: number): void {
    checkItemCount(count);
    this.spend(1 + count);
  }
}

export function checkStringLength(length: number): void {
  if (length > LIMITS.maxStringLength) {
    throw new PyError("MemoryError", `string of ${length} characters exceeds the ${LIMITS.maxStringLength} limit`);
  }
}

export function checkItemCount(count: number): void {
  if (count > LIMITS.maxItems) {
    throw new PyError("MemoryError", `sequence of ${count} items exceeds the ${LIMITS.maxItems} limit`);
  }
}
