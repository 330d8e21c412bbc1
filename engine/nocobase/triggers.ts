import { Cron } from "croner";
import type { WorkflowDef, WorkflowProblem } from "./workflow";

/**
 * The trigger types of hookflow's NocoBase dialect (nocobase-workflow.md §5.1, adapted): `manual` (the execute
 * API), `webhook` (a signed URL) and `schedule` in its static mode: `startsOn`, `repeat` (a cron string or a
 * number of ms), `endsOn` and `limit`.
 */
export interface ScheduleConfig {
  readonly startsOn?: string | number;
  readonly repeat?: string | number | null;
  readonly endsOn?: string | number | null;
  readonly limit?: number | null;
}

/** The shortest repeat interval a schedule may use, in ms. */
export const MIN_REPEAT_MS = 1000;

function timeOf(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && value !== "") {
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? undefined : parsed;
  }
  return undefined;
}

/** Problems with a trigger's config (none for manual and webhook triggers, which take no config). */
export function validateTrigger({ trigger, sync }: Pick<WorkflowDef, "trigger" | "sync">): WorkflowProblem[] {
  if (trigger.type !== "schedule") return [];
  const config = (trigger.config ?? {}) as ScheduleConfig;
  const problems: WorkflowProblem[] = [];
  // An alarm has no caller to answer: NocoBase's schedule trigger is always async.
  if (sync) problems.push({ message: "a schedule-triggered workflow runs async: sync must be false" });
  if (timeOf(config.startsOn) === undefined) problems.push({ message: "trigger.config.startsOn must be a date (ISO 8601) or a time in ms" });
  if (config.endsOn != null && timeOf(config.endsOn) === undefined) problems.push({ message: "trigger.config.endsOn must be a date (ISO 8601) or a time in ms" });
  if (config.limit != null && !(Number.isInteger(config.limit) && config.limit > 0)) problems.push({ message: "trigger.config.limit must be a positive integer" });
  if (typeof config.repeat === "number") {
    if (!Number.isInteger(config.repeat) || config.repeat < MIN_REPEAT_MS) problems.push({ message: `trigger.config.repeat in ms must be an integer of at least ${MIN_REPEAT_MS}` });
  } else if (typeof config.repeat === "string") {
    try {
      new Cron(config.repeat, { paused: true });
    } catch (error) {
      problems.push({ message: `trigger.config.repeat is not a cron expression: ${(error as Error).message}` });
    }
  } else if (config.repeat != null) {
    problems.push({ message: "trigger.config.repeat must be a cron string or a number of ms" });
  }
  return problems;
}

/**
 * When a schedule fires next after `afterMs`, given how many times it has fired; null when it is done (past
 * `endsOn`, `limit` reached, or a one-off that has fired). Cron expressions are read in UTC.
 */
export function nextScheduleTime(config: ScheduleConfig, afterMs: number, fired: number): number | null {
  const startsOn = timeOf(config.startsOn);
  if (startsOn === undefined) return null;
  if (config.limit != null && fired >= config.limit) return null;
  let next: number | null;
  if (config.repeat == null || config.repeat === "") {
    next = fired === 0 && startsOn > afterMs ? startsOn : null;
  } else if (typeof config.repeat === "number") {
    const from = Math.max(afterMs, startsOn - 1);
    next = startsOn + (Math.floor((from - startsOn) / config.repeat) + 1) * config.repeat;
  } else {
    const found = new Cron(config.repeat, { paused: true, timezone: "UTC" }).nextRun(new Date(Math.max(afterMs, startsOn - 1)));
    next = found === null ? null : found.getTime();
  }
  const endsOn = timeOf(config.endsOn);
  return next !== null && endsOn !== undefined && next > endsOn ? null : next;
}
