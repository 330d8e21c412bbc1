import { setState } from "../set-state";
import { soleTarget, type NodeHandler } from "./handler";

/** Runs once, on the parent process, after every forked branch has arrived (the join is in the engine). */
export const convergeGateway: NodeHandler = {
  async execute({ rt, node, version }) {
    setState(rt, node.id, "FINISHED", { version, setArchiveTime: true });
    return { shouldSleep: false, nextNodeId: soleTarget(node) };
  },
};
