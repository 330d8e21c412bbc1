import type { Instruction } from "../instruction";
import { WORK } from "../runtime";
import { JOB_STATUS } from "../statuses";

export const DELAY_UNITS = [1_000, 60_000, 3_600_000, 86_400_000, 604_800_000] as const;

/**
 * `delay` (§3.5): saves a PENDING job whose result is the duration in ms, and arms a timer on the run host (a
 * delayed `nocobase.delay` work item, queued with the job at the `exit` that follows); suspends. When the timer
 * fires for a job still pending in a STARTED execution, `resume` sets `endStatus` and the chain goes on.
 */
export const delay: Instruction = {
  async: true,

  async run(node, input, processor) {
    const duration = Number(processor.getParsedValue(node.config.duration || 1, node.id)) * Number(node.config.unit || 1_000);
    if (!Number.isFinite(duration) || duration < 0) throw new Error(`invalid delay duration: ${String(node.config.duration)}`);
    const job = processor.saveJob({
      status: JOB_STATUS.PENDING,
      result: duration,
      nodeId: node.id,
      nodeKey: node.key,
      upstreamId: input && "id" in input ? input.id : null,
    });
    processor.schedule({ kind: WORK.delay, args: { executionId: processor.execution.id, jobId: String(job.id) } }, duration);
    return null;
  },

  async resume(node, job) {
    return { id: job.id, status: typeof node.config.endStatus === "number" ? node.config.endStatus : JOB_STATUS.RESOLVED };
  },

  validateConfig(config) {
    const errors: Record<string, string> = {};
    const { duration, unit, endStatus } = config;
    if (typeof duration === "number" && duration < 1) errors.duration = '"duration" must be greater than or equal to 1';
    else if (duration !== undefined && typeof duration !== "number" && typeof duration !== "string") errors.duration = '"duration" must be a number or a template';
    if (unit !== undefined && !(DELAY_UNITS as readonly unknown[]).includes(unit)) errors.unit = `"unit" must be one of [${DELAY_UNITS.join(", ")}]`;
    if (endStatus !== undefined && endStatus !== JOB_STATUS.RESOLVED && endStatus !== JOB_STATUS.FAILED) errors.endStatus = '"endStatus" must be one of [1, -1]';
    return Object.keys(errors).length ? errors : null;
  },
};
