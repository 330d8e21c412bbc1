import { SELF } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import { CR_POST, REQUEST_ID, USER, V2_BODY, V9_BODY } from "../fixtures/fireboom";
import { parseBody } from "../fixtures/http";
import { api, newProject, upload, uploadOk } from "./helpers";

/** Recorded Fireboom hook calls: what is recorded, how it is listed and fetched, and replays. */

type Project = Awaited<ReturnType<typeof newProject>>;

async function hook(project: Project, route: string, body: unknown) {
  const response = await SELF.fetch(`${project.fireboomBaseUrl}/${route}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Request-Id": REQUEST_ID },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: parseBody(await response.text()) as any };
}

const list = (project: Project, query = "", token?: string) => api("GET", `/v1/projects/${project.project}/invocations${query}`, { token });

/** Records are written after the hook's reply: waits until the list (with `query`) satisfies `done`. */
async function listedWhen(project: Project, done: (invocations: any[]) => boolean, query = ""): Promise<any[]> {
  for (;;) {
    const reply = await list(project, query);
    expect(reply.status).toBe(200);
    if (done(reply.body.invocations)) return reply.body.invocations;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const settings = (project: Project, invocations: Record<string, unknown>) => api("PATCH", `/v1/projects/${project.project}`, { json: { invocations } });

describe("recording", () => {
  it("records a failed hook call: script version and sha256, ctx, error, logs, usage and timing", async () => {
    const project = await newProject("inv");
    const path = "operation/Todo/CreateOne/preResolve";
    const stored = await upload(project.project, path, "export default (ctx) => { ctx.log.info('checking', ctx.input.title); throw new Error('title too short'); }");
    const reply = await hook(project, `operation/Todo/CreateOne/preResolve`, V2_BODY);
    expect(reply.status).toBe(500);

    const [summary] = await listedWhen(project, (all) => all.length === 1);
    expect(summary).toEqual({
      id: expect.any(String),
      path,
      version: 1,
      sha256: stored.body.sha256,
      outcome: "error",
      errorCode: "script_error",
      recordedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      durationMs: expect.any(Number),
      usage: { cpuMs: expect.any(Number), memoryBytes: expect.any(Number) },
    });

    const detail = await api("GET", `/v1/projects/${project.project}/invocations/${summary.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ id: summary.id, path, version: 1, sha256: stored.body.sha256, recordedAt: summary.recordedAt, durationMs: summary.durationMs });
    expect(detail.body.args).toMatchObject({
      input: { title: "hello" },
      operation: { path: "Todo/CreateOne", name: "Todo__CreateOne" },
      cycleCounter: 1,
      clientRequest: { method: "POST", requestURI: "/operations/Todo/CreateOne" },
      user: { userId: "u_1" },
    });
    expect(detail.body.outcome).toEqual({
      ok: false,
      error: { code: "script_error", message: "Error: title too short", stack: expect.stringContaining(path) },
      logs: [{ level: "info", message: "checking hello" }],
      usage: summary.usage,
    });
  });

  it("records successful calls at the sample rate: all of them at 1, none at 0 (the default)", async () => {
    const sampled = await newProject("inv-all");
    expect((await settings(sampled, { sampleRate: 1 })).status).toBe(200);
    await uploadOk(sampled.project, "function/echo", "export default (ctx) => ({ data: ctx.input })");
    expect((await hook(sampled, "function/echo", { ...V2_BODY, input: { n: 1 } })).status).toBe(200);
    const [ok] = await listedWhen(sampled, (all) => all.length === 1);
    expect(ok).toMatchObject({ path: "function/echo", outcome: "ok" });
    expect(ok.errorCode).toBeUndefined();
    const detail = await api("GET", `/v1/projects/${sampled.project}/invocations/${ok.id}`);
    expect(detail.body.outcome).toMatchObject({ ok: true, result: { data: { n: 1 } }, logs: [] });

    const unsampled = await newProject("inv-none");
    await uploadOk(unsampled.project, "function/echo", "export default (ctx) => { if (ctx.input.fail) throw new Error('asked to'); return { data: ctx.input }; }");
    expect((await hook(unsampled, "function/echo", { ...V2_BODY, input: {} })).status).toBe(200);
    expect((await hook(unsampled, "function/echo", { ...V2_BODY, input: { fail: true } })).status).toBe(500);
    // The failure's record was sent after the success's would have been: once it is there, so would the other be.
    const recorded = await listedWhen(unsampled, (all) => all.length > 0);
    expect(recorded.map((i) => i.outcome)).toEqual(["error"]);
  });

  it("keeps the newest `keep` calls, and a lower keep drops the oldest at once", async () => {
    const project = await newProject("inv-keep");
    expect((await settings(project, { sampleRate: 1, keep: 3 })).body.settings.invocations).toEqual({ sampleRate: 1, keep: 3 });
    for (let n = 1; n <= 5; n++) await uploadOk(project.project, `function/f${n}`, `export default () => ({ data: ${n} })`);
    for (let n = 1; n <= 5; n++) expect((await hook(project, `function/f${n}`, V2_BODY)).status).toBe(200);
    const kept = await listedWhen(project, (all) => all[0]?.path === "function/f5");
    expect(kept.map((i) => i.path)).toEqual(["function/f5", "function/f4", "function/f3"]);

    // Changing one setting keeps the other.
    expect((await settings(project, { keep: 2 })).body.settings.invocations).toEqual({ sampleRate: 1, keep: 2 });
    expect((await list(project)).body.invocations.map((i: any) => i.path)).toEqual(["function/f5", "function/f4"]);
  });

  it("redacts credentials in every headers object and the user's raw tokens, and answers Fireboom unredacted", async () => {
    const project = await newProject("inv-redact");
    expect((await settings(project, { sampleRate: 1 })).status).toBe(200);
    await uploadOk(
      project.project,
      "global/onOriginRequest",
      "export default (ctx) => ({ ...ctx.request, headers: { ...ctx.request.headers, 'X-Upstream-Token': 'tok-2', 'X-Extra': '1' } })",
    );
    const headers = {
      Authorization: "Bearer secret-1",
      cookie: "session=secret-2",
      "Set-Cookie": "a=secret-3",
      "proxy-authorization": "Basic secret-4",
      "X-API-KEY": "secret-5",
      "X-Auth-Token": "secret-6",
      Accept: "application/json",
    };
    const body = { ...V9_BODY, request: { ...V9_BODY.request, headers }, __wg: { user: USER, clientRequest: CR_POST } };
    const reply = await hook(project, "global/httpTransport/onOriginRequest", body);
    expect(reply.status).toBe(200);
    // The reply still carries the real values: redaction is of the record only.
    expect(reply.body.response.request.headers).toMatchObject({ Authorization: "Bearer secret-1", "X-Upstream-Token": "tok-2" });

    const [summary] = await listedWhen(project, (all) => all.length === 1);
    const detail = await api("GET", `/v1/projects/${project.project}/invocations/${summary.id}`);
    const text = JSON.stringify(detail.body);
    for (const secret of ["secret-1", "secret-2", "secret-3", "secret-4", "secret-5", "secret-6", "tok-2", USER.rawAccessToken, CR_POST.headers.Authorization]) {
      expect(text).not.toContain(secret);
    }
    expect(detail.body.args.request.headers).toEqual({
      Authorization: "[redacted]",
      cookie: "[redacted]",
      "Set-Cookie": "[redacted]",
      "proxy-authorization": "[redacted]",
      "X-API-KEY": "[redacted]",
      "X-Auth-Token": "[redacted]",
      Accept: "application/json",
    });
    expect(detail.body.args.clientRequest.headers).toEqual({ ...CR_POST.headers, Authorization: "[redacted]" });
    expect(detail.body.args.user).toEqual({ ...USER, rawAccessToken: "[redacted]" });
    expect(detail.body.outcome.result.headers).toMatchObject({ Authorization: "[redacted]", "X-Upstream-Token": "[redacted]", "X-Extra": "1", Accept: "application/json" });
  });

  it("records a call too large for a row without its arguments (not replayable) or without its result", async () => {
    const project = await newProject("inv-large");
    await settings(project, { sampleRate: 1 });
    await uploadOk(project.project, "function/big", "export default (ctx) => { if (ctx.input.text) throw new Error('too long'); return 'x'.repeat(600000); }");
    expect((await hook(project, "function/big", { ...V2_BODY, input: { text: "y".repeat(1_200_000) } })).status).toBe(500);
    expect((await hook(project, "function/big", V2_BODY)).status).toBe(200);
    const [bigResult, bigArgs] = await listedWhen(project, (all) => all.length === 2);
    const detail = (id: string) => api("GET", `/v1/projects/${project.project}/invocations/${id}`);

    const argsLeftOut = (await detail(bigArgs.id)).body;
    expect(argsLeftOut.args).toBeNull();
    expect(argsLeftOut.outcome).toMatchObject({ ok: false, error: { message: "Error: too long" }, omitted: ["args"] });
    const refused = await api("POST", `/v1/projects/${project.project}/invocations/${bigArgs.id}/replay`, { json: {} });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("not_replayable");

    const resultLeftOut = (await detail(bigResult.id)).body;
    expect(resultLeftOut.args.input).toEqual({ title: "hello" });
    expect(resultLeftOut.outcome).toEqual({ ok: true, logs: [], omitted: ["result"], usage: bigResult.usage });
  });
});

describe("listing", () => {
  it("filters by path, outcome, time and count, newest first", async () => {
    const project = await newProject("inv-filter");
    await settings(project, { sampleRate: 1 });
    await uploadOk(project.project, "function/a", "export default (ctx) => { if (ctx.input.fail) throw new Error('no'); return { data: 1 }; }");
    await uploadOk(project.project, "function/b", "export default () => ({ data: 2 })");
    const before = new Date(Date.now() - 1000).toISOString();
    await hook(project, "function/a", { ...V2_BODY, input: {} });
    await hook(project, "function/a", { ...V2_BODY, input: { fail: true } });
    await hook(project, "function/b", V2_BODY);
    const all = await listedWhen(project, (listed) => listed.length === 3);
    expect(all.map((i) => [i.path, i.outcome])).toEqual([
      ["function/b", "ok"],
      ["function/a", "error"],
      ["function/a", "ok"],
    ]);
    const paths = async (query: string) => (await list(project, query)).body.invocations.map((i: any) => `${i.path}:${i.outcome}`);
    expect(await paths("?path=function/a")).toEqual(["function/a:error", "function/a:ok"]);
    expect(await paths("?outcome=error")).toEqual(["function/a:error"]);
    expect(await paths("?path=function/b&outcome=error")).toEqual([]);
    expect(await paths("?limit=1")).toEqual(["function/b:ok"]);
    expect(await paths(`?since=${encodeURIComponent(before)}`)).toHaveLength(3);
    expect(await paths(`?until=${encodeURIComponent(before)}`)).toEqual([]);
    expect(await paths(`?since=${encodeURIComponent(all[0].recordedAt)}&until=${encodeURIComponent(new Date(Date.parse(all[0].recordedAt) + 1).toISOString())}`)).toContain("function/b:ok");
    expect(await paths("?since=2999-01-01T00:00:00Z")).toEqual([]);
  });

  it("another project's key gets 404 for the list, a call and its replay; the admin may see them", async () => {
    const owner = await newProject("inv-own");
    const other = await newProject("inv-other");
    await uploadOk(owner.project, "function/fails", "export default () => { throw new Error('x'); }");
    await hook(owner, "function/fails", V2_BODY);
    const [summary] = await listedWhen(owner, (all) => all.length === 1);
    const base = `/v1/projects/${owner.project}/invocations`;
    for (const [method, path] of [
      ["GET", base],
      ["GET", `${base}/${summary.id}`],
      ["POST", `${base}/${summary.id}/replay`],
    ] as const) {
      const reply = await api(method, path, { token: other.apiKey, json: method === "POST" ? {} : undefined });
      expect(reply.status, `${method} ${path}`).toBe(404);
      expect(reply.body.error.code).toBe("not_found");
      expect(JSON.stringify(reply.body)).not.toContain(summary.id);
    }
    expect((await api("GET", `${base}/${summary.id}`, { token: owner.apiKey })).status).toBe(200);
    // The id means nothing in another project.
    expect((await api("GET", `/v1/projects/${other.project}/invocations/${summary.id}`, { token: other.apiKey })).status).toBe(404);
    expect((await list(other, "", other.apiKey)).body.invocations).toEqual([]);
  });

  it("answers 400 for bad filters, settings and replay bodies, and 404 for an unknown id, changing nothing", async () => {
    const project = await newProject("inv-bad");
    const base = `/v1/projects/${project.project}/invocations`;
    for (const query of ["?outcome=failed", "?limit=0", "?limit=201", "?limit=ten", "?since=yesterday", "?until=2026-13-01T00:00:00Z", "?path=nope/x"]) {
      const reply = await api("GET", `${base}${query}`);
      expect(reply.status, query).toBe(400);
      expect(reply.body.error.code).toBe("invalid_request");
    }
    for (const invocations of [{ sampleRate: 1.5 }, { sampleRate: -0.1 }, { keep: 0 }, { keep: 10_001 }, { keep: 2.5 }, { sampleRate: "1" }, { other: true }]) {
      const reply = await settings(project, invocations);
      expect(reply.status, JSON.stringify(invocations)).toBe(400);
    }
    expect((await api("GET", `/v1/projects/${project.project}`)).body.settings.invocations).toBeUndefined();

    const unknown = await api("GET", `${base}/00000000-0000-0000-0000-000000000000`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("not_found");
    expect((await api("GET", `${base}/bad%20id`)).status).toBe(400);

    await uploadOk(project.project, "function/fails", "export default () => { throw new Error('x'); }");
    await hook(project, "function/fails", V2_BODY);
    const [summary] = await listedWhen(project, (all) => all.length === 1);
    for (const json of [{ version: "2" }, { version: 0 }, { live: "yes" }, { extra: 1 }]) {
      const reply = await api("POST", `${base}/${summary.id}/replay`, { json });
      expect(reply.status, JSON.stringify(json)).toBe(400);
    }
    expect((await api("POST", `${base}/${summary.id}/replay`, { json: { version: 7 } })).status).toBe(404);
    expect((await api("POST", `${base}/00000000-0000-0000-0000-000000000000/replay`, { json: {} })).status).toBe(404);
    // The replays above ran nothing and recorded nothing.
    expect((await list(project)).body.invocations).toHaveLength(1);
  });
});

describe("replay", () => {
  it("runs the recorded call against the current version or a given one, with no body at all too", async () => {
    const project = await newProject("inv-replay");
    await uploadOk(project.project, "function/greet", "export default (ctx) => { throw new Error('not yet ' + ctx.input.name); }");
    await hook(project, "function/greet", { ...V2_BODY, input: { name: "ann" } });
    const [summary] = await listedWhen(project, (all) => all.length === 1);
    await uploadOk(project.project, "function/greet", "export default (ctx) => { console.log('greeting'); return { data: 'hi ' + ctx.input.name }; }");

    const replayed = await SELF.fetch(`https://hookflow.test/v1/projects/${project.project}/invocations/${summary.id}/replay`, {
      method: "POST",
      headers: { Authorization: "Bearer test-admin-token" },
    });
    expect(replayed.status).toBe(200);
    const body = (await replayed.json()) as any;
    expect(body.recorded).toMatchObject({ version: 1, ok: false, error: { code: "script_error", message: "Error: not yet ann" }, logs: [] });
    expect(body.replay).toEqual({ version: 2, ok: true, result: { data: "hi ann" }, logs: [{ level: "log", message: "greeting" }], usage: expect.any(Object) });

    const old = await api("POST", `/v1/projects/${project.project}/invocations/${summary.id}/replay`, { json: { version: 1 } });
    expect(old.status).toBe(200);
    expect(old.body.replay).toMatchObject({ version: 1, ok: false, error: { message: "Error: not yet ann" } });
  });

  it("refuses fetch unless live: true", async () => {
    const { origin } = inject("requestMock");
    const key = `replay-${Date.now()}`;
    const project = await newProject("inv-fetch");
    await uploadOk(
      project.project,
      "function/notify",
      `export const permissions = { net: ["127.0.0.1"] };
       export default async (ctx) => {
         await fetch("${origin}/hooks/receive?key=${key}", { method: "POST", body: "x" });
         throw new Error("failed after notifying");
       };`,
    );
    expect((await hook(project, "function/notify", V2_BODY)).status).toBe(500);
    const [summary] = await listedWhen(project, (all) => all.length === 1);
    const received = async () => ((await (await fetch(`${origin}/hooks/received?key=${key}`)).json()) as unknown[]).length;
    expect(await received()).toBe(1);

    const offline = await api("POST", `/v1/projects/${project.project}/invocations/${summary.id}/replay`, { json: {} });
    expect(offline.body.replay.ok).toBe(false);
    expect(offline.body.replay.error).toMatchObject({ code: "permission_denied", message: expect.stringMatching(/^fetch to 127\.0\.0\.1:\d+ is not permitted: this call runs offline/) });
    expect(await received()).toBe(1);

    const live = await api("POST", `/v1/projects/${project.project}/invocations/${summary.id}/replay`, { json: { live: true } });
    expect(live.body.replay.error.message).toBe("Error: failed after notifying");
    expect(await received()).toBe(2);
  });

  it("is documented in /openapi.json", async () => {
    const doc = (await api("GET", "/openapi.json")).body;
    const listRoute = doc.paths["/v1/projects/{project}/invocations"].get;
    expect(listRoute.parameters.map((p: any) => p.name)).toEqual(expect.arrayContaining(["path", "outcome", "since", "until", "limit"]));
    expect(doc.paths["/v1/projects/{project}/invocations/{id}/replay"].post.requestBody).toBeDefined();
    expect(doc.paths["/v1/projects/{project}/invocations/{id}"].get).toBeDefined();
  });
});
