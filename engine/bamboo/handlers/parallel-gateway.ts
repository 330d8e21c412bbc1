import type { NodeRecord, ProcessRecord } from "../records";
import type { BambooRuntime } from "../runtime";
import { setState } from "../set-state";
import type { Dispatch, ExecuteResult, NodeHandler } from "./handler";

/** Forks one child process per outgoing branch; the parent sleeps at the gateway until all reach the converge. */
export const parallelGateway: NodeHandler = {
  async execute({ rt, node, process, version }) {
    return forkBranches(rt, node, process, version, Object.values(node.targets), node.convergeGatewayId ?? "");
  },
};

/** Creates the children, marks the gateway FINISHED and sleeps the parent (shared with the conditional gateway). */
export function forkBranches(
  rt: BambooRuntime,
  node: NodeRecord,
  process: ProcessRecord,
  version: string,
  targets: readonly string[],
  convergeGatewayId: string,
): ExecuteResult {
  const children: Dispatch[] = targets.map((target) => {
    const child = rt.store.newProcess({
      parentId: process.id,
      pipelineStack: process.pipelineStack,
      currentNodeId: target,
      destinationId: convergeGatewayId,
      asleep: true,
      suspended: false,
      suspendedBy: "",
      dead: false,
      needAck: 0,
      ackNum: 0,
    });
    return { processId: child.id, nodeId: target };
  });
  setState(rt, node.id, "FINISHED", { version, setArchiveTime: true });
  return { shouldSleep: true, dispatchProcesses: children };
}
