import { HydrateFailed, plainValue, prepareInputs } from "../context";
import { setState } from "../set-state";
import { sleep, type NodeHandler } from "./handler";

/**
 * Renders the params in the parent's context into the child's context, and continues at the child's start event
 * with the subprocess pushed on the process's pipeline stack. The child's end event finishes the node.
 */
export const subProcess: NodeHandler = {
  async execute({ rt, node, process, version }) {
    const params = rt.store.data(node.id)?.inputs ?? {};
    let rendered: Record<string, unknown>;
    try {
      rendered = await prepareInputs(rt, process.pipelineStack.at(-1)!, params);
    } catch (error) {
      if (!(error instanceof HydrateFailed)) throw error;
      setState(rt, node.id, "FAILED", { version, setArchiveTime: true });
      rt.store.putExecutionData(node.id, { inputs: {}, outputs: { ex_data: `params hydrate failed(${error.message}), check node log for details` } });
      return sleep;
    }
    for (const [key, value] of Object.entries(rendered)) rt.store.putContextValue(node.id, plainValue(key, value));
    rt.store.putExecutionData(node.id, { inputs: rendered, outputs: {} });
    // Children re-entered from the parent start their inner loop again.
    for (const state of rt.store.states()) {
      if (state.parentId === node.id && state.innerLoop !== 0) rt.store.putState({ ...state, innerLoop: 0 });
    }
    return { shouldSleep: false, nextNodeId: node.startEventId, pipelineStack: [...process.pipelineStack, node.id] };
  },
};
