import { setState } from "../set-state";
import { finishPipeline } from "./empty-end-event";
import { sleep, type NodeHandler } from "./handler";

/** Runs the `end-event/{code}` script first; if it throws, the end event FAILS and the pipeline stays RUNNING. */
export const executableEndEvent: NodeHandler = {
  async execute({ rt, node, process, version }) {
    try {
      await rt.scripts.endEvent(node.code ?? "", process.pipelineStack, process.pipelineStack[0]!);
    } catch (error) {
      setState(rt, node.id, "FAILED", { version, setArchiveTime: true });
      rt.store.putExecutionData(node.id, { inputs: {}, outputs: { ex_data: (error as Error).message } });
      return sleep;
    }
    return finishPipeline(rt, node, process, version);
  },
};
