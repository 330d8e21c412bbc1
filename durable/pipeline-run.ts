import { DurableObject } from "cloudflare:workers";
import { withBuiltinComponents } from "../engine/bamboo/builtins";
import { IllegalTransition, InvalidOperation, NotFound } from "../engine/bamboo/errors";
import * as operations from "../engine/bamboo/operations";
import { prepareRun, type RunOptions } from "../engine/bamboo/prepare";
import { contextView, nodeDetail, pipelineStates } from "../engine/bamboo/queries";
import type { BambooRuntime } from "../engine/bamboo/runtime";
import type { PipelineTree } from "../engine/bamboo/tree";
import { runWork } from "../engine/bamboo/work";
import type { RunHost, WorkItem } from "../engine/run-host";
import type { Limits } from "../sandbox";
import { SqlBambooStore } from "./bamboo-store";
import type { ProjectRegistry } from "./project-registry";
import { RunQueue } from "./run-queue";
import { RunScripts, type PinnedScripts } from "./run-scripts";

interface RunEnv {
  readonly PROJECTS: DurableObjectNamespace<ProjectRegistry>;
}

/** What the Worker hands a new run: who owns it, the scripts it pins and its limits. */
export interface RunIdentity {
  readonly project: string;
  readonly scripts: PinnedScripts;
  readonly limits: Limits;
}

/** An operator call on a run, as the HTTP layer names it. */
export type PipelineOperation =
  | { readonly op: "pause" | "resume" | "revoke"; readonly pipelineId?: string }
  | { readonly op: "pause_node" | "resume_node" | "retry_subprocess"; readonly nodeId: string }
  | { readonly op: "retry"; readonly nodeId: string; readonly data?: Record<string, unknown>; readonly loopRetry?: boolean }
  | { readonly op: "skip"; readonly nodeId: string }
  | { readonly op: "skip_exclusive_gateway"; readonly nodeId: string; readonly flowId: string }
  | { readonly op: "skip_conditional_parallel_gateway"; readonly nodeId: string; readonly flowIds: string[]; readonly convergeGatewayId: string }
  | { readonly op: "forced_fail"; readonly nodeId: string; readonly exData: string }
  | { readonly op: "callback"; readonly nodeId: string; readonly version: string; readonly data: unknown };

/** Refusals come back as data: errors do not keep their class across RPC. */
export type Answer<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly status: 404 | 409; readonly code: string; readonly message: string };

const META_SCHEMA = "CREATE TABLE IF NOT EXISTS run_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)";
/** A work item that keeps failing is dropped after this many attempts (logged), rather than block the run. */
const MAX_ATTEMPTS = 3;
/** While work is queued the alarm stays at most this far ahead, so a restart mid-drain resumes the queue. */
const WATCHDOG_MS = 1000;

/**
 * One pipeline run: the run host of api.md's "Pipeline runs". It keeps the run in SQLite, implements the engine's
 * runtime interface over it, drains the run's work queue one item at a time, and multiplexes its timers on the
 * object's one alarm. Everything about bamboo's semantics is in engine/bamboo.
 */
export class PipelineRun extends DurableObject<RunEnv> {
  private readonly queue = new RunQueue(this.ctx.storage.sql);
  private readonly store = new SqlBambooStore(this.ctx.storage.sql);
  private runtime: BambooRuntime | undefined;
  private draining = false;
  private alarmAt: number | null | undefined;
  private reportedState: string | undefined;

  constructor(ctx: DurableObjectState, env: RunEnv) {
    super(ctx, env);
    ctx.storage.sql.exec(META_SCHEMA);
  }

  async start(identity: RunIdentity, tree: PipelineTree, options: RunOptions): Promise<Answer<{ id: string; state: string }>> {
    if (this.store.run() !== undefined) return { ok: false, status: 409, code: "conflict", message: `pipeline ${tree.id} already exists` };
    this.ctx.storage.sql.exec("INSERT INTO run_meta (key, value) VALUES ('identity', ?)", JSON.stringify(identity));
    prepareRun(this.rt()!, tree, options);
    this.queue.flushEvents();
    this.kick();
    return { ok: true, value: { id: tree.id, state: "RUNNING" } };
  }

  async operate(operation: PipelineOperation): Promise<Answer<true>> {
    const rt = this.rt();
    if (rt === undefined) return notFound();
    try {
      await applyOperation(rt, operation);
    } catch (error) {
      this.queue.flushEvents();
      if (error instanceof InvalidOperation || error instanceof IllegalTransition) return { ok: false, status: 409, code: "invalid_operation", message: error.message };
      if (error instanceof NotFound) return { ok: false, status: 404, code: "not_found", message: error.message };
      throw error;
    }
    this.queue.flushEvents();
    this.kick();
    await this.reportState(rt);
    return { ok: true, value: true };
  }

  states(flat: boolean): Answer<unknown> {
    const rt = this.rt();
    const states = rt && pipelineStates(rt, flat);
    if (states === undefined) return notFound();
    // The script versions the run started with, and keeps: path → version.
    const scripts = Object.fromEntries(Object.entries(this.identity()!.scripts).map(([path, pinned]) => [path, pinned.version]));
    return { ok: true, value: { ...states, scripts } };
  }

  node(nodeId: string): Answer<unknown> {
    return this.query((rt) => nodeDetail(rt, nodeId));
  }

  context(pipelineId: string | undefined): Answer<unknown> {
    return this.query((rt) => contextView(rt, pipelineId ?? rt.store.run()!.pipelineId));
  }

  events(after: number, limit: number): Answer<{ events: unknown[]; next: number | null }> {
    if (this.rt() === undefined) return notFound();
    const events = this.queue.events(after, limit);
    return { ok: true, value: { events, next: events.length === limit ? events.at(-1)!.seq : null } };
  }

  override async alarm(): Promise<void> {
    this.alarmAt = undefined;
    if (this.draining) {
      // A long drain is still going: keep a watchdog alarm in case this instance dies before it ends.
      await this.ctx.storage.setAlarm(Date.now() + WATCHDOG_MS);
      return;
    }
    await this.drain();
  }

  private query(read: (rt: BambooRuntime) => unknown): Answer<unknown> {
    const rt = this.rt();
    if (rt === undefined) return notFound();
    try {
      return { ok: true, value: read(rt) };
    } catch (error) {
      if (error instanceof NotFound) return { ok: false, status: 404, code: "not_found", message: error.message };
      throw error;
    }
  }

  /** The engine's runtime over this object's storage, once the run exists. */
  private rt(): BambooRuntime | undefined {
    if (this.runtime !== undefined) return this.runtime;
    const identity = this.identity();
    if (identity === undefined) return undefined;
    const registry = this.env.PROJECTS.get(this.env.PROJECTS.idFromName(identity.project));
    const store = this.store;
    const runId = () => store.run()?.pipelineId ?? "";
    const host: RunHost = {
      now: () => Date.now(),
      enqueue: (item: WorkItem, delayMs?: number) => this.queue.enqueue(item, Date.now() + (delayMs ?? 0)),
      cancel: (kind, key, value) => this.queue.cancel(kind, key, value),
      emit: (eventType, data) => this.queue.appendEvent(eventType, data, Date.now()),
      newId: (prefix) => prefix + crypto.randomUUID().replaceAll("-", ""),
    };
    const scripts = withBuiltinComponents(
      new RunScripts(registry, identity.project, identity.scripts, identity.limits, `[pipeline ${identity.project}/${runId()}]`, () =>
        this.queue.flushEvents(),
      ),
      (code) => identity.scripts[`component/${code}`] !== undefined,
    );
    const runtime: BambooRuntime = {
      store,
      host,
      scripts,
      get settings() {
        return store.run()!.settings;
      },
    };
    this.runtime = runtime;
    return runtime;
  }

  /** Starts draining after the current call has answered (bamboo's operations return before their work runs). */
  private kick(): void {
    void this.armAlarm();
    if (!this.draining) setTimeout(() => void this.drain(), 0);
  }

  private async drain(): Promise<void> {
    const rt = this.rt();
    if (this.draining || rt === undefined) return;
    this.draining = true;
    try {
      for (let work = this.queue.take(Date.now()); work !== undefined; work = this.queue.take(Date.now())) {
        try {
          await runWork(rt, work.item, work.attempts > 0);
        } catch (error) {
          console.error(`[pipeline ${runIdOf(rt)}] ${work.item.kind} ${JSON.stringify(work.item.args)} failed (attempt ${work.attempts + 1}):`, error);
          if (work.attempts + 1 < MAX_ATTEMPTS) {
            this.queue.enqueue(work.item, Date.now() + 1000 * (work.attempts + 1));
          }
        }
        this.queue.flushEvents();
        this.queue.done(work.id);
      }
    } finally {
      this.draining = false;
      await this.armAlarm();
    }
    await this.reportState(rt);
  }

  /** Tells the project's run index when the root pipeline's state changed. */
  private async reportState(rt: BambooRuntime): Promise<void> {
    const id = runIdOf(rt);
    const state = rt.store.state(id)?.name;
    if (state === undefined || state === this.reportedState) return;
    this.reportedState = state;
    const project = this.identity()!.project;
    await this.env.PROJECTS.get(this.env.PROJECTS.idFromName(project)).recordRun(id, state);
  }

  private identity(): RunIdentity | undefined {
    const row = this.ctx.storage.sql.exec<{ value: string }>("SELECT value FROM run_meta WHERE key = 'identity'").toArray()[0];
    return row === undefined ? undefined : (JSON.parse(row.value) as RunIdentity);
  }

  /** Sets the one alarm to the earliest queued item (now-due work gets a watchdog a moment ahead). */
  private async armAlarm(): Promise<void> {
    const due = this.queue.earliestDue();
    const at = due === undefined ? null : Math.max(due, this.draining ? Date.now() + WATCHDOG_MS : due);
    if (at === this.alarmAt) return;
    this.alarmAt = at;
    if (at === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(at);
  }
}

function runIdOf(rt: BambooRuntime): string {
  return rt.store.run()?.pipelineId ?? "?";
}

function notFound<T>(): Answer<T> {
  return { ok: false, status: 404, code: "not_found", message: "no such pipeline" };
}

async function applyOperation(rt: BambooRuntime, operation: PipelineOperation): Promise<void> {
  const root = rt.store.run()!.pipelineId;
  switch (operation.op) {
    case "pause":
      return operations.pausePipeline(rt, operation.pipelineId ?? root);
    case "resume":
      return operations.resumePipeline(rt, operation.pipelineId ?? root);
    case "revoke":
      return operations.revokePipeline(rt, operation.pipelineId ?? root);
    case "pause_node":
      return operations.pauseNodeAppoint(rt, operation.nodeId);
    case "resume_node":
      return operations.resumeNodeAppoint(rt, operation.nodeId);
    case "retry":
      return operations.retryNode(rt, operation.nodeId, operation.data, operation.loopRetry);
    case "retry_subprocess":
      return operations.retrySubprocess(rt, operation.nodeId);
    case "skip":
      return operations.skipNode(rt, operation.nodeId);
    case "skip_exclusive_gateway":
      return operations.skipExclusiveGateway(rt, operation.nodeId, operation.flowId);
    case "skip_conditional_parallel_gateway":
      return operations.skipConditionalParallelGateway(rt, operation.nodeId, operation.flowIds, operation.convergeGatewayId);
    case "forced_fail":
      return operations.forcedFailActivity(rt, operation.nodeId, operation.exData);
    case "callback":
      await operations.callback(rt, operation.nodeId, operation.version, operation.data);
      return;
  }
}
