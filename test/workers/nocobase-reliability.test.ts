import { beforeAll, describe, expect, inject, it } from "vitest";
import { NOCOBASE_EXTRA_INSTRUCTIONS } from "../fixtures/nocobase-instructions";
import { api, uploadOk } from "./helpers";
import { execute, execution, jobRows, jobStatusHistory, postSigned, runToEnd, saveWorkflow, settled, waitFor, workflowProject, type NodeSpec } from "./workflow-harness";

/**
 * Issue 8's reliability points for NocoBase workflows over HTTP: a pending job resumed by many concurrent
 * deliveries resumes once; custom instruction scripts that break the sandbox's limits end as ERROR jobs under
 * NocoBase's rules; and bad input on every workflow route answers a 4xx JSON error and stores nothing.
 */

const STARTED = 0;
const RESOLVED = 1;
const ERROR = -2;
const CONCURRENT = 100;

let project: string;
beforeAll(async () => {
  project = await workflowProject();
  for (const [path, source] of Object.entries(NOCOBASE_EXTRA_INSTRUCTIONS)) await uploadOk(project, path, source);
});

const PROMPT: NodeSpec = { key: "n1", type: "prompt" };

/** Starts `prompt` → echo and answers the execution suspended at the prompt's pending job. */
async function suspended(prompt = PROMPT): Promise<{ id: string; jobId: number; resumeUrl: string }> {
  const key = await saveWorkflow(project, [prompt, { key: "n2", type: "echo", upstream: "n1" }]);
  const { id } = await execute(project, key);
  const e = await waitFor(project, id, (x) => x.jobs.length === 1);
  expect(e.status).toBe(STARTED);
  return { id, jobId: e.jobs[0].id, resumeUrl: e.jobs[0].resumeUrl };
}

/** How many answers had each status, e.g. `{202: 1, 409: 99}`. */
const countStatuses = (replies: { status: number }[]) => replies.reduce<Record<number, number>>((n, r) => ({ ...n, [r.status]: (n[r.status] ?? 0) + 1 }), {});

/** The execution ran the prompt's resume once: the job changed status once, and the downstream ran once. */
async function expectResumedOnce(id: string, jobId: number, result: unknown) {
  const done = await waitFor(project, id, settled);
  expect(done.status).toBe(RESOLVED);
  expect(jobRows(done)).toEqual([["n1", 1, result], ["n2", 1, result]]);
  expect(await jobStatusHistory(project, id, jobId)).toEqual([0, 1]);
}

// A resume that awaits I/O (here the instruction's own fetch; in production also a cold start loading the scripts)
// lets the other deliveries reach the execution's object while the job is still PENDING.
const prompts: [string, NodeSpec][] = [
  ["a prompt", PROMPT],
  ["a prompt whose resume awaits I/O", { key: "n1", type: "confirmedPrompt", config: { url: `${inject("requestMock").origin}/api/data` } }],
];
for (const [name, prompt] of prompts) {
  describe(`${CONCURRENT} concurrent resumes of one pending job: ${name}`, () => {
    it("through the resume route: one 202, the rest 409 invalid_operation; resumed once, with the accepted body", async () => {
      const { id, jobId } = await suspended(prompt);
      const replies = await Promise.all(
        Array.from({ length: CONCURRENT }, (_, i) => api("POST", `/v1/projects/${project}/executions/${id}/jobs/${jobId}/resume`, { json: { status: 1, result: i } })),
      );
      expect(countStatuses(replies)).toEqual({ 202: 1, 409: CONCURRENT - 1 });
      for (const refused of replies.filter((r) => r.status === 409)) expect(refused.body.error.code).toBe("invalid_operation");
      await expectResumedOnce(id, jobId, replies.findIndex((r) => r.status === 202));
    });

    it("through the signed resumeUrl, as distinct deliveries: one 202, the rest 409; resumed once, with the accepted body", async () => {
      const { id, jobId, resumeUrl } = await suspended(prompt);
      const replies = await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => postSigned(resumeUrl, { result: i })));
      expect(countStatuses(replies)).toEqual({ 202: 1, 409: CONCURRENT - 1 });
      await expectResumedOnce(id, jobId, replies.findIndex((r) => r.status === 202));
    });
  });
}

describe("custom instruction scripts past the sandbox's limits", () => {
  it("a script that loops forever ends as an ERROR job carrying cpu_budget_exceeded; the execution is ERROR", async () => {
    const e = await runToEnd(project, [{ key: "n1", type: "spin" }, { key: "n2", type: "echo", upstream: "n1" }]);
    expect(e.status).toBe(ERROR);
    expect(e.jobs).toHaveLength(1);
    expect(e.jobs[0]).toMatchObject({ nodeKey: "n1", status: ERROR, result: { code: "cpu_budget_exceeded" } });
    expect(e.jobs[0].result.message).toMatch(/CPU budget/);
  });

  it("a script that allocates without bound ends as an ERROR job carrying memory_limit_exceeded; the execution is ERROR", async () => {
    const e = await runToEnd(project, [{ key: "n1", type: "hog" }, { key: "n2", type: "echo", upstream: "n1" }]);
    expect(e.status).toBe(ERROR);
    expect(e.jobs).toHaveLength(1);
    expect(e.jobs[0]).toMatchObject({ nodeKey: "n1", status: ERROR, result: { code: "memory_limit_exceeded" } });
  });

  it("inside parallel allSettled branches the others still run, and the execution resolves", async () => {
    const e = await runToEnd(project, [
      { key: "n1", type: "parallel", config: { mode: "allSettled" } },
      { key: "spin", type: "spin", upstream: "n1", branchIndex: 0 },
      { key: "hog", type: "hog", upstream: "n1", branchIndex: 1 },
      { key: "echo", type: "echoVariable", upstream: "n1", branchIndex: 2, config: { variable: "still here" } },
      { key: "after", type: "echo", upstream: "n1" },
    ]);
    expect(e.status).toBe(RESOLVED);
    expect(e.jobs.map((j: any) => [j.nodeKey, j.status, j.result?.code ?? j.result])).toEqual([
      ["n1", 1, [ERROR, ERROR, 1]],
      ["spin", ERROR, "cpu_budget_exceeded"],
      ["hog", ERROR, "memory_limit_exceeded"],
      ["echo", 1, "still here"],
      ["after", 1, [ERROR, ERROR, 1]],
    ]);
  });
});

describe("bad input on the workflow routes: a 4xx JSON error, and nothing stored", () => {
  const workflowPath = (key: string) => `/v1/projects/${project}/workflows/${key}`;
  const good = { trigger: { type: "manual" }, nodes: [{ key: "n1", type: "echo" }] };
  /** The answer is `{error: {code, message}}` with `status`. */
  const expectError = (reply: { status: number; body: any }, status: number) => {
    expect(reply.status).toBe(status);
    expect(reply.body).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
  };

  it("PUT /workflows/{key}: each invalid definition is refused with 400 and the current version stays", async () => {
    const key = "bad-put";
    expect((await api("PUT", workflowPath(key), { json: good })).status).toBe(201);
    const before = (await api("GET", workflowPath(key))).body;
    const node = (extra: Partial<NodeSpec>): NodeSpec => ({ key: "n2", type: "echo", upstream: "n1", ...extra });
    const invalid: [string, { json?: unknown; body?: string; headers?: Record<string, string> }][] = [
      ["not JSON", { body: "{nodes: [", headers: { "Content-Type": "application/json" } }],
      ["an unknown field", { json: { ...good, extra: 1 } }],
      ["no trigger", { json: { nodes: good.nodes } }],
      ["an unknown trigger type", { json: { ...good, trigger: { type: "collection" } } }],
      ["a negative timeout", { json: { ...good, options: { timeout: -1 } } }],
      ["nodes not a list", { json: { ...good, nodes: { n1: { type: "echo" } } } }],
      ["a node without a type", { json: { ...good, nodes: [{ key: "n1" }] } }],
      ["two heads", { json: { ...good, nodes: [...good.nodes, node({ upstream: null })] } }],
      ["no head (a cycle)", { json: { ...good, nodes: [{ key: "n1", type: "echo", upstream: "n2" }, node({})] } }],
      ["an unknown upstream", { json: { ...good, nodes: [...good.nodes, node({ upstream: "nope" })] } }],
      ["two downstreams", { json: { ...good, nodes: [...good.nodes, node({}), node({ key: "n3" })] } }],
      ["a duplicate node key", { json: { ...good, nodes: [...good.nodes, node({ key: "n1" })] } }],
      ["an unknown node type", { json: { ...good, nodes: [...good.nodes, node({ type: "nope" })] } }],
      ["a config its instruction rejects", { json: { ...good, nodes: [...good.nodes, node({ type: "end", config: { endStatus: 99 } })] } }],
      ["an async node in a sync workflow", { json: { ...good, sync: true, nodes: [...good.nodes, node({ type: "delay", config: { duration: 1 } })] } }],
      ["a variable no node offers", { json: { ...good, nodes: [...good.nodes, node({ type: "echoVariable", config: { variable: "{{$jobsMapByNodeKey.nope}}" } })] } }],
    ];
    for (const [name, request] of invalid) {
      const reply = await api("PUT", workflowPath(key), request);
      expect.soft(reply.status, name).toBe(400);
      expect.soft(reply.body?.error?.code, name).toEqual(expect.any(String));
    }
    const after = (await api("GET", workflowPath(key))).body;
    expect(after).toEqual(before);
    expect(after.versions).toHaveLength(1);
    // A bad key in the path, and a key never saved.
    expectError(await api("PUT", workflowPath("bad key!"), { json: good }), 400);
    expectError(await api("GET", workflowPath("never-saved")), 404);
    expectError(await api("GET", `${workflowPath(key)}?version=abc`), 400);
    expectError(await api("GET", `${workflowPath(key)}?version=99`), 404);
    expectError(await api("DELETE", workflowPath("never-saved")), 404);
  });

  it("POST /workflows/{key}/execute: a bad body is 400 and starts nothing; an unknown workflow is 404", async () => {
    const key = await saveWorkflow(project, good.nodes);
    const bodies: [string, { json?: unknown; body?: string; headers?: Record<string, string> }][] = [
      ["not JSON", { body: "{", headers: { "Content-Type": "application/json" } }],
      ["an unknown field", { json: { context: {}, start: true } }],
      ["an empty eventKey", { json: { eventKey: "" } }],
      ["a numeric eventKey", { json: { eventKey: 5 } }],
      ["not an object", { json: [1, 2] }],
    ];
    for (const [name, request] of bodies) {
      const reply = await api("POST", `${workflowPath(key)}/execute`, request);
      expect.soft(reply.status, name).toBe(400);
      expect.soft(reply.body?.error?.code, name).toEqual(expect.any(String));
    }
    expect((await api("GET", `${workflowPath(key)}/executions`)).body.executions).toEqual([]);
    expect((await api("GET", workflowPath(key))).body.executed).toBe(0);
    expectError(await api("POST", `${workflowPath("never-saved")}/execute`, { json: {} }), 404);
  });

  it("POST /executions/{id}/jobs/{jobId}/resume: a bad body is 400 (route and signed URL) and the job stays pending; unknown ids are 404", async () => {
    const { id, jobId, resumeUrl } = await suspended();
    const resumePath = `/v1/projects/${project}/executions/${id}/jobs/${jobId}/resume`;
    const bodies: [string, { json?: unknown; body?: string; headers?: Record<string, string> }][] = [
      ["not JSON", { body: "{", headers: { "Content-Type": "application/json" } }],
      ["a string status", { json: { status: "1" } }],
      ["a fractional status", { json: { status: 1.5 } }],
      ["an unknown field", { json: { status: 1, note: "x" } }],
    ];
    for (const [name, request] of bodies) {
      const viaRoute = await api("POST", resumePath, request);
      expect.soft(viaRoute.status, `route: ${name}`).toBe(400);
      expect.soft(viaRoute.body?.error?.code, `route: ${name}`).toEqual(expect.any(String));
      const viaUrl = await api("POST", new URL(resumeUrl).pathname, { ...request, token: null });
      expect.soft(viaUrl.status, `signed URL: ${name}`).toBe(400);
      expect.soft(viaUrl.body?.error?.code, `signed URL: ${name}`).toEqual(expect.any(String));
    }
    const still = await execution(project, id);
    expect(still.status).toBe(STARTED);
    expect(jobRows(still)).toEqual([["n1", 0, null]]);
    expect(await jobStatusHistory(project, id, jobId)).toEqual([0]);

    const unknownExecution = `e${"0".repeat(32)}`;
    expectError(await api("POST", `/v1/projects/${project}/executions/${id}/jobs/999999/resume`, { json: {} }), 404);
    expectError(await api("POST", `/v1/projects/${project}/executions/${id}/jobs/abc/resume`, { json: {} }), 400);
    expectError(await api("POST", `/v1/projects/${project}/executions/${unknownExecution}/jobs/${jobId}/resume`, { json: {} }), 404);
    expectError(await api("POST", `/v1/projects/${project}/executions/not-an-id/jobs/${jobId}/resume`, { json: {} }), 400);
    // The job is still pending, and resumes normally.
    expect((await postSigned(resumeUrl, { result: "ok" })).status).toBe(202);
    await expectResumedOnce(id, jobId, "ok");
  });

  it("the other execution routes: unknown ids are 404, a bad rerun body 400, and nothing changes", async () => {
    const { id, jobId } = await suspended();
    const executionPath = (x: string) => `/v1/projects/${project}/executions/${x}`;
    const unknown = `e${"f".repeat(32)}`;
    expectError(await api("GET", executionPath(unknown)), 404);
    expectError(await api("GET", `${executionPath(unknown)}/events`), 404);
    expectError(await api("GET", `${executionPath(unknown)}/tasks`), 404);
    expectError(await api("POST", `${executionPath(unknown)}/cancel`), 404);
    expectError(await api("POST", `${executionPath(unknown)}/rerun`, { json: {} }), 404);
    expectError(await api("POST", `${executionPath(id)}/rerun`, { json: { nodeKey: 5 } }), 400);
    expectError(await api("POST", `${executionPath(id)}/rerun`, { json: { nodeKey: "nope" } }), 404);
    expectError(await api("GET", `${executionPath(id)}/events?after=x`), 400);
    const still = await execution(project, id);
    expect(still.status).toBe(STARTED);
    expect(jobRows(still)).toEqual([["n1", 0, null]]);
    expect(await jobStatusHistory(project, id, jobId)).toEqual([0]);
  });
});
