/**
 * What every pipeline dialect gets from the run host (one Durable Object per run): a clock, a persisted work
 * queue whose delayed items are the run's timers, an ordered event log, and the outcome shape of script calls.
 * The dialects' engines reach storage, dispatch, timers and the sandbox only through interfaces built on these.
 */

/** One unit of queued engine work; `kind` names the dialect's entry point, `args` its JSON arguments. */
export interface WorkItem {
  readonly kind: string;
  readonly args: Readonly<Record<string, unknown>>;
}

export interface RunHost {
  /** Milliseconds since the epoch. */
  now(): number;
  /**
   * Queues work to run after the current work item, or once `delayMs` has passed (a timer). Persisted in the same
   * storage batch as the state change that queued it, so a restart resumes it.
   */
  enqueue(item: WorkItem, delayMs?: number): void;
  /** Drops queued work of this kind whose `args[key]` is `value` (timers that no longer apply). */
  cancel(kind: string, key: string, value: string): void;
  /** Appends an engine event to the run's ordered log. */
  emit(eventType: string, data: Readonly<Record<string, unknown>>): void;
  /** A fresh id with the given prefix (`v` + 32 hex for versions, as bamboo's uuid4().hex). */
  newId(prefix: string): string;
  /**
   * Runs I/O outside the work queue (an HTTP request that may take seconds must not hold up the run's timers and
   * resumes). The work item `task` answers, if any, is queued and drained when it settles. Not persisted: a work
   * item queued beforehand must cover a restart while the task is in flight.
   */
  background(task: () => Promise<WorkItem | undefined>): void;
}

/** How a script call ended, as the engines see it: a value, or an error whose message becomes the node's failure. */
export type ScriptOutcome<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly code: string; readonly message: string; readonly stack?: string };

/** Raised by a script interface when a script a run needs is not among the versions it started with, or is not usable. */
export class ScriptMissing extends Error {
  constructor(
    readonly path: string,
    reason = "no such script",
  ) {
    super(`${path}: ${reason}`);
    this.name = "ScriptMissing";
  }
}
