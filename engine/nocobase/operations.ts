import { Processor, abortPendingJobs } from "./processor";
import type { ExecutionRecord } from "./records";
import { WORK, type NocobaseRuntime } from "./runtime";
import { EXECUTION_REASON, EXECUTION_STATUS, JOB_STATUS, type ExecutionReason } from "./statuses";

/** An operation that does not apply to the execution or job in its current state (HTTP 400/409). */
export class InvalidOperation extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidOperation";
  }
}

export interface TriggerOptions {
  /** `$context`. */
  readonly context?: unknown;
  readonly eventKey?: string;
  readonly id?: string;
}

/** Stores a new QUEUEING execution of the runtime's workflow version (Dispatcher `saveEvent`). */
export function createExecution(rt: NocobaseRuntime, options: TriggerOptions = {}): ExecutionRecord {
  if (rt.store.execution() !== undefined) throw new InvalidOperation("this store already holds an execution");
  const id = options.id ?? rt.host.newId("e");
  const execution: ExecutionRecord = {
    id,
    key: rt.workflow.def.key,
    version: rt.workflow.def.version,
    status: EXECUTION_STATUS.QUEUEING,
    reason: null,
    context: options.context ?? null,
    output: null,
    eventKey: options.eventKey ?? rt.host.newId("ek"),
    startedAt: null,
    expiresAt: null,
  };
  rt.store.putExecution(execution);
  rt.host.emit("execution", { execution_id: id, status: null });
  return execution;
}

/**
 * "Enters" the execution: QUEUEING → STARTED with `startedAt`, and `expiresAt` plus a timeout timer when
 * `options.timeout` is set. False when it was not QUEUEING.
 */
export function enterExecution(rt: NocobaseRuntime): boolean {
  const execution = rt.store.execution();
  if (execution === undefined || execution.status !== EXECUTION_STATUS.QUEUEING) return false;
  const now = rt.host.now();
  const timeout = Number(rt.workflow.def.options.timeout ?? 0);
  const expiresAt = timeout > 0 ? now + timeout : null;
  rt.store.putExecution({ ...execution, status: EXECUTION_STATUS.STARTED, startedAt: now, expiresAt });
  if (expiresAt !== null) rt.host.enqueue({ kind: WORK.timeout, args: { executionId: execution.id } }, timeout);
  rt.host.emit("execution", { execution_id: execution.id, status: EXECUTION_STATUS.STARTED });
  return true;
}

/**
 * Triggers the workflow (`plugin.trigger`): a sync workflow (or `manually`) is entered and run to its end or
 * first suspension before this answers; an async one is left QUEUEING with a start item on the queue.
 */
export async function triggerExecution(rt: NocobaseRuntime, options: TriggerOptions & { manually?: boolean } = {}): Promise<ExecutionRecord> {
  const execution = createExecution(rt, options);
  if (rt.workflow.def.sync || options.manually) {
    enterExecution(rt);
    await new Processor(rt).start();
  } else {
    rt.host.enqueue({ kind: WORK.start, args: { executionId: execution.id } });
  }
  return rt.store.execution()!;
}

export interface JobPatch {
  readonly status?: number;
  readonly result?: unknown;
  readonly meta?: unknown;
}

/**
 * `plugin.resume(job)` from outside: the execution must be STARTED and the job PENDING. The fields are carried by
 * the queued resume item and set on the job when it runs, so a second resume of the same job finds it no longer
 * pending and does nothing.
 */
export function resumeJob(rt: NocobaseRuntime, jobId: number, patch: JobPatch = {}): void {
  const execution = rt.store.execution();
  if (execution?.status !== EXECUTION_STATUS.STARTED) throw new InvalidOperation("execution is not started");
  const job = rt.store.job(jobId);
  if (job === undefined) throw new InvalidOperation(`job ${jobId} not found`);
  if (job.status !== JOB_STATUS.PENDING) throw new InvalidOperation(`job ${jobId} is not pending`);
  rt.host.enqueue({ kind: WORK.resume, args: { executionId: execution.id, jobId, ...pickPatch(patch as Readonly<Record<string, unknown>>) } });
}

export function pickPatch(patch: Readonly<Record<string, unknown>>): JobPatch {
  const out: Record<string, unknown> = {};
  for (const key of ["status", "result", "meta"] as const) if (key in patch && patch[key] !== undefined) out[key] = patch[key];
  return out as JobPatch;
}

/**
 * Aborts the execution (timeout or cancel): ABORTED with `reason` if it is QUEUEING or STARTED, every pending job
 * ABORTED and its timers dropped. False when it had already ended.
 */
export function abortExecution(rt: NocobaseRuntime, reason: ExecutionReason): boolean {
  const execution = rt.store.execution();
  if (execution === undefined || (execution.status !== EXECUTION_STATUS.STARTED && execution.status !== EXECUTION_STATUS.QUEUEING)) return false;
  rt.store.putExecution({ ...execution, status: EXECUTION_STATUS.ABORTED, reason });
  abortPendingJobs(rt);
  rt.host.cancel(WORK.timeout, "executionId", execution.id);
  rt.host.cancel(WORK.start, "executionId", execution.id);
  rt.host.emit("execution", { execution_id: execution.id, status: EXECUTION_STATUS.ABORTED, reason });
  return true;
}

/** `executions:cancel`: allowed while QUEUEING or STARTED; ABORTED with reason `manual_cancel`. */
export function cancelExecution(rt: NocobaseRuntime): void {
  if (!abortExecution(rt, EXECUTION_REASON.MANUAL_CANCEL)) throw new InvalidOperation("execution has already ended");
}
