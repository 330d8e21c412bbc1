import { OutboundError, type OutboundResponse } from "../../../net/outbound";
import type { Instruction, JobInput } from "../instruction";
import type { Processor } from "../processor";
import { REQUEST_CONTENT_TYPES, REQUEST_METHODS, outboundRequestOf, requestTimeoutOf, type RequestConfig } from "../request-message";
import { WORK, type NocobaseServices } from "../runtime";
import { JOB_STATUS } from "../statuses";

/**
 * How long past its own timeout an async request's job may stay pending before its answer counts as lost: a restart
 * of the run's object drops a call in flight (background work is not persisted), and this timer, stored with the
 * pending job, then fails the job rather than leave it pending for ever.
 */
export const LOST_ANSWER_GRACE_MS = 5_000;

type Outcome = { readonly status: number; readonly result: unknown };

/** axios's parsing of a response body: JSON when it parses, else the text as it is. */
function dataOf(body: string): unknown {
  if (body === "") return body;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

/** A failure's job status: RESOLVED with ignoreFail, ABORTED for a client timeout (ECONNABORTED), else FAILED. */
function failureStatus(config: RequestConfig, code: string | undefined): number {
  if (config.ignoreFail) return JOB_STATUS.RESOLVED;
  return code === "ECONNABORTED" ? JOB_STATUS.ABORTED : JOB_STATUS.FAILED;
}

/** An answer as NocoBase records it: a 2xx is the response (or its data only), any other status an axios error. */
function answeredOutcome(config: RequestConfig, response: OutboundResponse): Outcome {
  const { status, statusText, headers } = response;
  const data = dataOf(response.body);
  if (status >= 200 && status < 300) return { status: JOB_STATUS.RESOLVED, result: config.onlyData ? data : { status, statusText, headers, data } };
  const code = status >= 400 && status < 500 ? "ERR_BAD_REQUEST" : status >= 500 && status < 600 ? "ERR_BAD_RESPONSE" : undefined;
  const result = { message: `Request failed with status code ${status}`, ...(code === undefined ? {} : { code }), status, statusText, data };
  return { status: failureStatus(config, code), result };
}

/** A request that got no answer: `{message, code?}`, never a stack or the request's config. */
function failedOutcome(config: RequestConfig, error: unknown): Outcome {
  const code = error instanceof OutboundError ? error.code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return { status: failureStatus(config, code), result: code === undefined ? { message } : { message, code } };
}

/** Sends the request of a resolved config and answers the job's status and result; never throws. */
async function requestOutcome(config: RequestConfig, services: NocobaseServices, boundary: string): Promise<Outcome> {
  try {
    return answeredOutcome(config, await services.fetch(outboundRequestOf(config, boundary)));
  } catch (error) {
    return failedOutcome(config, error);
  }
}

function servicesOf(processor: Processor): NocobaseServices {
  const services = processor.rt.services;
  if (services === undefined) throw new Error("the request node needs the network, and this runtime has none");
  return services;
}

/**
 * `request` (§3.6, plugin-workflow-request). A sync workflow awaits the call and returns the job. An async one
 * does as NocoBase does: it saves a PENDING job and exits (flushing it), then sends the request as background work
 * of the run host; the answer comes back as a resume of that job with its status and result, which the resume path
 * drops if the execution has ended or the job is no longer pending (a late answer is discarded). The same flush
 * stores a timer past the request's timeout (LOST_ANSWER_GRACE_MS) in case the answer is lost to a restart.
 */
export const request: Instruction = {
  async run(node, input, processor) {
    const config = processor.getParsedValue(node.config, node.id) as RequestConfig;
    const services = servicesOf(processor);
    const { host } = processor.rt;
    const boundary = host.newId("----hookflow");
    if (processor.rt.workflow.def.sync) return requestOutcome(config, services, boundary);

    const job = processor.saveJob({ status: JOB_STATUS.PENDING, result: null, nodeId: node.id, nodeKey: node.key, upstreamId: input && "id" in input ? input.id : null });
    const executionId = processor.execution.id;
    const timer = { kind: WORK.delay, args: { executionId, jobId: String(job.id) } };
    processor.schedule(timer, requestTimeoutOf(config) + LOST_ANSWER_GRACE_MS);
    await processor.exit();
    host.background(async () => {
      const outcome = await requestOutcome(config, services, boundary);
      host.cancel(timer.kind, "jobId", timer.args.jobId);
      return { kind: WORK.resume, args: { executionId, jobId: job.id, ...outcome } };
    });
    return undefined;
  },

  async resume(node, job): Promise<JobInput> {
    // Still pending: the deadline timer fired, so the answer was lost (or a resume from outside set no status).
    if (job.status === JOB_STATUS.PENDING) {
      const lost = new OutboundError("ECONNRESET", "the request's answer was lost: the run restarted while the request was in flight");
      return { id: job.id, ...failedOutcome(node.config, lost) };
    }
    return node.config.ignoreFail ? { id: job.id, status: JOB_STATUS.RESOLVED } : job;
  },

  /**
   * NocoBase's Joi schema of the config (unknown keys allowed), with Joi's messages: url a string; method and
   * contentType among the known ones; headers and params lists of `{name, value}` strings; data an object, an array
   * or a string; timeout a positive integer; ignoreFail and onlyData booleans.
   */
  validateConfig(config) {
    const errors: Record<string, string> = {};
    const nonEmptyString = (path: string, label: string, value: unknown) => {
      if (typeof value !== "string") errors[path] = `"${label}" must be a string`;
      else if (value === "") errors[path] = `"${label}" is not allowed to be empty`;
    };
    const { url, method, contentType, data, timeout } = config;
    if (url !== undefined) nonEmptyString("url", "url", url);
    if (method !== undefined && !(REQUEST_METHODS as readonly unknown[]).includes(method)) errors.method = `"method" must be one of [${REQUEST_METHODS.join(", ")}]`;
    if (contentType !== undefined && !(REQUEST_CONTENT_TYPES as readonly unknown[]).includes(contentType)) {
      errors.contentType = `"contentType" must be one of [${REQUEST_CONTENT_TYPES.join(", ")}]`;
    }
    for (const list of ["headers", "params"] as const) {
      const items = config[list];
      if (items === undefined) continue;
      if (!Array.isArray(items)) {
        errors[list] = `"${list}" must be an array`;
        continue;
      }
      items.forEach((item: unknown, i) => {
        if (item === null || typeof item !== "object" || Array.isArray(item)) errors[`${list}.${i}`] = `"${list}[${i}]" must be of type object`;
        else for (const [key, value] of Object.entries(item)) if (key === "name" || key === "value") nonEmptyString(`${list}.${i}.${key}`, `${list}[${i}].${key}`, value);
      });
    }
    if (data !== undefined && (data === null || (typeof data !== "object" && typeof data !== "string"))) errors.data = '"data" must be one of [object, array, string]';
    if (timeout !== undefined) {
      if (typeof timeout !== "number" || !Number.isFinite(timeout)) errors.timeout = '"timeout" must be a number';
      else if (!Number.isInteger(timeout)) errors.timeout = '"timeout" must be an integer';
      else if (timeout <= 0) errors.timeout = '"timeout" must be a positive number';
    }
    for (const flag of ["ignoreFail", "onlyData"] as const) if (config[flag] !== undefined && typeof config[flag] !== "boolean") errors[flag] = `"${flag}" must be a boolean`;
    return Object.keys(errors).length ? errors : null;
  },
};
