import type { Instruction, JobInput } from "../instruction";
import type { Processor } from "../processor";
import { WORK } from "../runtime";
import { JOB_STATUS } from "../statuses";
import type { FlowNode } from "../workflow";

interface ScriptArgument {
  readonly name?: string;
  readonly value?: unknown;
}

/** Each argument's template resolved in the node's scope, by name (a later argument of the same name wins). */
function argumentsOf(node: FlowNode, processor: Processor): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  const list = Array.isArray(node.config.arguments) ? (node.config.arguments as ScriptArgument[]) : [];
  for (const { name, value } of list) if (typeof name === "string" && name !== "") args[name] = processor.getParsedValue(value, node.id);
  return args;
}

/**
 * Runs the body in the sandbox: its awaited return value is the result; a failure (syntax error, rejection, the
 * timeout) is an ERROR job whose result is the message, RESOLVED with the same result when `continue` is set.
 * Console output becomes the job's log.
 */
async function runScript(node: FlowNode, args: Readonly<Record<string, unknown>>, processor: Processor): Promise<JobInput> {
  const services = processor.rt.services;
  if (services === undefined) throw new Error("the script node needs the sandbox, and this runtime has none");
  const { content, timeout } = node.config;
  const outcome = await services.javascript(typeof content === "string" ? content : "", args, typeof timeout === "number" && timeout > 0 ? timeout : undefined);
  const log = outcome.logs.length > 0 ? { log: outcome.logs.join("\n") } : {};
  if (outcome.ok) return { status: JOB_STATUS.RESOLVED, result: outcome.value ?? null, ...log };
  return { status: node.config.continue ? JOB_STATUS.RESOLVED : JOB_STATUS.ERROR, result: outcome.message, ...log };
}

/**
 * `script` (§3.9, NocoBase's javascript node). A sync workflow runs it inline. An async one does as NocoBase's
 * queue does: the run saves a PENDING job holding the resolved arguments and queues a resume of it with that job
 * (one storage batch, so a restart still runs it), then suspends; the resume runs the script, unless the
 * execution ended meanwhile (a cancel or timeout aborts the pending job, and the queued resume then finds nothing
 * to do) or the job was already resumed from outside (then it is returned as it is).
 */
export const script: Instruction = {
  async run(node, input, processor) {
    const args = argumentsOf(node, processor);
    if (processor.rt.workflow.def.sync) return runScript(node, args, processor);
    const job = processor.saveJob({
      status: JOB_STATUS.PENDING,
      result: null,
      meta: { args },
      nodeId: node.id,
      nodeKey: node.key,
      upstreamId: input && "id" in input ? input.id : null,
    });
    processor.schedule({ kind: WORK.resume, args: { executionId: processor.execution.id, jobId: job.id } });
    return null;
  },

  async resume(node, job, processor) {
    if (job.status !== JOB_STATUS.PENDING) return job;
    const args = ((job.meta as { args?: Record<string, unknown> } | null)?.args ?? {}) as Record<string, unknown>;
    return { id: job.id, ...(await runScript(node, args, processor)) };
  },

  validateConfig(config) {
    const errors: Record<string, string> = {};
    const { content, arguments: args, timeout } = config;
    if (typeof content !== "string") errors.content = '"content" is required and must be a string';
    const named = (a: unknown) => a !== null && typeof a === "object" && typeof (a as ScriptArgument).name === "string";
    if (args !== undefined && !(Array.isArray(args) && args.every(named))) errors.arguments = '"arguments" must be an array of {name, value}';
    if (timeout !== undefined && timeout !== null && !(typeof timeout === "number" && timeout >= 0)) errors.timeout = '"timeout" must be a number of milliseconds, 0 or more';
    if (config.continue !== undefined && typeof config.continue !== "boolean") errors.continue = '"continue" must be a boolean';
    return Object.keys(errors).length ? errors : null;
  },
};
