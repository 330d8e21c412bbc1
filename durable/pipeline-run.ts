import { signedUrl, signLink } from "../security/signed-links";
import { deliveryAnswerOf, type DeliveryAnswer } from "./run-deliveries";
import { withBuiltinComponents } from "../engine/bamboo/builtins";
import { IllegalTransition, InvalidOperation, NotFound } from "../engine/bamboo/errors";
import * as operations from "../engine/bamboo/operations";
import { prepareRun, type RunOptions } from "../engine/bamboo/prepare";
import { contextView, nodeDetail, pipelineGraph, pipelineStates } from "../engine/bamboo/queries";
import type { BambooRuntime } from "../engine/bamboo/runtime";
import { ARCHIVED_STATES } from "../engine/bamboo/states";
import type { PipelineTree } from "../engine/bamboo/tree";
import { runWork } from "../engine/bamboo/work";
import type { WorkItem } from "../engine/run-host";
import { SqlBambooStore } from "./bamboo-store";
import { subscribeToEvent } from "./event-waits";
import type { RunRef } from "./run-event";
import { RunObject, notFound, type Answer, type RunIdentity } from "./run-object";
import { RunScripts } from "./run-scripts";

export type { Answer, RunIdentity } from "./run-object";

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

/**
 * One bamboo pipeline run (api.md "Pipeline runs"): the run object with the bamboo engine's runtime over its
 * SQLite, and the pipeline RPCs. Everything about bamboo's semantics is in engine/bamboo.
 */
export class PipelineRun extends RunObject {
  protected override readonly dialect = "bamboo";
  private readonly store = new SqlBambooStore(this.ctx.storage.sql);
  private runtime: BambooRuntime | undefined;
  private reportedState: string | undefined;

  async start(identity: RunIdentity, tree: PipelineTree, options: RunOptions): Promise<Answer<{ id: string; state: string }>> {
    if (this.store.run() !== undefined) return { ok: false, status: 409, code: "conflict", message: `pipeline ${tree.id} already exists` };
    this.saveIdentity(identity);
    await this.linkSecret();
    prepareRun(this.rt()!, tree, options);
    // Listed through the same stub as every later state report, which delivers calls in order: a fast run's
    // FINISHED always lands after this RUNNING. Not awaited: the run does not wait on the project's object.
    this.reportedState = "RUNNING";
    this.meterRun("RUNNING", 0);
    this.registry()
      .recordRun(tree.id, "RUNNING")
      .catch((error: unknown) => {
        this.registryStub = undefined;
        console.error(`[pipeline ${tree.id}] could not list the run:`, error);
      });
    this.kick();
    return { ok: true, value: { id: tree.id, state: "RUNNING" } };
  }

  async operate(operation: PipelineOperation): Promise<Answer<true>> {
    const rt = this.rt();
    if (rt === undefined) return notFound();
    await this.linkSecret();
    try {
      await applyOperation(rt, operation);
    } catch (error) {
      if (error instanceof InvalidOperation || error instanceof IllegalTransition) return { ok: false, status: 409, code: "invalid_operation", message: error.message };
      if (error instanceof NotFound) return notFound(error.message);
      throw error;
    } finally {
      this.kick(true);
    }
    await this.afterDrain();
    return { ok: true, value: true };
  }

  /** A callback node's signed URL, delivered once per `deliveryKey`: the body is the callback data. */
  async deliverCallback(deliveryKey: string, nodeId: string, version: string, data: unknown): Promise<DeliveryAnswer> {
    if (this.identity() === undefined) return deliveryAnswerOf(notFound());
    return this.deliveries.once(deliveryKey, async () => {
      // bamboo accepts a second callback of a single-callback node and then ignores it; a URL answers 409 instead:
      // the first accepted delivery is the node's one callback.
      const single = this.rt()?.store.scheduleOf(nodeId, version)?.type === "CALLBACK";
      const claim = `called back\n${nodeId}\n${version}`;
      if (single && !this.deliveries.claim(claim)) {
        return deliveryAnswerOf({ ok: false, status: 409, code: "invalid_operation", message: `node(${nodeId}) version ${version} has already been called back` });
      }
      this.markResumeArrived();
      const answer = deliveryAnswerOf(await this.operate({ op: "callback", nodeId, version, data }));
      if (single && answer.status !== 202) this.deliveries.release(claim);
      return answer;
    });
  }

  /**
   * A correlated event for a node of this run that waits for it (event-broker.ts): its payload is the node's
   * callback data, once per event id. False when that node version no longer waits, so the broker tries its next waiter.
   */
  async deliverEvent(eventId: string, nodeId: string, version: string, payload: unknown): Promise<boolean> {
    return (await this.deliverCallback(`event\n${eventId}`, nodeId, version, payload)).status === 202;
  }

  states(flat: boolean): Answer<unknown> {
    const rt = this.rt();
    const states = rt && pipelineStates(rt, flat);
    if (states === undefined) return notFound();
    // The script versions the run started with, and keeps: path → version.
    const scripts = Object.fromEntries(Object.entries(this.identity()!.scripts).map(([path, pinned]) => [path, pinned.version]));
    return { ok: true, value: { ...states, scripts } };
  }

  async node(nodeId: string): Promise<Answer<unknown>> {
    if (this.identity() !== undefined) await this.linkSecret();
    return this.query((rt) => nodeDetail(rt, nodeId));
  }

  graph(): Answer<unknown> {
    return this.query(pipelineGraph);
  }

  context(pipelineId: string | undefined): Answer<unknown> {
    return this.query((rt) => contextView(rt, pipelineId ?? rt.store.run()!.pipelineId));
  }

  protected override flush(): void {
    this.store.flush();
    super.flush();
  }

  protected override runRef(): RunRef | undefined {
    const id = this.store.run()?.pipelineId;
    return id === undefined ? undefined : { kind: "pipeline", id };
  }

  protected override async runWork(item: WorkItem, recovering: boolean): Promise<void> {
    await this.linkSecret();
    await runWork(this.rt()!, item, recovering);
  }

  /** The root pipeline is archived (bamboo never fails a pipeline itself: a failed node leaves it RUNNING). */
  protected override ended(): boolean {
    const run = this.store.run();
    const state = run === undefined ? undefined : this.store.state(run.pipelineId)?.name;
    return state !== undefined && ARCHIVED_STATES.has(state);
  }

  /** Tells the project's run index when the root pipeline's state changed, and the metrics its state and waits. */
  protected override async afterDrain(): Promise<void> {
    const rt = this.rt();
    const id = rt?.store.run()?.pipelineId;
    const state = id === undefined ? undefined : rt!.store.state(id)?.name;
    if (state === undefined) return;
    this.meterRun(state, this.ended() ? 0 : this.store.openSchedules());
    if (state === this.reportedState) return;
    this.reportedState = state;
    await this.reportAlong((known) => this.registry().recordRun(id!, state, known));
  }

  private query(read: (rt: BambooRuntime) => unknown): Answer<unknown> {
    const rt = this.rt();
    if (rt === undefined) return notFound();
    try {
      return { ok: true, value: read(rt) };
    } catch (error) {
      if (error instanceof NotFound) return notFound(error.message);
      throw error;
    }
  }

  /** A callback node version's signed URL (api.md "Waiting and resuming from outside"), once the secret is loaded. */
  private callbackUrl(nodeId: string, version: string): string | undefined {
    const identity = this.identity();
    const secret = this.cachedLinkSecret();
    const run = this.store.run()?.pipelineId;
    if (identity?.origin === undefined || secret === undefined || run === undefined) return undefined;
    return signedUrl(identity.origin, signLink(secret, { kind: "callback", project: identity.project, run, node: nodeId, version }));
  }

  /** The engine's runtime over this object's storage, once the run exists. */
  private rt(): BambooRuntime | undefined {
    if (this.runtime !== undefined) return this.runtime;
    const identity = this.identity();
    if (identity === undefined) return undefined;
    const store = this.store;
    const scripts = withBuiltinComponents(
      new RunScripts(
        this.registry(),
        identity.project,
        identity.scripts,
        identity.limits,
        () => `[pipeline ${identity.project}/${store.run()?.pipelineId ?? ""}]`,
        () => this.flush(),
      ),
      (code) => identity.scripts[`component/${code}`] !== undefined,
    );
    this.runtime = {
      store,
      host: this.host,
      scripts,
      get settings() {
        return store.run()!.settings;
      },
      callbackUrl: (nodeId, version) => this.callbackUrl(nodeId, version),
      waitForEvent: (nodeId, version, name, key) =>
        subscribeToEvent(this.env, identity.project, { dialect: "pipeline", object: this.ctx.id.toString(), nodeId, version }, name, key, () => this.flush()),
    };
    return this.runtime;
  }
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
