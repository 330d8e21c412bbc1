import type { Instruction } from "../instruction";
import { WORK } from "../runtime";
import { JOB_STATUS } from "../statuses";

/** A config template rendered to the text events are matched on (a number, such as an order id, becomes its text). */
function keyText(value: unknown): string | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * `event` (hookflow's own, api.md "Waiting and resuming from outside"): waits for the correlated event of
 * `config.name` and `config.correlationKey` (both templates). It saves a PENDING job and queues, with it, the
 * subscription that the host makes once the job is stored; the event resumes the job RESOLVED with the event's
 * payload as its result. An event sent before the node ran was kept, and resumes it at once.
 */
export const event: Instruction = {
  async: true,

  async run(node, input, processor) {
    const name = keyText(processor.getParsedValue(node.config.name, node.id));
    const correlationKey = keyText(processor.getParsedValue(node.config.correlationKey, node.id));
    if (name === undefined || correlationKey === undefined) throw new Error("event: name and correlationKey must render to non-empty text");
    const job = processor.saveJob({
      status: JOB_STATUS.PENDING,
      result: null,
      nodeId: node.id,
      nodeKey: node.key,
      upstreamId: input && "id" in input ? input.id : null,
    });
    processor.schedule({ kind: WORK.awaitEvent, args: { executionId: processor.execution.id, jobId: String(job.id), name, correlationKey } });
    return null;
  },

  // The delivery set the status and the payload as the result.
  async resume(_node, job) {
    return job;
  },

  validateConfig(config) {
    const errors: Record<string, string> = {};
    for (const field of ["name", "correlationKey"] as const) {
      if (typeof config[field] !== "string" || config[field] === "") errors[field] = `"${field}" must be a non-empty string (a template)`;
    }
    return Object.keys(errors).length ? errors : null;
  },
};
