import { describe, expect, inject, it } from "vitest";
import type { OutboundPolicy } from "../../../net/outbound-policy";
import { sendOutbound } from "../../../net/send";
import { cancelExecution } from "../operations";
import { WORK } from "../runtime";
import { EXECUTION_STATUS as E, JOB_STATUS as J } from "../statuses";
import { harness, workflowOf, type Harness } from "../test-fixtures";
import { runWork } from "../work";
import { LOST_ANSWER_GRACE_MS, request } from "./request";

/** The request node through the engine harness, against the real mock HTTP server (nocobase-scenarios.md S22). */

const { origin } = inject("requestMock");
const settingNames = { allowedHosts: "workflows.requestHosts", allowPrivateNetwork: "workflows.allowPrivateNetwork" };
const reachMock: OutboundPolicy = { settingNames, allowPrivateNetwork: true };
const servicesFor = (policy: OutboundPolicy) => ({ fetch: (request: Parameters<typeof sendOutbound>[0]) => sendOutbound(request, policy) });
const post = { data: { title: "t1" } };

function harnessOf(config: Record<string, unknown>, sync: boolean, policy = reachMock): Harness {
  const nodes = [
    { key: "req", type: "request", config },
    { key: "after", type: "echo", upstream: "req" },
  ];
  return harness(workflowOf(nodes, { sync }), { services: servicesFor(policy) });
}

async function run(config: Record<string, unknown>, sync: boolean, policy = reachMock): Promise<Harness> {
  const h = harnessOf(config, sync, policy);
  await h.trigger({ context: post });
  await h.drain();
  return h;
}

/** Runs the first queued work item only, leaving background work in flight (the harness's drain settles it first). */
async function runNext(h: Harness): Promise<void> {
  const next = h.queue.shift()!;
  await runWork(h.rt, next.item, false);
}

const requestJob = (h: Harness) => h.jobs().find((j) => j.nodeKey === "req")!;

describe.each([
  ["sync", true],
  ["async", false],
])("request node, %s workflow", (_mode, sync) => {
  it("GET: RESOLVED with {status, statusText, headers, data}, the data parsed from JSON", async () => {
    const h = await run({ url: `${origin}/api/data`, method: "GET" }, sync);
    expect(h.execution().status).toBe(E.RESOLVED);
    const { status, result } = requestJob(h);
    expect(status).toBe(J.RESOLVED);
    expect(result).toMatchObject({ status: 200, statusText: "OK", headers: { "content-type": "application/json; charset=utf-8" }, data: { meta: {}, data: {} } });
    expect(Object.keys(result as object).sort()).toEqual(["data", "headers", "status", "statusText"]);
    expect(h.jobs().map((j) => j.nodeKey)).toEqual(["req", "after"]);
  });

  it("onlyData: the result is the response data", async () => {
    const h = await run({ url: `${origin}/api/data`, method: "GET", onlyData: true }, sync);
    expect(requestJob(h)).toMatchObject({ status: J.RESOLVED, result: { meta: {}, data: {} } });
  });

  it("POST: the data's templates are resolved and sent as JSON", async () => {
    const h = await run({ url: `${origin}/api/data`, method: "POST", data: { title: "{{$context.data.title}}" } }, sync);
    expect(requestJob(h)).toMatchObject({ status: J.RESOLVED, result: { data: { data: { title: "t1" } } } });
  });

  it("sends the configured headers, parameters and content type", async () => {
    const config = {
      url: `${origin}/api/echo`,
      method: "PATCH",
      contentType: "application/x-www-form-urlencoded",
      headers: [{ name: "X-Title", value: "{{$context.data.title}}\n" }, { name: "Content-Type", value: "text/html" }],
      params: [{ name: "q", value: "{{$context.data.title}}" }],
      data: [{ name: "a", value: "{{$context.data.title}}" }],
      onlyData: true,
    };
    const h = await run(config, sync);
    expect(requestJob(h).result).toMatchObject({
      method: "PATCH",
      query: { q: "t1" },
      headers: { "x-title": "t1", "content-type": "application/x-www-form-urlencoded" },
      body: "a=t1",
    });
  });

  it("400: FAILED with exactly NocoBase's error result; the execution FAILED", async () => {
    const h = await run({ url: `${origin}/api/400`, method: "GET" }, sync);
    expect(h.execution().status).toBe(E.FAILED);
    expect(h.jobs().map((j) => [j.status, j.result])).toEqual([
      [J.FAILED, { message: "Request failed with status code 400", code: "ERR_BAD_REQUEST", status: 400, statusText: "Bad Request", data: "Bad Request" }],
    ]);
  });

  it("400 with ignoreFail: RESOLVED with the same result, and the chain goes on", async () => {
    const h = await run({ url: `${origin}/api/400`, method: "GET", ignoreFail: true }, sync);
    expect(h.execution().status).toBe(E.RESOLVED);
    expect(requestJob(h)).toMatchObject({ status: J.RESOLVED, result: { status: 400, code: "ERR_BAD_REQUEST" } });
  });

  it("a timeout: ABORTED with {code: ECONNABORTED, message}, no stack, name or config", async () => {
    const h = await run({ url: `${origin}/api/timeout`, method: "GET", timeout: 250 }, sync);
    expect(h.execution().status).toBe(E.ABORTED);
    expect(h.jobs().map((j) => [j.status, j.result])).toEqual([[J.ABORTED, { code: "ECONNABORTED", message: "timeout of 250ms exceeded" }]]);
  });

  it("a timeout with ignoreFail: RESOLVED with the same error", async () => {
    const h = await run({ url: `${origin}/api/timeout`, method: "GET", timeout: 250, ignoreFail: true }, sync);
    expect(h.execution().status).toBe(E.RESOLVED);
    expect(requestJob(h)).toMatchObject({ status: J.RESOLVED, result: { code: "ECONNABORTED", message: "timeout of 250ms exceeded" } });
  });

  it("the connection closed without an answer: FAILED with {code: ECONNRESET, message: 'socket hang up'}", async () => {
    const h = await run({ url: `${origin}/api/end`, method: "GET" }, sync);
    expect(h.jobs().map((j) => [j.status, j.result])).toEqual([[J.FAILED, { code: "ECONNRESET", message: "socket hang up" }]]);
  });

  it("no URL: FAILED with {message: 'Invalid URL', code: 'ERR_INVALID_URL'}", async () => {
    const h = await run({ method: "GET" }, sync);
    expect(h.jobs().map((j) => [j.status, j.result])).toEqual([[J.FAILED, { message: "Invalid URL", code: "ERR_INVALID_URL" }]]);
  });

  it("a private address under the default policy: FAILED as blocked, RESOLVED with ignoreFail", async () => {
    const byDefault: OutboundPolicy = { settingNames };
    const h = await run({ url: `${origin}/api/data`, method: "GET" }, sync, byDefault);
    expect(requestJob(h).status).toBe(J.FAILED);
    expect(requestJob(h).result).toEqual({ code: "EHOSTBLOCKED", message: expect.stringMatching(/is blocked: a loopback address/) });
    const ignored = await run({ url: `${origin}/api/data`, method: "GET", ignoreFail: true }, sync, byDefault);
    expect(requestJob(ignored)).toMatchObject({ status: J.RESOLVED, result: { code: "EHOSTBLOCKED" } });
  });
});

describe("request node, async workflow: the answer resumes the pending job", () => {
  it("the run saves a PENDING job with a timer past the request's timeout, and the answer cancels the timer and resumes the job", async () => {
    const h = harnessOf({ url: `${origin}/api/data`, method: "GET", timeout: 1_000 }, false);
    await h.trigger({ context: post });
    await runNext(h);
    expect(h.execution().status).toBe(E.STARTED);
    const pending = requestJob(h);
    expect(pending).toMatchObject({ status: J.PENDING, result: null });
    expect(h.queue.map((q) => [q.item, q.dueAt - h.now()])).toEqual([[{ kind: WORK.delay, args: { executionId: h.execution().id, jobId: String(pending.id) } }, 1_000 + LOST_ANSWER_GRACE_MS]]);
    await h.drain(0);
    expect(h.execution().status).toBe(E.RESOLVED);
    expect(h.jobs().map((j) => [j.nodeKey, j.status])).toEqual([
      ["req", J.RESOLVED],
      ["after", J.RESOLVED],
    ]);
    expect(h.queue).toEqual([]);
  });

  it("an answer that arrives after the execution was cancelled is discarded", async () => {
    const h = harnessOf({ url: `${origin}/api/timeout`, method: "GET", timeout: 250 }, false);
    await h.trigger({ context: post });
    await runNext(h);
    cancelExecution(h.rt);
    await h.drain();
    expect(h.execution().status).toBe(E.ABORTED);
    expect(h.jobs().map((j) => [j.nodeKey, j.status, j.result])).toEqual([["req", J.ABORTED, null]]);
  });

  it("when the timer fires first (the answer was lost), the job FAILS, RESOLVED with ignoreFail; a late answer is discarded", async () => {
    for (const ignoreFail of [false, true]) {
      const h = harnessOf({ url: `${origin}/api/timeout`, method: "GET", timeout: 250, ignoreFail }, false);
      await h.trigger({ context: post });
      await runNext(h);
      await runNext(h); // the timer, while the request is still in flight
      const lost = { code: "ECONNRESET", message: "the request's answer was lost: the run restarted while the request was in flight" };
      expect(requestJob(h)).toMatchObject({ status: ignoreFail ? J.RESOLVED : J.FAILED, result: lost });
      const ended = h.execution().status;
      expect(ended).toBe(ignoreFail ? E.RESOLVED : E.FAILED);
      await h.drain();
      expect(h.execution().status).toBe(ended);
      expect(requestJob(h)).toMatchObject({ result: lost });
      expect(h.jobs()).toHaveLength(ignoreFail ? 2 : 1);
    }
  });
});

describe("request config validation", () => {
  it("accepts what NocoBase's schema accepts, templates and unknown keys included", () => {
    for (const config of [{}, { url: "{{$env.HOST}}/api" }, { url: "not-a-valid-url" }, { url: "http://x", method: "POST", contentType: "text/plain", data: "x", timeout: 1, extra: 1 }]) {
      expect(request.validateConfig!(config)).toBeNull();
    }
  });

  it("refuses with Joi's messages", () => {
    expect(
      request.validateConfig!({ url: 1, method: "INVALID", contentType: "invalid", headers: [{ name: "a", value: 1 }, "x"], params: {}, data: 5, timeout: 1.5, ignoreFail: "yes", onlyData: 1 }),
    ).toEqual({
      url: '"url" must be a string',
      method: '"method" must be one of [GET, POST, PUT, PATCH, DELETE]',
      contentType: '"contentType" must be one of [application/json, application/x-www-form-urlencoded, multipart/form-data, application/xml, text/plain]',
      "headers.0.value": '"headers[0].value" must be a string',
      "headers.1": '"headers[1]" must be of type object',
      params: '"params" must be an array',
      data: '"data" must be one of [object, array, string]',
      timeout: '"timeout" must be an integer',
      ignoreFail: '"ignoreFail" must be a boolean',
      onlyData: '"onlyData" must be a boolean',
    });
    expect(request.validateConfig!({ url: "", timeout: 0 })).toEqual({ url: '"url" is not allowed to be empty', timeout: '"timeout" must be a positive number' });
  });
});
