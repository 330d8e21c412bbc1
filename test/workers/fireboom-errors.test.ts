import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { parseBody } from "../fixtures/http";
import { api, newProject, uploadOk } from "./helpers";

/** Failures, routing and the parts of the Fireboom hook server the vectors do not cover. */

const CR = { method: "POST", requestURI: "/operations/Todo/CreateOne", headers: { Accept: "application/json", "X-Request-Id": "r-1" } };
const OP_BODY = { __wg: { clientRequest: CR }, input: { title: "hello" }, cycleCounter: 1 };

let base = "";
let project = "";
let hookKey = "";

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await SELF.fetch(url, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: parseBody(text) as any, text };
}

const script = (path: string, source: string) => uploadOk(project, path, source);

beforeAll(async () => {
  const created = await newProject("fbe");
  base = created.fireboomBaseUrl;
  project = created.project;
  hookKey = created.hookKey;
});

describe("addressing", () => {
  it("a wrong hook key gets 404, and so does an unknown project", async () => {
    await script("operation/Todo/CreateOne/preResolve", "export default () => {}");
    const wrongKey = await post(base.replace(hookKey, `${hookKey}x`) + "/operation/Todo/CreateOne/preResolve", OP_BODY);
    expect(wrongKey.status).toBe(404);
    expect(wrongKey.body).toEqual({ error: "unknown project or wrong hook key" });
    const otherProject = await post(base.replace(`/${project}/`, "/no-such-project-zz/") + "/operation/Todo/CreateOne/preResolve", OP_BODY);
    expect(otherProject.status).toBe(404);
    expect(otherProject.body).toEqual({ error: "unknown project or wrong hook key" });
    const health = await SELF.fetch(base.replace(hookKey, "hk_wrong") + "/health");
    expect(health.status).toBe(404);
  });

  it("a rotated hook key stops working at once", async () => {
    const own = await newProject("fbr");
    // The isolate remembers a key it has verified; a near miss and the key after its rotation must still fail.
    expect((await SELF.fetch(`${own.fireboomBaseUrl}/health`)).status).toBe(200);
    const nearMiss = own.fireboomBaseUrl.replace(own.hookKey, own.hookKey.slice(0, -1) + (own.hookKey.endsWith("A") ? "B" : "A"));
    expect((await SELF.fetch(`${nearMiss}/health`)).status).toBe(404);
    const rotated = await api("POST", `/v1/projects/${own.project}/hook-key`);
    expect(rotated.status).toBe(201);
    expect((await SELF.fetch(`${own.fireboomBaseUrl}/health`)).status).toBe(404);
    expect((await SELF.fetch(`${rotated.body.fireboomBaseUrl}/health`)).status).toBe(200);
  });

  it("a hook without a script gets 404 with a clear message", async () => {
    const reply = await post(`${base}/operation/Nope/Missing/postResolve`, OP_BODY);
    expect(reply.status).toBe(404);
    expect(reply.body).toEqual({ hook: "postResolve", error: "no script at operation/Nope/Missing/postResolve: upload one to serve this hook" });
    const fn = await post(`${base}/function/missing`, OP_BODY);
    expect(fn.status).toBe(404);
    expect(fn.body).toEqual({ hook: "function", error: "no script at function/missing: upload one to serve this hook" });
  });

  it("an unknown hook name or route gets 404", async () => {
    const badHook = await post(`${base}/operation/Todo/CreateOne/notAHook`, OP_BODY);
    expect(badHook.status).toBe(404);
    expect(badHook.body.hook).toBe("notAHook");
    expect(badHook.body.error).toContain("preResolve");
    const badRoute = await post(`${base}/nothing/here`, {});
    expect(badRoute.status).toBe(404);
    expect(badRoute.body).toEqual({ error: `no Fireboom hook route for POST /fireboom/${project}/${hookKey}/nothing/here` });
  });
});

describe("failures answer 500 {hook, error} (never 502/503/504)", () => {
  it("a thrown TypeError keeps its name", async () => {
    await script("operation/Todo/CreateOne/mutatingPreResolve", "export default (ctx) => ctx.input.missing.deeper");
    const reply = await post(`${base}/operation/Todo/CreateOne/mutatingPreResolve`, OP_BODY);
    expect(reply.status).toBe(500);
    expect(reply.body.hook).toBe("mutatingPreResolve");
    expect(typeof reply.body.error).toBe("string");
    expect(reply.body.error).toMatch(/^TypeError: /);
    expect(Object.keys(reply.body).sort()).toEqual(["error", "hook"]);
  });

  it("a CPU budget breach", async () => {
    await script("global/onOriginRequest", "export default () => { for (;;) {} }");
    const reply = await post(`${base}/global/httpTransport/onOriginRequest`, {
      request: { method: "GET", requestURI: "https://api.example.com/x", headers: {} },
      operationName: "Todo__CreateOne",
      operationType: "query",
    });
    expect(reply.status).toBe(500);
    expect(reply.body).toEqual({ hook: "onOriginRequest", error: "the script used more than its CPU budget of 50 ms" });
  });

  it("a function that throws, and a function subscription that fails midway", async () => {
    await script("function/boom", `export default () => { throw new Error("no such user"); }`);
    const thrown = await post(`${base}/function/boom`, OP_BODY);
    expect(thrown.status).toBe(500);
    expect(thrown.body).toEqual({ hook: "function", error: "no such user" });
    await script("function/halfway", `export default async function* () { yield { data: { n: 1 } }; throw new Error("upstream gone"); }`);
    const stream = await post(`${base}/function/halfway`, OP_BODY);
    expect(stream.status).toBe(200);
    expect(stream.text).toBe('{"data":{"n":1}}\n\n{"errors":[{"message":"upstream gone"}]}\n\n');
  });

  it("a function subscription that fails before its first message answers 500; one that ends without any, an empty 200 stream", async () => {
    await script("function/early", `export default async function* () { throw new Error("before first"); }`);
    const early = await post(`${base}/function/early`, OP_BODY);
    expect(early.status).toBe(500);
    expect(early.body).toEqual({ hook: "function", error: "before first" });
    await script("function/quiet", `export default async function* () {}`);
    const quiet = await post(`${base}/function/quiet`, OP_BODY);
    expect(quiet.status).toBe(200);
    expect(quiet.text).toBe("");
  });

  it("ctx is read-only", async () => {
    await script("operation/Todo/CreateOne/postResolve", `export default (ctx) => { ctx.input.title = "x"; }`);
    const reply = await post(`${base}/operation/Todo/CreateOne/postResolve`, OP_BODY);
    expect(reply.status).toBe(500);
    expect(reply.body.error).toMatch(/^TypeError: /);
    await script("operation/Todo/CreateOne/postResolve", `export default (ctx) => { ctx.log = null; }`);
    const top = await post(`${base}/operation/Todo/CreateOne/postResolve`, OP_BODY);
    expect(top.status).toBe(500);
    expect(top.body.error).toMatch(/^TypeError: /);
  });
});

describe("payload validation", () => {
  it("answers 400 {hook, error} for a body that is not JSON or misses required fields", async () => {
    const notJson = await post(`${base}/operation/Todo/CreateOne/preResolve`, "{nope");
    expect(notJson.status).toBe(400);
    expect(notJson.body).toEqual({ hook: "preResolve", error: "the request body is not JSON" });
    const missing = await post(`${base}/operation/Todo/CreateOne/preResolve`, { __wg: {}, input: {} });
    expect(missing.status).toBe(400);
    expect(missing.body.hook).toBe("preResolve");
    expect(missing.body.error).toContain("cycleCounter");
    const wrongType = await post(`${base}/operation/Todo/CreateOne/preResolve`, { ...OP_BODY, cycleCounter: "1" });
    expect(wrongType.status).toBe(400);
  });

  it("keeps unknown fields and accepts payloads of several MiB", async () => {
    // Reading the 40,000 items parses 3 MiB in the guest, ~75 ms of CPU: past the default budget of 50.
    const big = await newProject("fbbig");
    expect((await api("PATCH", `/v1/projects/${big.project}`, { json: { limits: { cpuMs: 1000 } } })).status).toBe(200);
    await uploadOk(big.project, "operation/Big/One/mutatingPostResolve", "export default (ctx) => ({ data: { count: ctx.response.data.items.length, extra: ctx.extra } })");
    const items = Array.from({ length: 40_000 }, (_, i) => ({ id: i, title: `item number ${i} with some padding text to make it larger` }));
    const body = { ...OP_BODY, response: { data: { items } }, extra: "kept" };
    expect(JSON.stringify(body).length).toBeGreaterThan(3 * 1024 * 1024);
    const reply = await post(`${big.fireboomBaseUrl}/operation/Big/One/mutatingPostResolve`, body);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ op: "Big/One", hook: "mutatingPostResolve", response: { data: { count: 40_000 } } });
  });
});

describe("setClientRequestHeaders", () => {
  it("answers the complete header map when the hook changed headers, {} for preResolve otherwise", async () => {
    await script(
      "operation/Todo/CreateOne/preResolve",
      `export default (ctx) => { ctx.setClientRequestHeader("X-Tenant", "t1"); ctx.setClientRequestHeader("accept", null); }`,
    );
    const changed = await post(`${base}/operation/Todo/CreateOne/preResolve`, OP_BODY);
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual({ op: "Todo/CreateOne", hook: "preResolve", setClientRequestHeaders: { "X-Request-Id": "r-1", "X-Tenant": "t1" } });
    await script("operation/Todo/CreateOne/mutatingPreResolve", `export default (ctx) => { ctx.setClientRequestHeader("X-Seen", "1"); return ctx.input; }`);
    const mutating = await post(`${base}/operation/Todo/CreateOne/mutatingPreResolve`, OP_BODY);
    await script("function/tenant", `export default (ctx) => { ctx.setClientRequestHeader("X-Tenant", "t2"); return { data: {} }; }`);
    const fn = await post(`${base}/function/tenant`, OP_BODY);
    expect(fn.body).toEqual({ response: { data: {} }, setClientRequestHeaders: { Accept: "application/json", "X-Request-Id": "r-1", "X-Tenant": "t2" } });
    expect(mutating.body).toEqual({
      op: "Todo/CreateOne",
      hook: "mutatingPreResolve",
      input: { title: "hello" },
      setClientRequestHeaders: { Accept: "application/json", "X-Request-Id": "r-1", "X-Seen": "1" },
    });
  });
});

describe("internalClient", () => {
  it("fails clearly without settings.fireboom.internalUrl, and refuses past cycle 16", async () => {
    await script("function/internal", `export default (ctx) => ctx.internalClient.operations["Todo/GetOne"]({ id: 1 })`);
    const unset = await post(`${base}/function/internal`, OP_BODY);
    expect(unset.status).toBe(500);
    expect(unset.body.hook).toBe("function");
    expect(unset.body.error).toContain("internalUrl");
    const patched = await api("PATCH", `/v1/projects/${project}`, { json: { fireboom: { internalUrl: "http://127.0.0.1:9" } } });
    expect(patched.status).toBe(200);
    const deep = await post(`${base}/function/internal`, { ...OP_BODY, cycleCounter: 17 });
    expect(deep.status).toBe(500);
    expect(deep.body.error).toContain("cycle counter 17");
  });
});

describe("hook.swagger.json", () => {
  it("describes every hook route, /gqls with its own path and onConnectionInit with its own payload", async () => {
    const response = await SELF.fetch(`${base}/hook.swagger.json`);
    expect(response.status).toBe(200);
    const doc: any = await response.json();
    expect(doc.openapi).toBe("3.0.1");
    expect(doc.info.title).toBe("Fireboom Hook swagger3.0");
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        ...["mutatingPostAuthentication", "postAuthentication", "postLogout", "revalidateAuthentication"].map((h) => `/authentication/${h}`),
        "/function/{path}",
        ...["afterOriginResponse", "beforeOriginRequest", "onOriginRequest", "onOriginResponse"].map((h) => `/global/httpTransport/${h}`),
        "/global/wsTransport/onConnectionInit",
        "/gqls/{name}/graphql",
        "/health",
        ...["customResolve", "mockResolve", "mutatingPostResolve", "mutatingPreResolve", "postResolve", "preResolve"].map((h) => `/operation/{path}/${h}`),
        "/proxy/{path}",
        "/upload/{provider}/{profile}/postUpload",
        "/upload/{provider}/{profile}/preUpload",
      ].sort(),
    );
    const init = doc.paths["/global/wsTransport/onConnectionInit"].post;
    expect(init.requestBody.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/OnWsConnectionInitHookPayload" });
    expect(doc.paths["/gqls/{name}/graphql"].post.requestBody.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/CustomizeHookPayload" });
    // Every $ref points at a defined schema.
    const refs = JSON.stringify(doc).match(/#\/components\/schemas\/[A-Za-z_]+/g) ?? [];
    for (const ref of new Set(refs)) expect(doc.components.schemas).toHaveProperty(ref.split("/").pop()!);
  });
});
