/**
 * Recorded hook calls and replay against the real runtime: a Fireboom function that fails is recorded, listed and
 * fetched; a fixed version replays it successfully and the old version fails again; a hook that calls Fireboom's
 * internal API (a stub here) replays without calling it unless live. Also `hookflow invocations` and
 * `hookflow replay` as real child processes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CR_POST, REQUEST_ID, USER } from "../fixtures/fireboom";
import { runCli } from "./cli-runner";
import { hookProject, type HookProject } from "./fireboom-project";
import { pollUntil, request, startServer, startStub, type Server, type Stub } from "./server";

const BODY = { __wg: { user: USER, clientRequest: CR_POST }, input: { title: "hi" }, cycleCounter: 1 };
const INTERNAL_ANSWER = { data: { Todo_findFirstTodo: { id: 1, title: "hello" } } };

let server: Server;
let stub: Stub;

beforeAll(async () => {
  stub = await startStub(() => ({ body: INTERNAL_ANSWER }));
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
  await stub?.close();
});

let projects = 0;
const newProject = (scripts: Record<string, string>, settings?: Record<string, unknown>) =>
  hookProject(server, `inv-${Date.now().toString(36)}-${projects++}`, scripts, settings);

/** Fireboom's POST to one of the project's hook routes. */
async function callHook(project: HookProject, route: string, body: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${project.fireboomBaseUrl.replace(/^https?:\/\/[^/]+/, server.url)}/${route}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Request-Id": REQUEST_ID },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** The project's recorded calls once there are `count` (they are written after the hook's reply). */
const recorded = (project: HookProject, count: number) =>
  pollUntil(server, `${count} recorded calls of ${project.project}`, () => request(server, "GET", `/v1/projects/${project.project}/invocations`), (body) => body.invocations.length >= count);

const replay = (project: HookProject, id: string, json: Record<string, unknown> = {}) =>
  request(server, "POST", `/v1/projects/${project.project}/invocations/${id}/replay`, { json });

const cli = (project: HookProject, args: string[]) =>
  runCli(args, { HOOKFLOW_URL: server.url, HOOKFLOW_PROJECT: project.project, HOOKFLOW_TOKEN: server.adminToken }, { timeoutMs: 50_000 });

describe("a failing hook, recorded and replayed", () => {
  it("is listed and fetched; replayed against the fixed version it succeeds, against the old one it fails again", async () => {
    const project = await newProject({ "function/createTodo": "export default (ctx) => { if (ctx.input.title.length < 3) throw new Error('title too short'); return { data: ctx.input }; }" });
    const failed = await callHook(project, "function/createTodo", BODY);
    expect(failed.status).toBe(500);
    expect(failed.body).toEqual({ hook: "function", error: "title too short" });

    const { invocations } = await recorded(project, 1);
    const [summary] = invocations;
    expect(summary).toMatchObject({ path: "function/createTodo", version: 1, outcome: "error", errorCode: "script_error" });
    const detail = await request(server, "GET", `/v1/projects/${project.project}/invocations/${summary.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.args).toMatchObject({ input: { title: "hi" }, clientRequest: { headers: { Authorization: "[redacted]", "X-Request-Id": REQUEST_ID } } });
    expect(detail.body.outcome).toMatchObject({ ok: false, error: { code: "script_error", message: "Error: title too short" } });

    const fixed = await request(server, "PUT", `/v1/projects/${project.project}/scripts/function/createTodo`, {
      script: "export default (ctx) => { ctx.log.info('creating', ctx.input.title); return { data: { title: ctx.input.title.padEnd(3, '!') } }; }",
    });
    expect(fixed.status).toBe(201);
    expect(fixed.body.version).toBe(2);

    const again = await replay(project, summary.id);
    expect(again.status).toBe(200);
    expect(again.body.recorded).toMatchObject({ version: 1, ok: false, error: { code: "script_error", message: "Error: title too short" }, logs: [] });
    expect(again.body.replay).toMatchObject({ version: 2, ok: true, result: { data: { title: "hi!" } }, logs: [{ level: "info", message: "creating hi" }] });

    const old = await replay(project, summary.id, { version: 1 });
    expect(old.status).toBe(200);
    expect(old.body.replay).toMatchObject({ version: 1, ok: false, error: { message: "Error: title too short" } });
    expect((await replay(project, summary.id, { version: 3 })).status).toBe(404);

    // The CLI: the list, a replay that succeeds (exit 0) and one of the old version that fails (exit 1).
    const listed = await cli(project, ["invocations"]);
    expect(listed.stderr).toBe("");
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^${summary.id}  ${summary.recordedAt.replace(/\./g, "\\.")}  error  function/createTodo v1 +\\d+ ms  script_error\\n$`));
    expect((await cli(project, ["invocations", "--outcome", "ok"])).stdout).toBe("no recorded calls\n");

    const replayed = await cli(project, ["replay", summary.id]);
    expect(replayed.stderr).toBe("");
    expect(replayed.code).toBe(0);
    expect(replayed.stdout).toBe(
      ["recorded  v1  error  script_error: Error: title too short", 'replay    v2  ok     {"data":{"title":"hi!"}}', "          info   creating hi", ""].join("\n"),
    );
    const oldReplay = await cli(project, ["replay", summary.id, "--version", "1"]);
    expect(oldReplay.code).toBe(1);
    expect(oldReplay.stdout).toContain("replay    v1  error  script_error: Error: title too short");
    const unknown = await cli(project, ["replay", "no-such-call"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("HTTP 404 not_found");
  });
});

describe("a hook that calls Fireboom's internal API", () => {
  it("replays without calling it, and with live: true calls it again", async () => {
    const project = await newProject(
      { "function/lookup": `export default async (ctx) => ctx.internalClient.operations["Todo/GetOne"]({ id: ctx.input.id });` },
      { fireboom: { internalUrl: stub.url }, invocations: { sampleRate: 1 } },
    );
    const called = await callHook(project, "function/lookup", { ...BODY, input: { id: 1 } });
    expect(called.status).toBe(200);
    expect(called.body).toEqual({ response: INTERNAL_ANSWER });
    expect(stub.requests).toHaveLength(1);

    const [summary] = (await recorded(project, 1)).invocations;
    expect(summary).toMatchObject({ path: "function/lookup", outcome: "ok" });

    const offline = await replay(project, summary.id);
    expect(offline.status).toBe(200);
    expect(offline.body.recorded).toMatchObject({ version: 1, ok: true, result: INTERNAL_ANSWER });
    expect(offline.body.replay).toMatchObject({
      version: 1,
      ok: false,
      error: { code: "script_error", message: "Error: internalClient is not called in a replay; pass live: true" },
    });
    expect(stub.requests).toHaveLength(1);

    const live = await cli(project, ["replay", summary.id, "--live", "--json"]);
    expect(live.stderr).toBe("");
    expect(live.code).toBe(0);
    expect(JSON.parse(live.stdout).replay).toMatchObject({ version: 1, ok: true, result: INTERNAL_ANSWER });
    expect(stub.requests).toHaveLength(2);
    const [first, second] = stub.requests;
    expect(second!.url).toBe("/internal/operations/Todo/GetOne");
    expect(second!.headers["x-request-id"]).toBe(REQUEST_ID);
    // The replay sends what was recorded: the same input, the client request with its credentials redacted.
    const sent = JSON.parse(second!.body);
    expect(sent).toMatchObject({ input: { id: 1 }, __wg: { clientRequest: { headers: { Authorization: "[redacted]" } }, user: { userId: "u_1" } } });
    expect(JSON.parse(first!.body).__wg.clientRequest.headers.Authorization).toBe(CR_POST.headers.Authorization);
  });
});
