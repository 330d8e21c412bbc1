import { NO_CONDITION_MET, evaluateConditions, takenConditions } from "./conditions";
import { fail } from "./exclusive-gateway";
import type { NodeHandler } from "./handler";
import { forkBranches } from "./parallel-gateway";

/** Forks a branch for every condition that holds (or the default); the parent waits at the converge. */
export const conditionalParallelGateway: NodeHandler = {
  async execute(attempt) {
    const { rt, node, process, version } = attempt;
    const outcome = await evaluateConditions(rt, node, process.pipelineStack.at(-1)!, false);
    if (!outcome.ok) return fail(attempt, outcome.exData);
    const taken = takenConditions(node, outcome.matched);
    if (taken.length === 0) return fail(attempt, NO_CONDITION_MET);
    return forkBranches(rt, node, process, version, taken.map((c) => c.targetId), node.convergeGatewayId ?? "");
  },
};
