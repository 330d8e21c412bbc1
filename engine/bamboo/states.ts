/** bamboo's node and pipeline states and the transitions `set_state` allows (bamboo-engine.md §2.1–2.2). */

export type StateName =
  | "CREATED"
  | "READY"
  | "LOOP_READY"
  | "RUNNING"
  | "SUSPENDED"
  | "BLOCKED"
  | "FINISHED"
  | "FAILED"
  | "REVOKED"
  | "ROLLING_BACK"
  | "ROLL_BACK_SUCCESS"
  | "ROLL_BACK_FAILED";

export const ARCHIVED_STATES: ReadonlySet<StateName> = new Set(["FINISHED", "FAILED", "REVOKED"]);

/** The existing states from which the execute loop may (re)enter a node. */
export const ENTERABLE_STATES: ReadonlySet<StateName> = new Set(["READY", "FINISHED", "LOOP_READY"]);

const TRANSITIONS: Readonly<Record<StateName, readonly StateName[]>> = {
  CREATED: [],
  READY: ["RUNNING", "SUSPENDED"],
  LOOP_READY: ["RUNNING", "SUSPENDED"],
  RUNNING: ["FINISHED", "FAILED", "REVOKED", "SUSPENDED", "ROLLING_BACK"],
  SUSPENDED: ["READY", "REVOKED", "RUNNING", "ROLLING_BACK"],
  BLOCKED: [],
  FINISHED: ["RUNNING", "FAILED", "ROLLING_BACK"],
  FAILED: ["READY", "FINISHED", "LOOP_READY"],
  REVOKED: [],
  ROLLING_BACK: ["ROLL_BACK_SUCCESS", "ROLL_BACK_FAILED"],
  ROLL_BACK_SUCCESS: ["READY", "FINISHED"],
  ROLL_BACK_FAILED: ["READY", "FINISHED", "ROLLING_BACK"],
};

export function canTransit(from: StateName, to: StateName): boolean {
  return TRANSITIONS[from].includes(to);
}
