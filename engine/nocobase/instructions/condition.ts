import type { Instruction } from "../instruction";
import { evaluateCondition } from "../logic-calculate";
import type { Job } from "../processor";
import { JOB_STATUS } from "../statuses";

/** Branch indexes of a condition node: 1 runs on true, 0 on false. */
export const BRANCH_INDEX = { ON_TRUE: 1, ON_FALSE: 0 } as const;

/** `condition` (§3.1): branch mode, or "continue only if true" with `rejectOnFalse`; basic, math.js or formula.js. */
export const condition: Instruction = {
  async run(node, input, processor) {
    const { rejectOnFalse } = node.config;
    let result: unknown;
    try {
      result = await evaluateCondition(node.config, node, processor);
    } catch (error) {
      return { status: JOB_STATUS.ERROR, result: String(error) };
    }
    if (!result && rejectOnFalse) return { status: JOB_STATUS.FAILED, result };
    const job = { status: JOB_STATUS.RESOLVED, result, nodeId: node.id, nodeKey: node.key, upstreamId: input && "id" in input ? input.id : null };
    // As NocoBase: a branch matches when Boolean(branchIndex) === result (a non-boolean result matches none).
    const branch = processor.nodes.find((n) => n.upstreamId === node.id && n.branchIndex != null && Boolean(n.branchIndex) === result);
    if (branch === undefined) return job;
    const saved = processor.saveJob(job);
    await processor.run(branch, saved);
    return undefined;
  },

  async resume(node, branchJob, processor) {
    const job = processor.findBranchParentJob(branchJob, node) as Job;
    if (branchJob.status === JOB_STATUS.RESOLVED) return job; // the downstream runs, with the condition's job as input
    if (branchJob.status === JOB_STATUS.PENDING) return processor.exit(branchJob.status);
    return branchJob; // bubbles to the enclosing branch (a loop may absorb it) or ends the execution
  },

  validateConfig(config) {
    const errors: Record<string, string> = {};
    if (typeof config.rejectOnFalse !== "boolean") errors.rejectOnFalse = '"rejectOnFalse" is required and must be a boolean';
    if (config.engine !== undefined && !["basic", "math.js", "formula.js"].includes(String(config.engine))) errors.engine = '"engine" must be one of [basic, math.js, formula.js]';
    if (config.calculation !== undefined && (config.calculation === null || typeof config.calculation !== "object")) errors.calculation = '"calculation" must be of type object';
    if (config.expression !== undefined && typeof config.expression !== "string") errors.expression = '"expression" must be a string';
    return Object.keys(errors).length ? errors : null;
  },
};
