/**
 * NocoBase workflows against `npm start` (workerd on the built bundle, SQLite on local disk): async executions whose
 * delays, queue and pending jobs survive workerd being killed, and a manual node submitted through its task URLs.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NOCOBASE_TEST_INSTRUCTIONS } from "../fixtures/nocobase-instructions";
import { createProject, pollUntil, request, startServer, type Server } from "./server";

const RESOLVED = 1;
const PENDING = 0;

let server: Server;
let project: string;
let token: string;

beforeAll(async () => {
  server = await startServer();
  ({ project, token } = await createProject(server, "flows", NOCOBASE_TEST_INSTRUCTIONS));
});
afterAll(async () => {
  await server?.stop();
});

const call = (method: string, path: string, json?: unknown) =>
  request(server, method, `/v1/projects/${project}${path}`, json === undefined ? { token } : { token, json });

/** POSTs a signed URL (no API key) to this server: the URL's origin is the one the link was made for. */
const postSigned = (url: string, json: unknown) => request(server, "POST", new URL(url).pathname, { token: null, json });

async function saveWorkflow(key: string, nodes: unknown[]): Promise<void> {
  const saved = await call("PUT", `/workflows/${key}`, { trigger: { type: "manual" }, nodes });
  expect(saved.status, JSON.stringify(saved.body)).toBe(201);
}

async function executeAsync(key: string, context: unknown = {}): Promise<string> {
  const started = await call("POST", `/workflows/${key}/execute`, { context });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  return started.body.execution.id;
}

/** Polls an execution until `done`, tolerating a server that is restarting. */
const waitForExecution = (id: string, done: (e: any) => boolean) => pollUntil(server, `execution ${id}`, () => call("GET", `/executions/${id}`), done);

const settled = (e: any) => e.status !== null && e.status !== PENDING;
const shape = (e: any) => e.jobs.map((j: any) => [j.nodeKey, j.status]);

describe("a kill of the server during async executions loses nothing", () => {
  it("a delay armed before the kill fires after it; queued executions run; a pending job is resumed through its resumeUrl", async () => {
    await saveWorkflow("wait", [
      { key: "pause", type: "delay", config: { duration: 2, unit: 1000 } },
      { key: "after", type: "echoVariable", upstream: "pause", config: { variable: "{{$context.n}}" } },
    ]);
    await saveWorkflow("ask", [
      { key: "question", type: "prompt" },
      { key: "answer", type: "echo", upstream: "question" },
    ]);

    const delayed = await executeAsync("wait", { n: 0 });
    const asked = await executeAsync("ask");
    const armed = await waitForExecution(delayed, (e) => e.jobs.length === 1);
    expect(shape(armed)).toEqual([["pause", PENDING]]);
    const waiting = await waitForExecution(asked, (e) => e.jobs.length === 1);
    const resumeUrl = waiting.jobs[0].resumeUrl as string;
    expect(resumeUrl).toContain("/v1/signed/");
    // Queued just before the kill: some may not have started when workerd dies.
    const queued = await Promise.all([1, 2, 3, 4, 5].map((n) => executeAsync("wait", { n })));

    await server.crashAndRestart();

    const resumed = await postSigned(resumeUrl, { result: "after the restart" });
    expect(resumed.status, JSON.stringify(resumed.body)).toBe(202);
    const answered = await waitForExecution(asked, settled);
    expect(answered.status).toBe(RESOLVED);
    expect(answered.jobs.map((j: any) => [j.nodeKey, j.status, j.result])).toEqual([
      ["question", RESOLVED, "after the restart"],
      ["answer", RESOLVED, "after the restart"],
    ]);

    for (const [n, id] of [delayed, ...queued].entries()) {
      const done = await waitForExecution(id, settled);
      expect(done.status, id).toBe(RESOLVED);
      expect(done.jobs.map((j: any) => [j.nodeKey, j.status, j.result])).toEqual([
        ["pause", RESOLVED, 2000],
        ["after", RESOLVED, n],
      ]);
    }
  });
});

describe("a manual node over its task URLs", () => {
  it("gives each assignee a signed task URL; a bad submission is 400, countersign resolves once all submit, a late one is 400", async () => {
    await saveWorkflow("approve", [
      { key: "review", type: "manual", config: { assignees: ["{{$context.owner}}", "legal"], mode: 1, forms: { f1: { type: "custom", actions: [{ status: RESOLVED, key: "resolve", values: { by: "{{$user.id}}" } }] } } } },
      { key: "done", type: "echo", upstream: "review" },
    ]);
    const id = await executeAsync("approve", { owner: "ana" });
    await waitForExecution(id, (e) => e.jobs.length === 1 && e.jobs[0].status === PENDING);
    const listed = await call("GET", `/executions/${id}/tasks`);
    expect(listed.status).toBe(200);
    const tasks = listed.body as any[];
    expect(tasks.map((t) => [t.nodeKey, t.assignee, t.status])).toEqual([
      ["review", "ana", PENDING],
      ["review", "legal", PENDING],
    ]);
    expect(new Set(tasks.map((t) => t.url)).size).toBe(2);

    const bad = await postSigned(tasks[0].url, { values: "approve" });
    expect(bad.status).toBe(400);
    expect((await call("GET", `/executions/${id}/tasks`)).body.map((t: any) => t.status)).toEqual([PENDING, PENDING]);

    const first = await postSigned(tasks[0].url, { values: { result: { f1: { ok: true }, _: "resolve" } } });
    expect(first.status, JSON.stringify(first.body)).toBe(202);
    const half = await waitForExecution(id, () => true);
    expect(half.status).toBe(PENDING);
    const second = await postSigned(tasks[1].url, { values: { result: { f1: { ok: true }, _: "resolve" } } });
    expect(second.status, JSON.stringify(second.body)).toBe(202);
    const done = await waitForExecution(id, settled);
    expect(done.status).toBe(RESOLVED);
    const decided = (await call("GET", `/executions/${id}/tasks`)).body as any[];
    expect(decided.map((t) => [t.status, t.result])).toEqual([
      [RESOLVED, { f1: { ok: true, by: "ana" }, _: "resolve" }],
      [RESOLVED, { f1: { ok: true, by: "legal" }, _: "resolve" }],
    ]);
    expect(shape(done)).toEqual([
      ["review", RESOLVED],
      ["done", RESOLVED],
    ]);
    const again = await postSigned(tasks[1].url, { values: { result: { f1: { ok: false }, _: "resolve" } } });
    expect(again.status).toBe(400);
  });
});
