import { bareKey, extractOutputs, hydrate } from "../context";
import type { ProcessRecord, NodeRecord } from "../records";
import type { BambooRuntime } from "../runtime";
import { setState } from "../set-state";
import { soleTarget, type ExecuteResult, type NodeHandler } from "./handler";

/** Ends the root pipeline (FINISHED, outputs, pipeline_finish), or a subprocess (outputs to the parent). */
export const emptyEndEvent: NodeHandler = {
  async execute({ rt, node, process, version }) {
    return finishPipeline(rt, node, process, version);
  },
};

export async function finishPipeline(rt: BambooRuntime, node: NodeRecord, process: ProcessRecord, version: string): Promise<ExecuteResult> {
  const stack = process.pipelineStack;
  const pipelineId = stack.at(-1)!;
  const outputs = await pipelineOutputs(rt, pipelineId);
  if (stack.length === 1) {
    rt.store.putExecutionData(pipelineId, { inputs: {}, outputs });
    setState(rt, node.id, "FINISHED", { version, setArchiveTime: true });
    setState(rt, pipelineId, "FINISHED", { setArchiveTime: true });
    rt.host.emit("pipeline_finish", { pipeline_id: pipelineId });
    return { shouldSleep: false, shouldDie: true };
  }
  const subState = rt.store.state(pipelineId);
  const subOutputs = { ...outputs, _loop: subState?.loop ?? 1, _inner_loop: subState?.innerLoop ?? 1 };
  rt.store.putExecutionData(pipelineId, { inputs: rt.store.executionData(pipelineId)?.inputs ?? {}, outputs: subOutputs });
  extractOutputs(rt, stack.at(-2)!, rt.store.data(pipelineId), subOutputs);
  setState(rt, node.id, "FINISHED", { version, setArchiveTime: true });
  setState(rt, pipelineId, "FINISHED", { setArchiveTime: true });
  const subNode = rt.store.node(pipelineId);
  return { shouldSleep: false, nextNodeId: subNode && soleTarget(subNode), pipelineStack: stack.slice(0, -1) };
}

/** The pipeline's `data.outputs` keys with their values; a key missing from the context outputs its own name. */
async function pipelineOutputs(rt: BambooRuntime, pipelineId: string): Promise<Record<string, unknown>> {
  const keys = rt.store.contextOutputs(pipelineId);
  if (keys.length === 0) return {};
  const pool = await hydrate(rt, pipelineId, keys);
  const outputs: Record<string, unknown> = {};
  for (const key of keys) outputs[key] = bareKey(key) in pool ? pool[bareKey(key)] : key;
  return outputs;
}
