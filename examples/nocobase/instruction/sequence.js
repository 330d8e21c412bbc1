// @ts-check
// A branching node, "all branches in order": it runs its branches one after another in branchIndex order, each
// once the previous one has ended, even when a branch waits (a delay, an approval) in between. Then the chain goes
// on after it.
//
//   {"key": "steps",  "type": "sequence"}
//   {"key": "first",  "type": "…", "upstream": "steps", "branchIndex": 0}
//   {"key": "second", "type": "…", "upstream": "steps", "branchIndex": 1}
//   {"key": "after",  "type": "…", "upstream": "steps"}
//
// Its result is `{done, statuses, results}`: how many branches have ended, their final statuses, and the result of
// each branch's last job, so that `after` can read what the branches computed: {{$jobsMapByNodeKey.steps.results.0}}.
// (Nodes after a branching node cannot name the nodes inside its branches: they are not upstream of them.)
// A branch that does not resolve ends the sequence with its status, unless `config.continueOnFailure` is true.
//
// How branching works, as in NocoBase: `run` saves the node's own PENDING job, calls
// `processor.run(firstBranchHead, ownJob)` and returns `undefined` (it drove the chain itself). When a branch
// stops, the engine calls `resume` on this node with the branch's LAST job; `processor.findBranchParentJob` gives
// back this node's own job. `resume` starts the next branch, or returns its own job: RESOLVED runs the downstream,
// anything else ends the chain with that status.

/** @typedef {{ continueOnFailure?: boolean }} Config */
/** @typedef {{ done: number, statuses: number[], results: unknown[] }} Result */

/** @type {import("hookflow/nocobase").Instruction<Config, Result>} */
export default {
  async run(node, input, processor) {
    /** @type {Result} */
    const result = { done: 0, statuses: [], results: [] };
    const branches = await processor.getBranches(node);
    if (branches.length === 0) return { status: JOB_STATUS.RESOLVED, result };
    const job = await processor.saveJob({ status: JOB_STATUS.PENDING, result });
    // The first node of the branch gets this node's job as its input.
    await processor.run(branches[0], job);
    return undefined;
  },

  // `branchJob` is the last job of the branch that stopped.
  async resume(node, branchJob, processor) {
    /** @type {import("hookflow/nocobase").Job<Result> | null} */
    const job = await processor.findBranchParentJob(branchJob, node);
    // Already settled (a late call changes nothing), or a node inside the branch waits: stay suspended.
    if (job === null || job.status !== JOB_STATUS.PENDING || branchJob.status === JOB_STATUS.PENDING) return null;

    const previous = job.result ?? { done: 0, statuses: [], results: [] };
    /** @type {Result} */
    const result = {
      done: previous.done + 1,
      statuses: [...previous.statuses, branchJob.status],
      results: [...previous.results, branchJob.result],
    };
    if (branchJob.status !== JOB_STATUS.RESOLVED && !node.config.continueOnFailure) return { ...job, status: branchJob.status, result };

    const branches = await processor.getBranches(node);
    if (result.done < branches.length) {
      const saved = await processor.saveJob({ ...job, result });
      await processor.run(branches[result.done], saved);
      return undefined;
    }
    return { ...job, status: JOB_STATUS.RESOLVED, result };
  },

  // What later nodes may name: {{$jobsMapByNodeKey.<key>.done}}, `.statuses`, `.results` (and below it).
  useVariables(node) {
    return {
      value: node.key,
      label: node.title ?? node.key,
      children: [
        { value: "done", label: "Branches ended" },
        { value: "statuses", label: "Their statuses" },
        { value: "results", label: "Their last results" },
      ],
    };
  },

  validateConfig(config) {
    if (config.continueOnFailure !== undefined && typeof config.continueOnFailure !== "boolean") {
      return { continueOnFailure: '"continueOnFailure" must be a boolean' };
    }
    return null;
  },
};
