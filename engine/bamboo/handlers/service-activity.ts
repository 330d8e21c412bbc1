import { ScriptMissing } from "../../run-host";
import { HydrateFailed, extractOutputs, plainValue, prepareInputs } from "../context";
import { StateVersionNotMatch } from "../errors";
import { checkedEventWait, queueEventWait } from "../event-wait";
import type { NodeData, ScheduleRecord } from "../records";
import type { BambooRuntime } from "../runtime";
import { pollIntervalSeconds, scheduleModeOf, type ServiceInfo } from "../service";
import { callHook, parentInputs, serviceSelf } from "../service-hooks";
import { setState } from "../set-state";
import { sleep, soleTarget, type ExecuteResult, type NodeAttempt, type NodeHandler, type ScheduleResult } from "./handler";

/**
 * A node that runs a component script (bamboo-engine.md §3.2–3.3): render the inputs, call `execute` (and the
 * lifecycle hooks when the component asks for them), then finish, fail, or wait for polls or callbacks.
 */
export const serviceActivity: NodeHandler = { execute, schedule };

async function execute(attempt: NodeAttempt): Promise<ExecuteResult> {
  const { rt, node, loop, innerLoop, version } = attempt;
  const pipelineId = node.parentPipelineId;
  const data: NodeData = rt.store.data(node.id) ?? { inputs: {}, outputs: {} };
  // Context keys mapped from _loop/_inner_loop hold this attempt's counts before rendering (bamboo's loop idiom).
  for (const [outputKey, key] of Object.entries(data.outputs)) {
    if (outputKey === "_loop") rt.store.putContextValue(pipelineId, plainValue(key, loop));
    if (outputKey === "_inner_loop") rt.store.putContextValue(pipelineId, plainValue(key, innerLoop));
  }
  let rendered: Record<string, unknown>;
  let info: ServiceInfo;
  try {
    rendered = await prepareInputs(rt, pipelineId, data.inputs);
    info = await rt.scripts.service(node.code ?? "");
  } catch (error) {
    if (!(error instanceof HydrateFailed) && !(error instanceof ScriptMissing)) throw error;
    return failBeforeExecute(attempt, data, error);
  }
  const inputs = { ...rendered, _loop: loop, _inner_loop: innerLoop };
  const signal = { root_pipeline_id: node.rootPipelineId, node_id: node.id };
  const base = { inputs, outputs: {}, parentInputs: parentInputs(rt), self: serviceSelf(rt, node, version, loop, innerLoop) };
  const hook = async (name: string) => {
    base.outputs = await callHook(rt, node, info, name, base);
  };

  rt.host.emit("node_enter", signal);
  await hook("node_enter");
  rt.host.emit("pre_execute", signal);
  await hook("pre_execute");
  const called = await rt.scripts.callService(node.code ?? "", { ...base, method: "execute" });
  const result = checkedEventWait(called, scheduleModeOf(info));
  base.outputs = { ...result.outputs };
  const success = result.threw === undefined && result.returned !== false;
  if (success) {
    rt.host.emit("post_execute", signal);
    await hook("post_execute");
  } else if (result.threw !== undefined) {
    base.outputs = { ...base.outputs, ex_data: result.threw };
    rt.host.emit("node_execute_exception", { ...signal, ex_data: result.threw });
    await hook("node_execute_exception");
  }
  const outputs = { ...base.outputs, _result: success, _loop: loop, _inner_loop: innerLoop };
  const mode = scheduleModeOf(info);

  if (success && mode !== undefined) {
    assertCurrent(rt, node.id, version);
    rt.store.putExecutionData(node.id, { inputs, outputs });
    if (result.waitForEvent !== undefined) queueEventWait(rt, node.id, version, result.waitForEvent);
    return { shouldSleep: true, scheduleReady: true, scheduleType: mode };
  }
  if (success || node.errorIgnorable) {
    setState(rt, node.id, "FINISHED", { version, setArchiveTime: true, ...(success ? {} : { errorIgnored: true }) });
    rt.store.putExecutionData(node.id, { inputs, outputs });
    extractOutputs(rt, pipelineId, data, outputs);
    return { shouldSleep: false, nextNodeId: soleTarget(node) };
  }
  rt.host.emit("node_execute_fail", signal);
  base.outputs = outputs;
  await hook("node_execute_fail");
  setState(rt, node.id, "FAILED", { version, setArchiveTime: true });
  rt.store.putExecutionData(node.id, { inputs, outputs: base.outputs });
  extractOutputs(rt, pipelineId, data, base.outputs);
  return sleep;
}

/** Inputs that cannot be hydrated (or a component that is missing) fail the node with no hooks and no signals. */
function failBeforeExecute({ rt, node, loop, innerLoop, version }: NodeAttempt, data: NodeData, error: Error): ExecuteResult {
  const plainInputs: Record<string, unknown> = {};
  for (const [key, input] of Object.entries(data.inputs)) if (!input.need_render) plainInputs[key] = input.value;
  const exData = error instanceof ScriptMissing ? `component ${node.code} cannot run: ${error.message}` : `inputs hydrate failed(${error.message}), check node log for details`;
  setState(rt, node.id, "FAILED", { version, setArchiveTime: true });
  rt.store.putExecutionData(node.id, { inputs: plainInputs, outputs: { ex_data: exData, _result: false, _loop: loop, _inner_loop: innerLoop } });
  return sleep;
}

async function schedule(attempt: NodeAttempt, record: ScheduleRecord, callbackData: unknown): Promise<ScheduleResult> {
  const { rt, node, loop, innerLoop, version } = attempt;
  const exec = rt.store.executionData(node.id) ?? { inputs: {}, outputs: {} };
  const info = await rt.scripts.service(node.code ?? "");
  const signal = { root_pipeline_id: node.rootPipelineId, node_id: node.id };
  const base = { inputs: exec.inputs, outputs: exec.outputs, parentInputs: parentInputs(rt), self: serviceSelf(rt, node, version, loop, innerLoop) };
  const hook = async (name: string, withCallbackData = false) => {
    base.outputs = await callHook(rt, node, info, name, base, withCallbackData ? callbackData : undefined);
  };

  rt.host.emit("pre_schedule", signal);
  await hook("pre_schedule");
  const called = await rt.scripts.callService(node.code ?? "", { ...base, method: "schedule", callbackData });
  // A component that waits must say when it is done: without a schedule method it would wait forever.
  const result = called.missing ? { ...called, threw: `component ${node.code} has no schedule method` } : called;
  base.outputs = { ...result.outputs };
  const success = result.threw === undefined && result.returned !== false;
  if (success) {
    rt.host.emit("post_schedule", signal);
    await hook("post_schedule");
  } else if (result.threw !== undefined) {
    base.outputs = { ...base.outputs, ex_data: result.threw };
    rt.host.emit("node_schedule_exception", { ...signal, ex_data: result.threw });
    await hook("node_schedule_exception", true);
  }
  const outputs = { ...base.outputs, _result: success, _loop: loop, _inner_loop: innerLoop };
  assertCurrent(rt, node.id, version);
  const times = record.times + 1;
  const current = rt.store.schedule(record.id) ?? record;
  rt.store.putSchedule({ ...current, times });
  const data = rt.store.data(node.id);

  if (success) {
    const done = record.type === "CALLBACK" || result.scheduleFinished;
    if (!done) {
      rt.store.putExecutionData(node.id, { inputs: exec.inputs, outputs });
      if (record.type === "MULTIPLE_CALLBACK" || info.interval === null) return { scheduleDone: false };
      return { scheduleDone: false, hasNextSchedule: true, scheduleAfterSeconds: pollIntervalSeconds(info.interval, times) };
    }
  }
  if (success || node.errorIgnorable) {
    setState(rt, node.id, "FINISHED", { version, setArchiveTime: true, ...(success ? {} : { errorIgnored: true }) });
    rt.store.putExecutionData(node.id, { inputs: exec.inputs, outputs });
    extractOutputs(rt, node.parentPipelineId, data, outputs);
    return { scheduleDone: true, nextNodeId: soleTarget(node) };
  }
  rt.host.emit("node_schedule_fail", signal);
  base.outputs = outputs;
  await hook("node_schedule_fail", true);
  setState(rt, node.id, "FAILED", { version, setArchiveTime: true });
  rt.store.putExecutionData(node.id, { inputs: exec.inputs, outputs: base.outputs });
  extractOutputs(rt, node.parentPipelineId, data, base.outputs);
  return { scheduleDone: false };
}

/** Results of an attempt whose version was replaced meanwhile (forced fail, retry) are discarded. */
function assertCurrent(rt: BambooRuntime, nodeId: string, version: string): void {
  const state = rt.store.state(nodeId);
  if (state?.version !== version) throw new StateVersionNotMatch(`node(${nodeId}) version ${version} is no longer current`);
}
