import type { NodeRecord } from "./records";
import type { BambooRuntime } from "./runtime";
import type { ServiceCall, ServiceInfo, ServiceSelf } from "./service";

/** Who a component method runs as: `this` in the script. */
export function serviceSelf(rt: BambooRuntime, node: NodeRecord, version: string, loop: number, innerLoop: number): ServiceSelf {
  const callbackUrl = rt.callbackUrl?.(node.id, version);
  return {
    id: node.id,
    version,
    rootPipelineId: node.rootPipelineId,
    topPipelineId: node.parentPipelineId,
    loop,
    innerLoop,
    ...(callbackUrl === undefined ? {} : { callbackUrl }),
  };
}

/** The run's `root_pipeline_data`: every service's `parentData.inputs`. */
export function parentInputs(rt: BambooRuntime): Readonly<Record<string, unknown>> {
  return rt.store.run()?.rootPipelineData ?? {};
}

/**
 * Calls one lifecycle hook method of a component that has `needRunHook`, and answers `data.outputs` after it.
 * A hook's exception is swallowed (bamboo logs it); a component without the method is a no-op.
 */
export async function callHook(
  rt: BambooRuntime,
  node: NodeRecord,
  info: ServiceInfo,
  hook: string,
  base: Omit<ServiceCall, "method" | "callbackData">,
  callbackData?: unknown,
): Promise<Readonly<Record<string, unknown>>> {
  if (!info.needRunHook) return base.outputs;
  const call: ServiceCall = callbackData === undefined ? { ...base, method: hook } : { ...base, method: hook, callbackData };
  const result = await rt.scripts.callService(node.code ?? "", call);
  return result.missing ? base.outputs : result.outputs;
}

/**
 * A hook the engine or an operator call dispatches outside the handler (node_finish, pre_retry_node, …), with the
 * node's stored execution data. `save` writes the outputs back: bamboo saves them only for node_finish.
 */
export async function dispatchServiceHook(rt: BambooRuntime, nodeId: string, hook: string, save: boolean, callbackData?: unknown): Promise<void> {
  const node = rt.store.node(nodeId);
  if (node?.type !== "ServiceActivity") return;
  let info: ServiceInfo;
  try {
    info = await rt.scripts.service(node.code ?? "");
  } catch {
    return;
  }
  const state = rt.store.state(nodeId);
  if (!info.needRunHook || state === undefined) return;
  const exec = rt.store.executionData(nodeId) ?? { inputs: {}, outputs: {} };
  const base = {
    inputs: exec.inputs,
    outputs: exec.outputs,
    parentInputs: parentInputs(rt),
    self: serviceSelf(rt, node, state.version, state.loop, state.innerLoop),
  };
  const outputs = await callHook(rt, node, info, hook, base, callbackData);
  if (save && rt.store.state(nodeId)?.version === state.version) rt.store.putExecutionData(nodeId, { inputs: exec.inputs, outputs });
}
