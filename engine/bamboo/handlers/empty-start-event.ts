import { hydrate, plainValue, bareKey } from "../context";
import { setState } from "../set-state";
import { soleTarget, type NodeHandler } from "./handler";

/** Renders the pipeline's `pre_render_keys` once and stores them back as PLAIN, then continues. */
export const emptyStartEvent: NodeHandler = {
  async execute({ rt, node, process, version }) {
    const keys = node.preRenderKeys ?? [];
    if (keys.length > 0) {
      const pipelineId = process.pipelineStack.at(-1)!;
      const pool = await hydrate(rt, pipelineId, keys);
      for (const key of keys) if (bareKey(key) in pool) rt.store.putContextValue(pipelineId, plainValue(key, pool[bareKey(key)]));
    }
    setState(rt, node.id, "FINISHED", { version, setArchiveTime: true });
    return { shouldSleep: false, nextNodeId: soleTarget(node) };
  },
};
