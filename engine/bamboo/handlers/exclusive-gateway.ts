import { setState } from "../set-state";
import { NO_CONDITION_MET, evaluateConditions, takenConditions } from "./conditions";
import { sleep, type NodeAttempt, type NodeHandler } from "./handler";

/** Takes the one branch whose condition holds (or the default); several matches under ONLY is a failure. */
export const exclusiveGateway: NodeHandler = {
  async execute(attempt) {
    const { rt, node, process, version } = attempt;
    const outcome = await evaluateConditions(rt, node, process.pipelineStack.at(-1)!, rt.settings.exclusiveGatewayStrategy === "first");
    if (!outcome.ok) return fail(attempt, outcome.exData);
    if (outcome.matched.length > 1) return fail(attempt, `multiple conditions meet: [${outcome.matched.map((c) => `'${c.flowId}'`).join(", ")}]`);
    const taken = takenConditions(node, outcome.matched);
    if (taken.length === 0) return fail(attempt, NO_CONDITION_MET);
    setState(rt, node.id, "FINISHED", { version, setArchiveTime: true });
    return { shouldSleep: false, nextNodeId: taken[0]!.targetId };
  },
};

/** A gateway that cannot choose fails with `ex_data`, and its process sleeps there until skip or retry. */
export function fail({ rt, node, version }: NodeAttempt, exData: string) {
  setState(rt, node.id, "FAILED", { version, setArchiveTime: true });
  rt.store.putExecutionData(node.id, { inputs: {}, outputs: { ex_data: exData } });
  return sleep;
}
