import { StateVersionNotMatch } from "./errors";
import { HANDLERS } from "./handlers";
import type { ExecuteResult } from "./handlers/handler";
import type { ProcessRecord } from "./records";
import { WORK, type BambooRuntime } from "./runtime";
import { dispatchServiceHook } from "./service-hooks";
import { setState } from "./set-state";
import { ENTERABLE_STATES } from "./states";

/**
 * bamboo's two engine entry points (bamboo-engine.md §2.5–2.6). The run host calls them for queued work items,
 * one at a time; they queue further work through the host rather than calling each other.
 */

export function dispatchExecute(rt: BambooRuntime, processId: number, nodeId: string, delayMs?: number): void {
  rt.host.enqueue({ kind: WORK.execute, args: { processId, nodeId } }, delayMs);
}

export function dispatchSchedule(rt: BambooRuntime, processId: number, nodeId: string, scheduleId: number, callbackDataId?: number, delayMs?: number): void {
  const args = callbackDataId === undefined ? { processId, nodeId, scheduleId } : { processId, nodeId, scheduleId, callbackDataId };
  rt.host.enqueue({ kind: WORK.schedule, args }, delayMs);
}

/**
 * Runs a process from `nodeId` until it sleeps, dies, or is suspended. `recovering` is set when the host runs an
 * item again after a restart interrupted it: a node left RUNNING by that attempt is run again at its version.
 */
export async function execute(rt: BambooRuntime, processId: number, nodeId: string, recovering = false): Promise<void> {
  const found = rt.store.process(processId);
  if (found === undefined || found.dead) return;
  let process: ProcessRecord = { ...found, asleep: false };
  rt.store.putProcess(process);
  let current = nodeId;
  let first = true;
  let nodesRun = 0;
  for (;;) {
    if (current === process.destinationId) {
      childReachedDestination(rt, process);
      return;
    }
    process = { ...process, currentNodeId: current };
    rt.store.putProcess(process);
    const stackStates = process.pipelineStack.map((id) => rt.store.state(id));
    if (stackStates[0]?.name === "REVOKED") {
      rt.store.putProcess({ ...process, dead: true });
      return;
    }
    const suspendedBy = stackStates.find((state) => state?.name === "SUSPENDED");
    if (suspendedBy !== undefined) {
      rt.store.putProcess({ ...process, suspended: true, suspendedBy: suspendedBy.nodeId });
      return;
    }
    const node = rt.store.node(current);
    if (node === undefined) {
      rt.store.putProcess({ ...process, asleep: true });
      return;
    }
    const parentId = process.pipelineStack.at(-1)!;
    const state = rt.store.state(current);
    let loop = state?.loop ?? 1;
    let innerLoop = state?.innerLoop ?? 1;
    let version: string;
    if (recovering && first && state?.name === "RUNNING") {
      // The attempt a restart interrupted: run it again under its version, unless it had got as far as waiting.
      if (node.type === "ServiceActivity" && rt.store.scheduleOf(node.id, state.version) !== undefined) {
        rt.store.putProcess({ ...process, asleep: true });
        return;
      }
      version = state.version;
    } else {
      if (state !== undefined) {
        if (state.name === "FINISHED" && node.type !== "SubProcess" && state.loop > rt.settings.rerunLimit) {
          rt.store.putExecutionData(node.id, { inputs: {}, outputs: { ex_data: `node execution exceed rerun limit ${rt.settings.rerunLimit}` } });
          rt.store.putProcess({ ...process, asleep: true });
          setState(rt, node.id, "FAILED", { setArchiveTime: true });
          return;
        }
        if (state.name === "SUSPENDED") {
          rt.store.putState({ ...state, rootId: node.rootPipelineId, parentId });
          rt.store.putProcess({ ...process, suspended: true, suspendedBy: node.id });
          return;
        }
        if (!ENTERABLE_STATES.has(state.name)) {
          rt.store.putProcess({ ...process, asleep: true });
          return;
        }
      }
      const reentry = state?.name === "FINISHED";
      if (reentry) {
        loop = state.loop + 1;
        innerLoop = state.innerLoop + 1;
        archiveAttempt(rt, node.id);
      }
      version = setState(rt, current, "RUNNING", {
        loop,
        innerLoop,
        rootId: node.rootPipelineId,
        parentId,
        setStartedTime: true,
        clearArchivedTime: true,
        ...(reentry ? { refreshVersion: true, resetSkip: true, resetRetry: true, resetErrorIgnored: true } : {}),
      });
    }
    first = false;

    let result: ExecuteResult;
    try {
      result = await HANDLERS[node.type].execute({ rt, node, process, loop, innerLoop, version });
    } catch (error) {
      if (error instanceof StateVersionNotMatch) return;
      throw error;
    }
    const entered = rt.store.process(processId) ?? process;
    process = entered;
    if (result.pipelineStack !== undefined) process = { ...process, pipelineStack: result.pipelineStack };
    if (!result.shouldSleep && result.nextNodeId !== node.id) {
      rt.host.emit("node_finish", { root_pipeline_id: node.rootPipelineId, node_id: node.id });
      if (node.type === "ServiceActivity") await dispatchServiceHook(rt, node.id, "node_finish", true);
    }
    if (result.shouldSleep) process = { ...process, asleep: true };
    if (result.scheduleReady && result.scheduleType !== undefined) {
      const schedule =
        rt.store.scheduleOf(node.id, version) ?? rt.store.newSchedule({ type: result.scheduleType, processId, nodeId: node.id, version });
      if (schedule.type === "POLL") dispatchSchedule(rt, processId, node.id, schedule.id);
    } else if (result.dispatchProcesses !== undefined && result.dispatchProcesses.length > 0) {
      process = { ...process, needAck: result.dispatchProcesses.length, ackNum: 0 };
      for (const child of result.dispatchProcesses) dispatchExecute(rt, child.processId, child.nodeId);
    }
    if (result.shouldDie) process = { ...process, dead: true };
    // A node that just passes the process on changes nothing of it: skip the write.
    if (process !== entered) rt.store.putProcess(process);
    if (result.shouldSleep || result.shouldDie) return;
    if (result.nextNodeId === undefined) {
      rt.store.putProcess({ ...process, asleep: true });
      return;
    }
    current = result.nextNodeId;
    if (++nodesRun % NODES_PER_WORK_ITEM === 0) {
      // A long chain continues in a new work item: the host can run timers and other processes in between, and a
      // restart repeats at most this many nodes' work.
      dispatchExecute(rt, processId, current);
      return;
    }
  }
}

/** How many nodes one execute work item runs before it queues the rest of the chain. */
const NODES_PER_WORK_ITEM = 64;

/** A forked child at its converge gateway dies; the last one to arrive wakes the parent at the converge. */
function childReachedDestination(rt: BambooRuntime, child: ProcessRecord): void {
  rt.store.putProcess({ ...child, dead: true, currentNodeId: child.destinationId });
  const parent = rt.store.process(child.parentId);
  if (parent === undefined) return;
  const ackNum = parent.ackNum + 1;
  if (ackNum >= parent.needAck) {
    rt.store.putProcess({ ...parent, ackNum: 0, needAck: 0 });
    dispatchExecute(rt, parent.id, child.destinationId);
  } else {
    rt.store.putProcess({ ...parent, ackNum });
  }
}

/** Keeps the node's attempt that is being replaced (retry, skip, re-entry) as a history record. */
export function archiveAttempt(rt: BambooRuntime, nodeId: string): void {
  const state = rt.store.state(nodeId);
  if (state === undefined) return;
  const exec = rt.store.executionData(nodeId) ?? { inputs: {}, outputs: {} };
  rt.store.addHistory({
    nodeId,
    startedTime: state.startedTime,
    archivedTime: state.archivedTime,
    loop: state.loop,
    retry: state.retry,
    skip: state.skip,
    version: state.version,
    inputs: exec.inputs,
    outputs: exec.outputs,
  });
}

/** A poll or a callback of a waiting node (bamboo's Engine.schedule). */
export async function schedule(
  rt: BambooRuntime,
  processId: number,
  nodeId: string,
  scheduleId: number,
  callbackDataId: number | undefined,
  recovering = false,
): Promise<void> {
  const record = rt.store.schedule(scheduleId);
  if (record === undefined || record.finished) return;
  const state = rt.store.state(nodeId);
  if (state === undefined || state.version !== record.version || state.name !== "RUNNING") {
    rt.store.putSchedule({ ...record, expired: true });
    return;
  }
  if (record.scheduling && !recovering) {
    if (record.type === "MULTIPLE_CALLBACK") dispatchSchedule(rt, processId, nodeId, scheduleId, callbackDataId, 1000 + Math.floor(Math.random() * 4000));
    return;
  }
  rt.store.putSchedule({ ...record, scheduling: true });
  const node = rt.store.node(nodeId);
  const process = rt.store.process(processId);
  const handler = node && HANDLERS[node.type].schedule;
  if (node === undefined || process === undefined || handler === undefined) return;
  const callbackData = callbackDataId === undefined ? null : (rt.store.callbackData(callbackDataId)?.data ?? null);
  let result;
  try {
    result = await handler({ rt, node, process, loop: state.loop, innerLoop: state.innerLoop, version: state.version }, record, callbackData);
  } catch (error) {
    if (error instanceof StateVersionNotMatch) return;
    throw error;
  } finally {
    const latest = rt.store.schedule(scheduleId);
    if (latest !== undefined) rt.store.putSchedule({ ...latest, scheduling: false });
  }
  if (result.hasNextSchedule) dispatchSchedule(rt, processId, nodeId, scheduleId, undefined, (result.scheduleAfterSeconds ?? 0) * 1000);
  if (result.scheduleDone) {
    rt.store.putSchedule({ ...rt.store.schedule(scheduleId)!, finished: true });
    rt.host.emit("node_finish", { root_pipeline_id: node.rootPipelineId, node_id: nodeId });
    // (quirk) bamboo passes callback_data to node_finish, which the default signature rejects: callback nodes
    // never record node_finish; polls do.
    if (callbackData === null) await dispatchServiceHook(rt, nodeId, "node_finish", true);
    if (result.nextNodeId !== undefined) dispatchExecute(rt, processId, result.nextNodeId);
  }
}
