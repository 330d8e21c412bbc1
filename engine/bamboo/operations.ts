import { archiveAttempt, dispatchExecute, dispatchSchedule } from "./engine";
import { IllegalTransition, InvalidOperation, NotFound } from "./errors";
import type { NodeRecord, ProcessRecord, RawInput, StateRecord } from "./records";
import type { BambooRuntime } from "./runtime";
import { dispatchServiceHook } from "./service-hooks";
import { setState } from "./set-state";
import { canTransit, type StateName } from "./states";

/**
 * The operator API (bamboo-engine.md §2.7). Each call checks its preconditions first and throws InvalidOperation
 * or NotFound with bamboo's message before changing anything; the work it starts is queued, not awaited.
 */

function stateOf(rt: BambooRuntime, id: string): StateRecord {
  const state = rt.store.state(id);
  if (state === undefined) throw new NotFound(`node(${id}) state not exist`);
  return state;
}

function nodeOf(rt: BambooRuntime, id: string): NodeRecord {
  const node = rt.store.node(id);
  if (node === undefined) throw new NotFound(`node(${id}) does not exist`);
  return node;
}

/** The shared precondition of retry and skip: the node FAILED and a process sleeps at it. */
function failedAndSleepingProcess(rt: BambooRuntime, nodeId: string): ProcessRecord {
  const state = rt.store.state(nodeId);
  if (state?.name !== "FAILED") throw new InvalidOperation(`${nodeId} state is not FAILED, actual ${state?.name ?? "None"}`);
  return sleepingProcessAt(rt, nodeId);
}

function sleepingProcessAt(rt: BambooRuntime, nodeId: string): ProcessRecord {
  const process = rt.store.liveProcesses().find((p) => p.asleep && p.currentNodeId === nodeId);
  if (process === undefined) throw new InvalidOperation(`can not find sleep process with current node id: ${nodeId}`);
  return process;
}

/** A pipeline (root or subprocess) must have a state row to be paused or revoked. */
function pipelineState(rt: BambooRuntime, pipelineId: string, to?: StateName): StateRecord {
  const state = rt.store.state(pipelineId);
  const node = rt.store.node(pipelineId);
  if (state === undefined || (pipelineId !== rt.store.run()?.pipelineId && node?.type !== "SubProcess")) {
    throw new NotFound(`pipeline(${pipelineId}) not exist`);
  }
  if (to !== undefined && !canTransit(state.name, to)) throw new IllegalTransition(`can't not transit node(${pipelineId}) state from ${state.name} to ${to}`);
  return state;
}

export function pausePipeline(rt: BambooRuntime, pipelineId: string): void {
  pipelineState(rt, pipelineId, "SUSPENDED");
  rt.host.emit("pre_pause_pipeline", { pipeline_id: pipelineId });
  setState(rt, pipelineId, "SUSPENDED");
  rt.host.emit("post_pause_pipeline", { pipeline_id: pipelineId });
}

export function resumePipeline(rt: BambooRuntime, pipelineId: string): void {
  const state = pipelineState(rt, pipelineId);
  if (state.name !== "SUSPENDED") throw new InvalidOperation(`pipeline(${pipelineId}) state is: ${state.name}`);
  rt.host.emit("pre_resume_pipeline", { pipeline_id: pipelineId });
  setState(rt, pipelineId, "RUNNING");
  wakeProcessesSuspendedBy(rt, pipelineId);
  rt.host.emit("post_resume_pipeline", { pipeline_id: pipelineId });
}

function wakeProcessesSuspendedBy(rt: BambooRuntime, id: string): void {
  for (const process of rt.store.liveProcesses()) {
    if (!process.suspended || process.suspendedBy !== id) continue;
    rt.store.putProcess({ ...process, suspended: false, suspendedBy: "" });
    dispatchExecute(rt, process.id, process.currentNodeId);
  }
}

export function revokePipeline(rt: BambooRuntime, pipelineId: string): void {
  pipelineState(rt, pipelineId, "REVOKED");
  rt.host.emit("pre_revoke_pipeline", { pipeline_id: pipelineId });
  setState(rt, pipelineId, "REVOKED");
  rt.host.emit("post_revoke_pipeline", { pipeline_id: pipelineId });
}

export async function pauseNodeAppoint(rt: BambooRuntime, nodeId: string): Promise<void> {
  const node = nodeOf(rt, nodeId);
  if (node.type === "SubProcess") throw new InvalidOperation(`can not use pause_node_appoint api for ${node.type}`);
  const state = rt.store.state(nodeId);
  // hookflow refuses what bamboo allows and leaves stuck: pausing a RUNNING node expires its schedule.
  if (state?.name === "RUNNING") throw new InvalidOperation(`node(${nodeId}) is RUNNING: an appointed pause applies before a node runs`);
  if (state !== undefined && !canTransit(state.name, "SUSPENDED")) {
    throw new IllegalTransition(`can't not transit node(${nodeId}) state from ${state.name} to SUSPENDED`);
  }
  rt.host.emit("pre_pause_node", { node_id: nodeId });
  const occupied = rt.store.liveProcesses().some((p) => p.currentNodeId === nodeId);
  if (occupied) await dispatchServiceHook(rt, nodeId, "pre_pause_node", false);
  setState(rt, nodeId, "SUSPENDED", { rootId: node.rootPipelineId, parentId: node.parentPipelineId });
  rt.host.emit("post_pause_node", { node_id: nodeId });
  if (occupied) await dispatchServiceHook(rt, nodeId, "post_pause_node", false);
}

export function resumeNodeAppoint(rt: BambooRuntime, nodeId: string): void {
  const node = nodeOf(rt, nodeId);
  if (node.type === "SubProcess") throw new InvalidOperation(`can not use resume_node_appoint api for ${node.type}`);
  const state = rt.store.state(nodeId);
  if (state?.name !== "SUSPENDED") throw new InvalidOperation(`can't not transit node(${nodeId}) state from ${state?.name ?? "None"} to READY`);
  rt.host.emit("pre_resume_node", { node_id: nodeId });
  setState(rt, nodeId, "READY");
  wakeProcessesSuspendedBy(rt, nodeId);
  rt.host.emit("post_resume_node", { node_id: nodeId });
}

export async function retryNode(rt: BambooRuntime, nodeId: string, data: Readonly<Record<string, unknown>> | undefined, loopRetry = false): Promise<void> {
  const node = nodeOf(rt, nodeId);
  if (!node.canRetry) throw new InvalidOperation(`can not retry node(${nodeId}) with can_retry(${node.canRetry ? "True" : "False"})`);
  const process = failedAndSleepingProcess(rt, nodeId);
  if (data !== undefined) {
    const escaped = new Set(Array.isArray(data._escape_render_keys) ? (data._escape_render_keys as unknown[]).map(String) : []);
    const inputs: Record<string, RawInput> = {};
    for (const [key, value] of Object.entries(data)) {
      if (key !== "_escape_render_keys") inputs[key] = { need_render: !escaped.has(key), value };
    }
    rt.store.putData(nodeId, { inputs, outputs: rt.store.data(nodeId)?.outputs ?? {} });
  }
  archiveAttempt(rt, nodeId);
  rt.host.emit("pre_retry_node", { node_id: nodeId, data: data ?? null });
  await dispatchServiceHook(rt, nodeId, "pre_retry_node", false);
  setState(rt, nodeId, loopRetry ? "LOOP_READY" : "READY", { isRetry: true, refreshVersion: true, clearStartedTime: true, clearArchivedTime: true });
  dispatchExecute(rt, process.id, nodeId);
  rt.host.emit("post_retry_node", { node_id: nodeId, data: data ?? null });
  await dispatchServiceHook(rt, nodeId, "post_retry_node", false);
}

export function retrySubprocess(rt: BambooRuntime, nodeId: string): void {
  const node = nodeOf(rt, nodeId);
  if (node.type !== "SubProcess") throw new InvalidOperation(`can not use retry_subprocess api for ${node.type}`);
  const process = failedAndSleepingProcess(rt, nodeId);
  rt.host.emit("pre_retry_subprocess", { node_id: nodeId });
  if (process.pipelineStack.at(-1) === nodeId) rt.store.putProcess({ ...process, pipelineStack: process.pipelineStack.slice(0, -1) });
  archiveAttempt(rt, nodeId);
  setState(rt, nodeId, "READY", { isRetry: true, refreshVersion: true, clearStartedTime: true, clearArchivedTime: true });
  dispatchExecute(rt, process.id, nodeId);
  rt.host.emit("post_retry_subprocess", { node_id: nodeId });
}

export async function skipNode(rt: BambooRuntime, nodeId: string): Promise<void> {
  const node = nodeOf(rt, nodeId);
  if (!node.canSkip) throw new InvalidOperation("can not skip this node");
  if (node.type !== "ServiceActivity" && node.type !== "EmptyStartEvent") throw new InvalidOperation(`can not use skip_node api for ${node.type}`);
  const process = failedAndSleepingProcess(rt, nodeId);
  rt.host.emit("pre_skip_node", { node_id: nodeId });
  await dispatchServiceHook(rt, nodeId, "pre_skip_node", false);
  archiveAttempt(rt, nodeId);
  setState(rt, nodeId, "FINISHED", { isSkip: true, refreshVersion: true, setArchiveTime: true });
  const next = Object.values(node.targets)[0];
  if (next !== undefined) dispatchExecute(rt, process.id, next);
  rt.host.emit("post_skip_node", { node_id: nodeId });
  await dispatchServiceHook(rt, nodeId, "post_skip_node", false);
}

export function skipExclusiveGateway(rt: BambooRuntime, nodeId: string, flowId: string): void {
  const node = nodeOf(rt, nodeId);
  if (node.type !== "ExclusiveGateway") throw new InvalidOperation(`can not use skip_exclusive_gateway api for ${node.type}`);
  const process = failedAndSleepingProcess(rt, nodeId);
  const target = node.targets[flowId];
  if (target === undefined) throw new InvalidOperation(`flow(${flowId}) is not an outgoing flow of ${nodeId}`);
  rt.host.emit("pre_skip_exclusive_gateway", { node_id: nodeId, flow_id: flowId });
  archiveAttempt(rt, nodeId);
  setState(rt, nodeId, "FINISHED", { isSkip: true, refreshVersion: true, setArchiveTime: true });
  dispatchExecute(rt, process.id, target);
  rt.host.emit("post_skip_exclusive_gateway", { node_id: nodeId, flow_id: flowId });
}

export function skipConditionalParallelGateway(rt: BambooRuntime, nodeId: string, flowIds: readonly string[], convergeGatewayId: string): void {
  const node = nodeOf(rt, nodeId);
  if (node.type !== "ConditionalParallelGateway") throw new InvalidOperation(`can not use skip_conditional_parallel_gateway api for ${node.type}`);
  const process = failedAndSleepingProcess(rt, nodeId);
  const targets = flowIds.map((flowId) => node.targets[flowId]);
  if (flowIds.length === 0 || targets.some((target) => target === undefined)) {
    throw new InvalidOperation(`flows ${JSON.stringify(flowIds)} are not outgoing flows of ${nodeId}`);
  }
  if (rt.store.node(convergeGatewayId)?.type !== "ConvergeGateway") throw new InvalidOperation(`${convergeGatewayId} is not a converge gateway`);
  const event = { node_id: nodeId, flow_ids: flowIds, converge_gateway_id: convergeGatewayId };
  rt.host.emit("pre_skip_conditional_parallel_gateway", event);
  rt.store.putProcess({ ...process, asleep: true, needAck: targets.length, ackNum: 0 });
  for (const target of targets) {
    const child = rt.store.newProcess({
      parentId: process.id,
      pipelineStack: process.pipelineStack,
      currentNodeId: target!,
      destinationId: convergeGatewayId,
      asleep: true,
      suspended: false,
      suspendedBy: "",
      dead: false,
      needAck: 0,
      ackNum: 0,
    });
    dispatchExecute(rt, child.id, target!);
  }
  archiveAttempt(rt, nodeId);
  setState(rt, nodeId, "FINISHED", { isSkip: true, refreshVersion: true, setArchiveTime: true });
  rt.host.emit("post_skip_conditional_parallel_gateway", event);
}

export async function forcedFailActivity(rt: BambooRuntime, nodeId: string, exData: string): Promise<void> {
  const node = nodeOf(rt, nodeId);
  if (node.type !== "ServiceActivity") throw new InvalidOperation(`can not use forced_fail_activity api for ${node.type}`);
  const state = rt.store.state(nodeId);
  if (state?.name !== "RUNNING") throw new InvalidOperation(`${nodeId} state is not RUNNING, actual ${state?.name ?? "None"}`);
  const process = rt.store.liveProcesses().find((p) => p.currentNodeId === nodeId);
  if (process === undefined) throw new InvalidOperation(`can not find process with current node id: ${nodeId}`);
  rt.host.emit("pre_forced_fail_activity", { node_id: nodeId, ex_data: exData });
  await dispatchServiceHook(rt, nodeId, "pre_forced_fail_activity", false);
  const exec = rt.store.executionData(nodeId) ?? { inputs: {}, outputs: {} };
  const newVersion = setState(rt, nodeId, "FAILED", { refreshVersion: true, setArchiveTime: true });
  rt.store.putExecutionData(nodeId, { inputs: exec.inputs, outputs: { ...exec.outputs, ex_data: exData, _forced_failed: true } });
  rt.store.putProcess({ ...(rt.store.process(process.id) ?? process), asleep: true });
  rt.host.emit("post_forced_fail_activity", { node_id: nodeId, ex_data: exData, old_version: state.version, new_version: newVersion });
  await dispatchServiceHook(rt, nodeId, "post_forced_fail_activity", false);
}

/** Stores the callback's data and queues the schedule that hands it to the component; answers its data id. */
export async function callback(rt: BambooRuntime, nodeId: string, version: string, data: unknown): Promise<number> {
  const process = sleepingProcessAt(rt, nodeId);
  const schedule = rt.store.scheduleOf(nodeId, version);
  if (schedule === undefined) throw new InvalidOperation(`schedule of node(${nodeId}) with version(${version}) does not exist`);
  const state = stateOf(rt, nodeId);
  // bamboo also expires the schedule here; hookflow's refusals change nothing.
  if (state.version !== version) throw new InvalidOperation(`node version ${version} not exist`);
  if (schedule.finished) throw new InvalidOperation("schedule is already finished");
  if (schedule.expired) throw new InvalidOperation("schedule is already expired");
  const record = rt.store.newCallbackData(nodeId, version, data);
  rt.host.emit("pre_callback", { node_id: nodeId, version, data });
  await dispatchServiceHook(rt, nodeId, "pre_callback", false, data);
  dispatchSchedule(rt, process.id, nodeId, schedule.id, record.id);
  rt.host.emit("post_callback", { node_id: nodeId, version, data });
  await dispatchServiceHook(rt, nodeId, "post_callback", false, data);
  return record.id;
}
