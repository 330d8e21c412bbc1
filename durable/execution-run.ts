import { deliveryAnswerOf, type DeliveryAnswer } from "./run-deliveries";
import { instructionRegistry, BUILTIN_INSTRUCTIONS } from "../engine/nocobase/instructions";
import type { Instruction } from "../engine/nocobase/instruction";
import {
  InvalidOperation,
  NotFound,
  cancelExecution,
  resumeJob,
  rerunExecution,
  submitManualTask,
  triggerExecution,
  type JobPatch,
  type ManualSubmission,
} from "../engine/nocobase/operations";
import type { NocobaseRuntime } from "../engine/nocobase/runtime";
import { scriptInstruction } from "../engine/nocobase/script-instruction";
import { EXECUTION_STATUS, JOB_STATUS } from "../engine/nocobase/statuses";
import { runWork } from "../engine/nocobase/work";
import { linkWorkflow, shouldDeleteExecution, type WorkflowDef } from "../engine/nocobase/workflow";
import type { WorkItem } from "../engine/run-host";
import { subscribeToEvent } from "./event-waits";
import { executionServices } from "./execution-services";
import { InstructionScriptRunner } from "./instruction-scripts";
import { SqlNocobaseStore } from "./nocobase-store";
import type { RunRef } from "./run-event";
import { RunObject, notFound, type Answer, type RunIdentity } from "./run-object";

export type { Answer } from "./run-object";

/** What the Worker hands a new execution: the run identity, the frozen workflow version and the project's settings. */
export interface ExecutionIdentity extends RunIdentity {
  readonly executionId: string;
  readonly workflow: WorkflowDef;
  readonly env: Readonly<Record<string, string>>;
  readonly loopLimit: number;
  /** The `request` node's host rules (project settings `workflows.requestHosts` and `allowPrivateNetwork`). */
  readonly requestHosts?: readonly string[];
  readonly allowPrivateNetwork: boolean;
  /** The public origin of the execution's signed links. */
  readonly origin: string;
}

export interface StartOptions {
  readonly context: unknown;
  readonly eventKey?: string;
}

/** An execution as api.md "Workflows" answers it. */
export interface ExecutionView {
  readonly id: string;
  readonly key: string;
  readonly version: number;
  readonly status: number | null;
  readonly reason: string | null;
  readonly context: unknown;
  readonly output: unknown;
  readonly eventKey: string;
  readonly startedAt: string | null;
  readonly expiresAt: string | null;
  readonly jobs: readonly JobView[];
}

export interface JobView {
  readonly id: number;
  readonly nodeId: number;
  readonly nodeKey: string;
  readonly upstreamId: number | null;
  readonly status: number;
  readonly result: unknown;
  readonly meta: unknown;
  readonly log: string | null;
  readonly resumeUrl?: string;
}

export interface TaskView {
  readonly id: number;
  readonly jobId: number;
  readonly nodeKey: string;
  readonly assignee: string;
  readonly status: number;
  readonly result: unknown;
  readonly title: string | null;
  readonly url: string;
}

/** An execution status's name (QUEUEING for null), as the metrics label it. */
const STATUS_NAMES = new Map<number | null, string>(Object.entries(EXECUTION_STATUS).map(([name, status]) => [status, name]));

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * One NocoBase execution (api.md "Workflows"): the run object with the NocoBase engine's runtime over its SQLite,
 * and the execution RPCs. Everything about NocoBase's semantics is in engine/nocobase.
 */
export class ExecutionRun extends RunObject {
  protected override readonly dialect = "nocobase";
  private readonly store = new SqlNocobaseStore(this.ctx.storage.sql);
  private runtime: NocobaseRuntime | undefined;
  private reportedStatus: number | null | undefined;

  /**
   * Creates and triggers the execution: a sync workflow runs before this answers; an async one is queued. An
   * execution that already exists here (the same event key names the same object) is answered as it is, and
   * nothing starts: that is the `eventKey` de-duplication.
   */
  async start(identity: ExecutionIdentity, options: StartOptions): Promise<Answer<{ execution: ExecutionView; existing: boolean }>> {
    if (this.store.execution() !== undefined) return { ok: true, value: { execution: await this.executionView(), existing: true } };
    this.saveIdentity(identity);
    const rt = this.rt()!;
    await triggerExecution(rt, { id: identity.executionId, context: options.context, ...(options.eventKey === undefined ? {} : { eventKey: options.eventKey }) });
    // As it stands now: a sync execution has run; an async one is QUEUEING until the queue drains after this answer.
    const execution = await this.executionView();
    this.kick();
    await this.report();
    return { ok: true, value: { execution, existing: false } };
  }

  async view(): Promise<Answer<ExecutionView>> {
    if (this.store.execution() === undefined) return notFound("no such execution");
    return { ok: true, value: await this.executionView() };
  }

  async resume(jobId: number, patch: JobPatch): Promise<Answer<true>> {
    return this.operate((rt) => resumeJob(rt, jobId, patch));
  }

  /** A pending job's signed resume URL, delivered once per `deliveryKey` (api.md "Waiting and resuming from outside"). */
  async deliverResume(deliveryKey: string, jobId: number, patch: JobPatch): Promise<DeliveryAnswer> {
    // A run that never existed here stores nothing; one that ended, even deleted, still repeats its first answers.
    if (this.identity() === undefined) return deliveryAnswerOf(notFound("no such execution"));
    return this.deliveries.once(deliveryKey, async () => {
      this.markResumeArrived();
      return deliveryAnswerOf(await this.resume(jobId, patch));
    });
  }

  /** A manual task's signed URL, delivered once per `deliveryKey`. */
  async deliverTask(deliveryKey: string, taskId: number, assignee: string, submission: ManualSubmission): Promise<DeliveryAnswer> {
    if (this.identity() === undefined) return deliveryAnswerOf(notFound("no such execution"));
    return this.deliveries.once(deliveryKey, async () => {
      this.markResumeArrived();
      return deliveryAnswerOf(await this.submitTask(taskId, assignee, submission));
    });
  }

  /**
   * A correlated event for this execution's pending `event` job (event-broker.ts): resolves the job with the payload
   * as its result, once per event id. False when the job no longer waits, so the broker tries its next waiter.
   */
  async deliverEvent(eventId: string, jobId: number, payload: unknown): Promise<boolean> {
    return (await this.deliverResume(`event\n${eventId}`, jobId, { status: JOB_STATUS.RESOLVED, result: payload })).status === 202;
  }

  async cancel(): Promise<Answer<true>> {
    return this.operate((rt) => cancelExecution(rt));
  }

  async rerun(nodeKey: string | undefined): Promise<Answer<true>> {
    return this.operate((rt) => rerunExecution(rt, nodeKey));
  }

  async tasks(): Promise<Answer<TaskView[]>> {
    const rt = this.rt();
    if (rt === undefined || this.store.execution() === undefined) return notFound("no such execution");
    const services = rt.services!;
    const tasks = await Promise.all(
      this.store.tasks().map(async (task) => ({
        id: task.id,
        jobId: task.jobId,
        nodeKey: task.nodeKey,
        assignee: task.assignee,
        status: task.status,
        result: task.result,
        title: task.title,
        url: await services.taskUrl(task.id, task.assignee),
      })),
    );
    return { ok: true, value: tasks };
  }

  /** A manual task's submission: refusals answer 400, as NocoBase's submit API does. */
  async submitTask(taskId: number, assignee: string, submission: ManualSubmission): Promise<Answer<true> | { ok: false; status: 400; code: string; message: string }> {
    const answer = await this.operate((rt) => submitManualTask(rt, taskId, assignee, submission));
    return !answer.ok && answer.status === 409 ? { ...answer, status: 400 } : answer;
  }

  protected override async runWork(item: WorkItem, recovering: boolean): Promise<void> {
    await runWork(this.rt()!, item, recovering);
  }

  protected override async afterDrain(): Promise<void> {
    await this.report();
  }

  protected override runRef(): RunRef | undefined {
    const identity = this.identity() as ExecutionIdentity | undefined;
    return identity === undefined ? undefined : { kind: "execution", id: identity.executionId };
  }

  /** Neither queueing nor started; an execution deleted on its end status has ended too. */
  protected override ended(): boolean {
    const status = this.store.execution()?.status;
    return status !== EXECUTION_STATUS.QUEUEING && status !== EXECUTION_STATUS.STARTED;
  }

  private async operate(apply: (rt: NocobaseRuntime) => void): Promise<Answer<true>> {
    const rt = this.rt();
    if (rt === undefined || this.store.execution() === undefined) return notFound("no such execution");
    try {
      apply(rt);
    } catch (error) {
      if (error instanceof InvalidOperation) return { ok: false, status: 409, code: "invalid_operation", message: error.message };
      if (error instanceof NotFound) return notFound(error.message);
      throw error;
    } finally {
      this.kick(true);
    }
    await this.report();
    return { ok: true, value: true };
  }

  /**
   * Tells the project's registry when the execution's status changed (and the metrics its status and pending jobs),
   * and deletes an ended execution whose status the workflow's `deleteExecutionOnStatus` lists.
   */
  private async report(): Promise<void> {
    const execution = this.store.execution();
    if (execution === undefined) return;
    const status = STATUS_NAMES.get(execution.status) ?? String(execution.status);
    this.meterRun(status, execution.status === EXECUTION_STATUS.STARTED ? this.store.pendingJobs() : 0);
    if (execution.status === this.reportedStatus) return;
    this.reportedStatus = execution.status;
    const identity = this.identity() as ExecutionIdentity;
    if (shouldDeleteExecution(identity.workflow, execution.status)) {
      this.store.deleteAll();
      this.meterRun(undefined, 0);
      await this.registry().forgetExecution(execution.id);
      return;
    }
    await this.reportAlong((known) => this.registry().recordExecution(execution.id, execution.key, execution.version, execution.status, known));
  }

  private async executionView(): Promise<ExecutionView> {
    const execution = this.store.execution()!;
    const services = this.rt()!.services!;
    const jobs = await Promise.all(
      this.store.jobs().map(async (job): Promise<JobView> => {
        const view = { id: job.id, nodeId: job.nodeId, nodeKey: job.nodeKey, upstreamId: job.upstreamId, status: job.status, result: job.result, meta: job.meta, log: job.log };
        const pending = job.status === JOB_STATUS.PENDING && execution.status === EXECUTION_STATUS.STARTED;
        return pending ? { ...view, resumeUrl: await services.resumeUrl(job.id) } : view;
      }),
    );
    const { id, key, version, status, reason, context, output, eventKey, startedAt, expiresAt } = execution;
    return { id, key, version, status, reason, context, output, eventKey, startedAt: iso(startedAt), expiresAt: iso(expiresAt), jobs };
  }

  /** The engine's runtime over this object's storage, once the execution exists. */
  private rt(): NocobaseRuntime | undefined {
    if (this.runtime !== undefined) return this.runtime;
    const identity = this.identity() as ExecutionIdentity | undefined;
    if (identity === undefined) return undefined;
    const workflow = linkWorkflow(identity.workflow);
    const scripts = new InstructionScriptRunner(this.registry(), identity.project, identity.scripts, identity.limits, `[execution ${identity.project}/${workflow.def.key}]`);
    const custom: Record<string, Instruction> = {};
    for (const node of workflow.nodes) if (!(node.type in BUILTIN_INSTRUCTIONS)) custom[node.type] ??= scriptInstruction(node.type, scripts);
    this.runtime = {
      store: this.store,
      host: this.host,
      instructions: instructionRegistry(custom),
      workflow,
      env: identity.env,
      settings: { loopLimit: identity.loopLimit },
      services: {
        ...executionServices(scripts, identity.limits, identity, {
          project: identity.project,
          execution: identity.executionId,
          origin: identity.origin,
          secret: () => this.linkSecret(),
        }),
        waitForEvent: (jobId, name, key) =>
          subscribeToEvent(this.env, identity.project, { dialect: "execution", object: this.ctx.id.toString(), jobId }, name, key, () => this.flush()),
      },
    };
    return this.runtime;
  }
}
