import type { Instruction } from "../instruction";
import type { Job } from "../processor";
import { JOB_STATUS } from "../statuses";

type Statuses = readonly (number | null)[];

interface Mode {
  /** Whether branch i (> 0) starts, given the last job of branch i − 1. */
  next(previous: { status: number } | null): boolean;
  /** The parallel job's status from the branches' final statuses (null = not run yet). */
  status(result: Statuses): number;
}

const firstFailure = (result: Statuses) => result.find((s) => s != null && s < JOB_STATUS.PENDING);

/** `all`, `any`, `race` and `allSettled` (§3.2). */
export const PARALLEL_MODES: Readonly<Record<string, Mode>> = {
  all: {
    next: (previous) => (previous?.status ?? NaN) >= JOB_STATUS.PENDING,
    status(result) {
      const failed = firstFailure(result);
      if (failed !== undefined) return failed!;
      return result.every((s) => s === JOB_STATUS.RESOLVED) ? JOB_STATUS.RESOLVED : JOB_STATUS.PENDING;
    },
  },
  any: {
    next: (previous) => (previous?.status ?? NaN) <= JOB_STATUS.PENDING,
    status(result) {
      if (result.some((s) => s === JOB_STATUS.RESOLVED)) return JOB_STATUS.RESOLVED;
      if (result.some((s) => s == null || s === JOB_STATUS.PENDING)) return JOB_STATUS.PENDING;
      return JOB_STATUS.FAILED;
    },
  },
  race: {
    next: (previous) => previous?.status === JOB_STATUS.PENDING,
    status(result) {
      if (result.some((s) => s === JOB_STATUS.RESOLVED)) return JOB_STATUS.RESOLVED;
      return firstFailure(result) ?? JOB_STATUS.PENDING;
    },
  },
  allSettled: {
    next: () => true,
    status: (result) => (result.some((s) => !s) ? JOB_STATUS.PENDING : JOB_STATUS.RESOLVED),
  },
};

function modeOf(config: Readonly<Record<string, unknown>>): Mode {
  const name = typeof config.mode === "string" ? config.mode : "all";
  const mode = Object.prototype.hasOwnProperty.call(PARALLEL_MODES, name) ? PARALLEL_MODES[name] : undefined;
  if (mode === undefined) throw new Error(`unknown parallel mode "${name}"`);
  return mode;
}

/**
 * `parallel` (§3.2): its job is PENDING with one result slot per branch; branches start one after another in
 * branchIndex order, each only if the mode's `next` holds for the previous branch's last job.
 */
export const parallel: Instruction = {
  async run(node, input, processor) {
    const branches = processor.getBranches(node);
    const mode = modeOf(node.config);
    const job = processor.saveJob({
      status: JOB_STATUS.PENDING,
      result: Array(branches.length).fill(null),
      nodeId: node.id,
      nodeKey: node.key,
      upstreamId: input && "id" in input ? input.id : null,
    });
    let previous: Job | null = null;
    for (const [i, branch] of branches.entries()) {
      if (i > 0 && !mode.next(previous)) break;
      await processor.run(branch, job);
      previous = processor.findBranchLastJob(branch);
    }
    return undefined;
  },

  async resume(node, branchJob, processor) {
    const job = processor.findBranchParentJob(branchJob, node) as Job;
    if (job.status !== JOB_STATUS.PENDING) return null; // already settled: a late branch changes nothing
    const branchNode = processor.nodesMap.get(branchJob.nodeId);
    const start = branchNode === undefined ? null : processor.findBranchStartNode(branchNode, node);
    const index = processor.getBranches(node).findIndex((b) => b === start);
    const result = [...(job.result as (number | null)[])];
    result[index] = branchJob.status;
    job.result = result;
    job.status = modeOf(node.config).status(result);
    if (job.status === JOB_STATUS.PENDING) {
      processor.saveJob(job);
      return null;
    }
    return job;
  },

  validateConfig(config) {
    if (config.mode === undefined || (typeof config.mode === "string" && Object.prototype.hasOwnProperty.call(PARALLEL_MODES, config.mode))) return null;
    return { mode: '"mode" must be one of [all, any, race, allSettled]' };
  },
};
