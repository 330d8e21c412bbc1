import type { Instruction } from "../instruction";
import { JOB_STATUS } from "../statuses";

/** `end` (§3.4): saves `{status: endStatus}` and ends the whole execution with it, even from inside a branch. */
export const end: Instruction = {
  async run(node, input, processor) {
    const endStatus = typeof node.config.endStatus === "number" ? node.config.endStatus : JOB_STATUS.RESOLVED;
    processor.saveJob({ status: endStatus, nodeId: node.id, nodeKey: node.key, upstreamId: input && "id" in input ? input.id : null });
    return processor.exit(endStatus);
  },

  validateConfig(config) {
    const { endStatus } = config;
    if (endStatus === undefined || endStatus === JOB_STATUS.RESOLVED || endStatus === JOB_STATUS.FAILED) return null;
    return { endStatus: '"endStatus" must be one of [1, -1]' };
  },
};
