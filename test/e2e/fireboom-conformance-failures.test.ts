/**
 * Fireboom conformance client, part 2: the failures, as Fireboom's Go caller meets them (test/e2e/go-caller.ts)
 * against the real runtime (`npm start`). Every failure must answer a status Fireboom does not retry
 * (fireboom-hooks.md §1.2: it retries 429 and 5xx other than 500/501, up to 10 times) and, for a hook that ran,
 * 500 `{hook, error}` with `error` a string (§1.3, §9.7; issue 3).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HOOK_ROUTES, V20_BODY, V22_SSE_QUERY, V2_BODY } from "../fixtures/fireboom";
import { hookProject, type HookProject } from "./fireboom-project";
import { goCaller, isRetriedByFireboom, readGoFrames, type GoCaller, type GoReply } from "./go-caller";
import { startServer, type Server } from "./server";

const thrownMessage = (script: string) => `失败 💥 ${script}`;

/** Every route's script throws an Error naming the script. */
const THROWING = Object.fromEntries(
  HOOK_ROUTES.map(({ script }) => [script, `export default () => { throw new Error(${JSON.stringify(thrownMessage(script))}); };`]),
);

/** Scripts that break a limit or throw something that is not an Error, with the message each must answer (default limits). */
const BREACHES: { name: string; script: string; source: string; error: string }[] = [
  {
    name: "CPU budget",
    script: "operation/Limits/Cpu/mutatingPreResolve",
    source: "export default () => { for (;;) {} };",
    error: "the script used more than its CPU budget of 50 ms",
  },
  {
    name: "memory limit",
    script: "operation/Limits/Memory/mutatingPreResolve",
    source: `export default () => { const keep = []; for (;;) keep.push(new Uint8Array(1024 * 1024)); };`,
    error: "the script used more than its memory limit of 33554432 bytes",
  },
  {
    name: "stack limit",
    script: "operation/Limits/Stack/mutatingPreResolve",
    source: "export default function f(n = 0) { return f(n + 1) + 1; }",
    error: "the script exceeded its stack limit of 262144 bytes",
  },
  {
    name: "result size",
    script: "operation/Limits/Result/mutatingPreResolve",
    source: `export default () => "x".repeat(2 * 1024 * 1024);`,
    error: "the result is 2097154 characters of JSON; the limit is 1048576",
  },
  {
    name: "fetch to a host not allowed",
    script: "operation/Limits/Fetch/mutatingPreResolve",
    source: `export default async () => (await fetch("https://evil.example.net/")).status;`,
    error: 'fetch to evil.example.net is not permitted: add "evil.example.net" to the script\'s permissions.net',
  },
  {
    name: "a promise that never settles",
    script: "operation/Limits/Never/mutatingPreResolve",
    source: "export default () => new Promise(() => {});",
    error: "the script's promise never settled: it awaits something that will never happen",
  },
  {
    name: "a rejected promise",
    script: "operation/Limits/Reject/mutatingPreResolve",
    source: `export default async () => { await null; throw new RangeError("飞布 e\\u0301"); };`,
    error: "RangeError: 飞布 e\u0301",
  },
  { name: "a thrown string", script: "operation/Limits/String/mutatingPreResolve", source: `export default () => { throw "plain string"; };`, error: "plain string" },
  { name: "a thrown object", script: "operation/Limits/Object/mutatingPreResolve", source: "export default () => { throw { code: 7 }; };", error: "[object Object]" },
];

/** The CPU budget breached on the other route kinds that run free-named scripts. */
const CPU_LOOP = "export default () => { for (;;) {} };";
const CPU_ROUTES = [
  { route: "/function/limits/cpu", script: "function/limits/cpu", hook: "function", body: V20_BODY },
  { route: "/proxy/limits/cpu", script: "proxy/limits/cpu", hook: "proxy", body: HOOK_ROUTES.find((r) => r.hook === "proxy")!.body },
  { route: "/gqls/limits/cpu/graphql", script: "customize/limits/cpu", hook: "customize", body: { query: "{ x }" } },
  { route: "/upload/limits/cpu/preUpload", script: "upload/limits/cpu/preUpload", hook: "preUpload", body: HOOK_ROUTES.find((r) => r.hook === "preUpload")!.body },
];

const STREAMS = {
  /** A subscription that fails after its first message: too late for a status code. */
  "function/limits/halfway": `export default async function* () { yield { data: { n: 1 } }; throw new Error("upstream gone 飞布"); }`,
  "function/limits/cpuStream": "export default async function* () { yield { data: { n: 1 } }; for (;;) {} }",
};

let server: Server;
let failing: HookProject;
let empty: HookProject;
let fireboom: GoCaller;

beforeAll(async () => {
  server = await startServer();
  const breaches = Object.fromEntries(BREACHES.map((b) => [b.script, b.source]));
  const cpu = Object.fromEntries(CPU_ROUTES.map((r) => [r.script, CPU_LOOP]));
  const scripts = { ...THROWING, ...STREAMS, ...breaches, ...cpu };
  [failing, empty] = await Promise.all([hookProject(server, "conformance-failing", scripts), hookProject(server, "conformance-empty", {})]);
  fireboom = goCaller(failing.fireboomBaseUrl);
});
afterAll(async () => {
  fireboom?.close();
  await server?.stop();
});

/** A failure Fireboom will not retry, answered as `{hook, error}` with a string error. */
function expectHookFailure(reply: GoReply, status: number, expected: { hook: string; error: string }): void {
  expect(isRetriedByFireboom(reply.status), `status ${reply.status} would be retried`).toBe(false);
  expect(reply.status).toBe(status);
  expect(reply.headers["content-type"]).toMatch(/^application\/json/);
  expect(reply.body).toEqual(expected);
}

describe("a hook that throws answers 500 {hook, error} on every route", () => {
  it.each(HOOK_ROUTES.map((r) => [r.route, r]))("%s", async (_route, { route, script, hook, body }) => {
    expectHookFailure(await fireboom.post(route, body), 500, { hook, error: thrownMessage(script) });
  });

  it("the SSE form of /gqls answers 200 and an errors event, then completes", async () => {
    const reply = await fireboom.get(`/gqls/chat/graphql${V22_SSE_QUERY}`, { Accept: "text/event-stream" });
    expect(reply.status).toBe(200);
    expect(reply.headers["content-type"]).toBe("text/event-stream");
    expect(reply.text).toBe(`data: ${JSON.stringify({ errors: [{ message: thrownMessage("customize/chat") }] })}\n\nevent: complete\n\n`);
  });
});

describe("limits and odd throws answer 500 {hook, error}, never 502/503/504", () => {
  it.each(BREACHES.map((b) => [b.name, b]))("%s", async (_name, { script, error }) => {
    const route = `/${script}`;
    expectHookFailure(await fireboom.post(route, V2_BODY), 500, { hook: "mutatingPreResolve", error });
  });

  it.each(CPU_ROUTES.map((r) => [r.route, r]))("CPU budget on %s", async (_route, { route, hook, body }) => {
    expectHookFailure(await fireboom.post(route, body), 500, { hook, error: "the script used more than its CPU budget of 50 ms" });
  });

  it("a subscription that fails after its first message ends its 200 stream with an errors message", async () => {
    const thrown = await fireboom.post("/function/limits/halfway", V20_BODY);
    expect(thrown.status).toBe(200);
    expect(readGoFrames(thrown.text)).toEqual([{ data: { n: 1 } }, { errors: [{ message: "upstream gone 飞布" }] }]);
    const cpu = await fireboom.post("/function/limits/cpuStream", V20_BODY);
    expect(cpu.status).toBe(200);
    expect(readGoFrames(cpu.text)).toEqual([{ data: { n: 1 } }, { errors: [{ message: "the script used more than its CPU budget of 50 ms" }] }]);
  });

  it("after all these failures the runtime still serves the project", async () => {
    const health = await fireboom.get("/health");
    expect(health.status).toBe(200);
    expect(health.body.report.functions).toEqual(["hello", "limits/cpu", "limits/cpuStream", "limits/halfway"]);
  });
});

describe("addressing failures answer 404 JSON", () => {
  it("a route without a script: 404 {hook, error} naming the script to upload, on every route", async () => {
    const caller = goCaller(empty.fireboomBaseUrl);
    try {
      for (const { route, script, hook, body } of HOOK_ROUTES) {
        expectHookFailure(await caller.post(route, body), 404, { hook, error: `no script at ${script}: upload one to serve this hook` });
      }
      const sse = await caller.get(`/gqls/chat/graphql${V22_SSE_QUERY}`, { Accept: "text/event-stream" });
      expectHookFailure(sse, 404, { hook: "customize", error: "no script at customize/chat: upload one to serve this hook" });
      // Function names are paths; Go percent-encodes a unicode one in the request line.
      const unicode = await caller.post(`/function/${encodeURIComponent("飞布")}/${encodeURIComponent("😀")}`, V20_BODY);
      expectHookFailure(unicode, 404, { hook: "function", error: "no script at function/飞布/😀: upload one to serve this hook" });
      // An empty project is healthy, with empty lists.
      const health = await caller.get("/health?enable-hook-report=true");
      expect(health.status).toBe(200);
      expect(health.body).toEqual({ status: "ok", report: { customizes: [], functions: [], proxys: [], time: health.body.report.time } });
    } finally {
      caller.close();
    }
  });

  it("a wrong hook key or an unknown project: 404 on every route, health included", async () => {
    // The last character changed (a random key may itself end in "x").
    const nearMiss = `${failing.hookKey.slice(0, -1)}${failing.hookKey.endsWith("x") ? "y" : "x"}`;
    const wrongKey = goCaller(failing.fireboomBaseUrl.replace(failing.hookKey, nearMiss));
    const otherProject = goCaller(failing.fireboomBaseUrl.replace(`/${failing.project}/`, "/no-such-project/"));
    try {
      for (const caller of [wrongKey, otherProject]) {
        const replies = [...(await Promise.all(HOOK_ROUTES.map(({ route, body }) => caller.post(route, body)))), await caller.get("/health")];
        for (const reply of replies) {
          expect(isRetriedByFireboom(reply.status)).toBe(false);
          expect({ status: reply.status, body: reply.body }).toEqual({ status: 404, body: { error: "unknown project or wrong hook key" } });
        }
      }
    } finally {
      wrongKey.close();
      otherProject.close();
    }
  });
});

describe("payloads Fireboom would never send answer 400 {hook, error}", () => {
  it("a body that is not JSON, on every route", async () => {
    for (const { route, hook } of HOOK_ROUTES) {
      expectHookFailure(await fireboom.postRaw(route, '{"__wg":'), 400, { hook, error: "the request body is not JSON" });
    }
  });

  it("a required field missing or of the wrong type", async () => {
    const noCounter = await fireboom.post("/operation/Todo/CreateOne/preResolve", { __wg: {}, input: {} });
    expect(noCounter.status).toBe(400);
    expect(noCounter.body.hook).toBe("preResolve");
    expect(noCounter.body.error).toContain("cycleCounter");
    const request = { method: "GET", requestURI: "https://x.example", headers: { A: 1 } };
    const badHeaders = await fireboom.post("/global/httpTransport/onOriginRequest", { request, operationName: "x", operationType: "query" });
    expect(isRetriedByFireboom(badHeaders.status)).toBe(false);
    expect(badHeaders.status).toBe(400);
    expect(typeof badHeaders.body.error).toBe("string");
  });
});
