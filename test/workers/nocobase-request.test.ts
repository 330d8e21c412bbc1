import { beforeAll, describe, expect, inject, it } from "vitest";
import { api } from "./helpers";
import { execute, holds, jobStatusHistory, saveWorkflow, settled, waitFor, workflowProject, type NodeSpec } from "./workflow-harness";

/**
 * nocobase-scenarios.md S22: the `request` node over HTTP, on execution Durable Objects, against the mock server of
 * test/global-setup. The mock listens on 127.0.0.1, so the projects that reach it allow the private network.
 */

const { origin, port } = inject("requestMock");

let open: string;
beforeAll(async () => {
  open = await workflowProject({ workflows: { allowPrivateNetwork: true } });
});

const requestNode = (config: Record<string, unknown>): NodeSpec[] => [
  { key: "req", type: "request", config },
  { key: "after", type: "echo", upstream: "req" },
];

/** Runs a one-request async workflow to its end and answers the execution. */
async function ran(project: string, config: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<any> {
  const key = await saveWorkflow(project, requestNode(config), extra);
  const { id } = await execute(project, key, { context: { data: { title: "t1" } } });
  return waitFor(project, id, settled);
}

describe("S22 request node (async workflow)", () => {
  it.each([
    ["GET /api/data", { url: `${origin}/api/data`, method: "GET" }, 1, { status: 200, statusText: "OK", data: { meta: {}, data: {} } }],
    ["GET /api/data, onlyData", { url: `${origin}/api/data`, method: "GET", onlyData: true }, 1, { meta: {}, data: {} }],
    ["POST /api/data with a templated body", { url: `${origin}/api/data`, method: "POST", data: { title: "{{$context.data.title}}" } }, 1, { data: { data: { title: "t1" } } }],
    ["GET /api/400, ignoreFail", { url: `${origin}/api/400`, method: "GET", ignoreFail: true }, 1, { status: 400 }],
    ["GET /api/timeout, timeout 250, ignoreFail", { url: `${origin}/api/timeout`, method: "GET", timeout: 250, ignoreFail: true }, 1, { code: "ECONNABORTED", message: "timeout of 250ms exceeded" }],
  ])("%s → job %i", async (_title, config, jobStatus, result) => {
    const execution = await ran(open, config);
    const job = execution.jobs[0];
    expect(job).toMatchObject({ nodeKey: "req", status: jobStatus, result });
    expect(job.result).not.toHaveProperty("config");
    expect(execution.status).toBe(1);
    expect(execution.jobs.map((j: any) => j.nodeKey)).toEqual(["req", "after"]);
  });

  it.each([
    ["GET /api/400", { url: `${origin}/api/400`, method: "GET" }, -1, { message: "Request failed with status code 400", code: "ERR_BAD_REQUEST", status: 400, statusText: "Bad Request", data: "Bad Request" }],
    ["GET /api/timeout, timeout 250", { url: `${origin}/api/timeout`, method: "GET", timeout: 250 }, -3, { code: "ECONNABORTED", message: "timeout of 250ms exceeded" }],
    ["GET /api/end (socket closed)", { url: `${origin}/api/end`, method: "GET" }, -1, { code: "ECONNRESET", message: "socket hang up" }],
  ])("%s → job %i with exactly the error result, and the execution ends with it", async (_title, config, jobStatus, result) => {
    const execution = await ran(open, config);
    expect(execution.status).toBe(jobStatus);
    expect(execution.jobs.map((j: any) => [j.nodeKey, j.status, j.result])).toEqual([["req", jobStatus, result]]);
  });

  it("the job is PENDING until the answer resumes it", async () => {
    const execution = await ran(open, { url: `${origin}/api/data`, method: "GET" });
    expect(await jobStatusHistory(open, execution.id, execution.jobs[0].id)).toEqual([0, 1]);
  });

  it("workflow timeout: the execution and the pending job end ABORTED, and the late answer is discarded", async () => {
    const key = await saveWorkflow(open, requestNode({ url: `${origin}/api/timeout`, method: "GET", timeout: 5_000 }), { options: { timeout: 1_000 } });
    const { id } = await execute(open, key);
    const started = await waitFor(open, id, (e) => e.status === 0 && e.jobs[0]?.status === 0);
    expect(started.expiresAt).not.toBeNull();
    const aborted = await waitFor(open, id, (e) => e.status === -3);
    expect(aborted.jobs.map((j: any) => j.status)).toEqual([-3]);
    // The mock answers 2 s after the request was sent: watch until well after that.
    await holds(open, id, Date.parse(started.startedAt) + 2_500, (e) => {
      expect(e.status).toBe(-3);
      expect(e.jobs.map((j: any) => j.status)).toEqual([-3]);
    });
  });
});

describe("S22 request node (sync workflow)", () => {
  it("runs inline: the execution is final when execute answers", async () => {
    const key = await saveWorkflow(open, requestNode({ url: `${origin}/api/data`, method: "POST", data: { title: "{{$context.data.title}}" } }), { sync: true });
    const { reply } = await execute(open, key, { context: { data: { title: "t1" } } });
    expect(reply.execution.status).toBe(1);
    expect(reply.execution.jobs.map((j: any) => [j.nodeKey, j.status])).toEqual([
      ["req", 1],
      ["after", 1],
    ]);
    expect(reply.execution.jobs[0].result).toMatchObject({ status: 200, data: { data: { title: "t1" } } });
  });

  it("a timeout inline: job and execution ABORTED", async () => {
    const key = await saveWorkflow(open, requestNode({ url: `${origin}/api/timeout`, method: "GET", timeout: 250 }), { sync: true });
    const { reply } = await execute(open, key);
    expect(reply.execution.status).toBe(-3);
    expect(reply.execution.jobs.map((j: any) => [j.status, j.result])).toEqual([[-3, { code: "ECONNABORTED", message: "timeout of 250ms exceeded" }]]);
  });
});

describe("request node host rules (project settings workflows.requestHosts, workflows.allowPrivateNetwork)", () => {
  it("refuses private addresses by default: the job FAILS as blocked", async () => {
    const project = await workflowProject();
    for (const url of [`${origin}/api/data`, "http://169.254.169.254/latest/meta-data/", `http://localhost:${port}/api/data`]) {
      const execution = await ran(project, { url, method: "GET" });
      expect(execution.status).toBe(-1);
      expect(execution.jobs[0].result).toEqual({ code: "EHOSTBLOCKED", message: expect.stringContaining("set workflows.allowPrivateNetwork to reach private networks") });
    }
  });

  it("reaches only the listed hosts when requestHosts is set", async () => {
    const project = await workflowProject({ workflows: { allowPrivateNetwork: true, requestHosts: [`127.0.0.1:${port}`] } });
    expect((await ran(project, { url: `${origin}/api/data`, method: "GET" })).status).toBe(1);
    const elsewhere = await ran(project, { url: `${origin}/api/redirect?to=${encodeURIComponent(`http://localhost:${port}/api/data`)}`, method: "GET" });
    expect(elsewhere.status).toBe(-1);
    expect(elsewhere.jobs[0].result).toEqual({ code: "EHOSTBLOCKED", message: `Outbound request to localhost:${port} is blocked: the host is not in workflows.requestHosts` });
  });
});

describe("request node config", () => {
  it("is refused with a 400 naming the node when NocoBase's schema refuses it", async () => {
    const reply = await api("PUT", `/v1/projects/${open}/workflows/bad-request`, {
      json: { trigger: { type: "manual" }, nodes: [{ key: "req", type: "request", config: { url: "http://x", method: "FETCH", timeout: -1 } }] },
    });
    expect(reply.status).toBe(400);
    expect(reply.body.error.nodes).toEqual(["req"]);
    expect(reply.body.error.message).toMatch(/"method" must be one of/);
    expect(reply.body.error.message).toMatch(/"timeout" must be a positive number/);
  });
});
