import { aggregateTasks, type ManualAction } from "./instructions/manual";
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

/** The job, task or node an operation names does not exist in this execution (HTTP 404). */
export class NotFound extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotFound";
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
 * `plugin.resume(job)` from outside: the job must exist (else NotFound), the execution be STARTED and the job
 * PENDING with no other resume in progress. The fields are carried by the queued resume item and set on the job
 * when it runs. The job is marked `resuming` until that run has finished (work.ts), so a resume arriving meanwhile,
 * even while the run awaits I/O with the job still PENDING, is refused: one job, one resume.
 */
export function resumeJob(rt: NocobaseRuntime, jobId: number, patch: JobPatch = {}): void {
  const execution = rt.store.execution();
  const job = rt.store.job(jobId);
  if (job === undefined) throw new NotFound(`job ${jobId} not found`);
  if (execution?.status !== EXECUTION_STATUS.STARTED) throw new InvalidOperation("execution is not started");
  if (job.status !== JOB_STATUS.PENDING) throw new InvalidOperation(`job ${jobId} is not pending`);
  if (job.resuming === true) throw new InvalidOperation(`job ${jobId} is already being resumed`);
  rt.store.putJob({ ...job, resuming: true });
  rt.host.enqueue({ kind: WORK.resume, args: { executionId: execution.id, jobId, ...pickPatch(patch as Readonly<Record<string, unknown>>) } });
}

/** Clears job `jobId`'s `resuming` mark (its resume has run, or could not run), so it may be resumed again. */
export function endResuming(rt: NocobaseRuntime, jobId: number): void {
  const job = rt.store.job(jobId);
  if (job?.resuming === undefined) return;
  const { resuming: _done, ...rest } = job;
  rt.store.putJob(rest);
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

/**
 * `plugin.rerun`: runs a STARTED execution again from node `nodeKey` (the head when absent), queued as work.
 */
export function rerunExecution(rt: NocobaseRuntime, nodeKey?: string): void {
  const execution = rt.store.execution();
  if (execution?.status !== EXECUTION_STATUS.STARTED) throw new InvalidOperation("only a started execution can be rerun");
  const node = nodeKey === undefined ? rt.workflow.head : rt.workflow.byKey.get(nodeKey);
  if (node == null) throw new NotFound(nodeKey === undefined ? "the workflow has no nodes" : `no node "${nodeKey}" in workflow ${rt.workflow.def.key}`);
  rt.host.enqueue({ kind: WORK.rerun, args: { executionId: execution.id, nodeId: node.id } });
}

/** NocoBase's submit body: `{values: {result: {<formKey>: {…fields}, _: <action key>}}}`. */
export interface ManualSubmission {
  readonly values?: { readonly result?: Readonly<Record<string, unknown>> };
}

/**
 * Submits manual task `taskId` as `assignee` (§3.7 "Submit API"), with NocoBase's checks in its order: an expired
 * execution is aborted; a task, job or execution no longer pending, or an action the form does not have, is
 * refused (InvalidOperation, HTTP 400). A decided action stores the task's result (preset values, resolved with
 * `$user`, `$nForm`, `$nDate` and the legacy names, override what was submitted); a draft (status 0) only merges
 * the fields. When the tasks decide the job, its status is stored and the job is resumed from the work queue.
 */
export function submitManualTask(rt: NocobaseRuntime, taskId: number, assignee: string, submission: ManualSubmission): void {
  const task = rt.store.task(taskId);
  if (task === undefined || task.assignee !== assignee) throw new NotFound(`task ${taskId} not found`);
  const execution = rt.store.execution()!;
  const now = rt.host.now();
  if (execution.status === EXECUTION_STATUS.STARTED && execution.expiresAt !== null && now >= execution.expiresAt) {
    abortExecution(rt, EXECUTION_REASON.TIMEOUT);
    throw new InvalidOperation("Execution timed out");
  }
  const job = rt.store.job(task.jobId);
  if (task.status !== JOB_STATUS.PENDING || job?.status !== JOB_STATUS.PENDING || execution.status !== EXECUTION_STATUS.STARTED) {
    throw new InvalidOperation("Task, job or execution is not pending");
  }
  const result = submission.values?.result ?? {};
  const actionKey = result._;
  const formKey = Object.keys(result).find((key) => key !== "_");
  const node = rt.workflow.byId.get(task.nodeId)!;
  const forms = (node.config.forms ?? {}) as Record<string, { actions?: ManualAction[] }>;
  const action = formKey === undefined ? undefined : forms[formKey]?.actions?.find((a) => a.key === actionKey);
  if (typeof actionKey !== "string" || formKey === undefined || action === undefined) throw new InvalidOperation(`no action "${String(actionKey)}" in form "${String(formKey)}"`);
  const submitted = (result[formKey] ?? {}) as Record<string, unknown>;

  if (action.status === JOB_STATUS.PENDING) {
    const previous = (task.result ?? {}) as Record<string, Record<string, unknown> | undefined>;
    rt.store.putTask({ ...task, result: { ...previous, [formKey]: { ...previous[formKey], ...submitted }, _: actionKey }, updatedAt: now });
    return;
  }
  const processor = new Processor(rt);
  processor.prepare();
  const user = { id: assignee };
  const preset = processor.getParsedValue(action.values ?? {}, node.id, {
    additionalScope: { $user: user, $nForm: submitted, $nDate: { now: new Date(now) }, currentUser: user, currentRecord: submitted, currentTime: new Date(now) },
  }) as Record<string, unknown>;
  const decided = { ...task, status: action.status, result: { [formKey]: { ...submitted, ...preset }, _: actionKey }, updatedAt: now };
  rt.store.putTask(decided);

  const tasks = rt.store.tasks().filter((t) => t.jobId === job.id);
  const { status, result: jobResult } = aggregateTasks(Number(node.config.mode ?? 0), tasks, decided);
  rt.store.putJob({ ...job, status, result: jobResult, updatedAt: now });
  rt.host.emit("job", { execution_id: execution.id, job_id: job.id, node_key: job.nodeKey, status });
  if (status !== JOB_STATUS.PENDING) rt.host.enqueue({ kind: WORK.resumeStored, args: { executionId: execution.id, jobId: job.id } });
}
