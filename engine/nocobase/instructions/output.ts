import type { Instruction } from "../instruction";
import { JOB_STATUS } from "../statuses";

/** `output` (§3.11): sets the execution's `output` to the resolved `value`; the job result is that value. */
export const output: Instruction = {
  async run(node, _input, processor) {
    const value = processor.getParsedValue(node.config.value, node.id);
    try {
      processor.setOutput(value);
    } catch (error) {
      return { status: JOB_STATUS.FAILED, result: error instanceof Error ? error.message : String(error) };
    }
    return { status: JOB_STATUS.RESOLVED, result: value };
  },

  async resume(_node, job) {
    return job;
  },
};
