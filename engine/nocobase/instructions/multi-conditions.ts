import type { Instruction } from "../instruction";
import { evaluateCondition } from "../logic-calculate";
import type { Job } from "../processor";
import { JOB_STATUS } from "../statuses";

interface ConditionConfig {
  readonly uid?: string;
  readonly title?: string;
  readonly engine?: string;
  readonly calculation?: unknown;
  readonly expression?: string;
}

/**
 * `multi-conditions` (§3.11): condition i opens branch i + 1, branch 0 is "otherwise". The first true condition
 * resolves the node and runs its branch (or continues downstream); no match is RESOLVED with `continueOnNoMatch`,
 * else FAILED, and the default branch still runs. `meta.conditions` lists the outcomes evaluated.
 */
export const multiConditions: Instruction = {
  async run(node, input, processor) {
    const conditions = (node.config.conditions ?? []) as ConditionConfig[];
    const continueOnNoMatch = Boolean(node.config.continueOnNoMatch);
    const outcomes: (boolean | string)[] = [];
    const job = processor.saveJob({
      status: JOB_STATUS.PENDING,
      result: null,
      meta: { conditions: outcomes },
      nodeId: node.id,
      nodeKey: node.key,
      upstreamId: input && "id" in input ? input.id : null,
    });
    const branchAt = (index: number) => processor.getBranches(node).find((b) => Number(b.branchIndex) === index);

    for (const [cursor, condition] of conditions.entries()) {
      let outcome: boolean | string;
      try {
        outcome = Boolean(await evaluateCondition({ engine: "basic", ...condition }, node, processor));
      } catch (error) {
        outcome = error instanceof Error ? error.message : String(error);
      }
      outcomes.push(outcome);
      job.result = outcome;
      if (typeof outcome === "string") {
        job.status = JOB_STATUS.ERROR;
        return job;
      }
      if (outcome) {
        job.status = JOB_STATUS.RESOLVED;
        const branch = branchAt(cursor + 1);
        if (branch === undefined) return job;
        processor.saveJob(job);
        await processor.run(branch, job);
        return undefined;
      }
    }
    job.status = continueOnNoMatch ? JOB_STATUS.RESOLVED : JOB_STATUS.FAILED;
    const fallback = branchAt(0);
    if (fallback === undefined) return job;
    processor.saveJob(job);
    await processor.run(fallback, job);
    return undefined;
  },

  async resume(node, branchJob, processor) {
    const job = processor.findBranchParentJob(branchJob, node) as Job | null;
    if (job === null) throw new Error("Parent job not found");
    if (branchJob.status !== JOB_STATUS.RESOLVED) return processor.exit(branchJob.status);
    const branchNode = processor.nodesMap.get(branchJob.nodeId);
    const start = branchNode === undefined ? null : processor.findBranchStartNode(branchNode, node);
    const continueOnNoMatch = Boolean(node.config.continueOnNoMatch);
    job.status = Number(start?.branchIndex) > 0 || continueOnNoMatch ? JOB_STATUS.RESOLVED : JOB_STATUS.FAILED;
    return job;
  },

  validateConfig(config): Record<string, string> | null {
    if (config.conditions !== undefined && !Array.isArray(config.conditions)) return { conditions: '"conditions" must be an array' };
    if (config.continueOnNoMatch !== undefined && typeof config.continueOnNoMatch !== "boolean") return { continueOnNoMatch: '"continueOnNoMatch" must be a boolean' };
    return null;
  },
};
