/**
 * Fireboom conformance client, part 1: the successful calls. Plays Fireboom's Go caller (test/e2e/go-caller.ts:
 * its headers, its JSON, its keep-alive pool, its reading of streams) against the real runtime (`npm start`),
 * serving examples/fireboom, on every route of fireboom-hooks.md §2 with the spec's vectors (§7) and the variations
 * Fireboom really sends: optional fields left out, unicode, payloads of several MiB, concurrent calls.
 * The failures are in fireboom-conformance-failures.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as spec from "../fixtures/fireboom";
import { exampleScripts, hookProject, type HookProject } from "./fireboom-project";
import { goCaller, readGoFrames, type GoCaller } from "./go-caller";
import { request, startServer, type Server } from "./server";

/** Scripts besides the examples: they answer what they saw, so the tests can check ctx. */
const EXTRA_SCRIPTS = {
  "operation/Conf/Echo/mutatingPreResolve": "export default (ctx) => ctx.input;",
  "operation/Conf/Headers/preResolve": `export default (ctx) => { ctx.setClientRequestHeader("X-Display-Name", ctx.input.name); };`,
  "operation/Conf/Probe/mockResolve": `export default (ctx) => ({ data: {
    keys: Object.keys(ctx).sort(), input: ctx.input, user: ctx.user ?? null, clientRequest: ctx.clientRequest ?? null,
    response: ctx.response ?? null, operation: ctx.operation, cycleCounter: ctx.cycleCounter } });`,
  "function/conf/probe": `export default (ctx) => ({ data: {
    keys: Object.keys(ctx).sort(), input: ctx.input, user: ctx.user ?? null, clientRequest: ctx.clientRequest ?? null,
    operation: ctx.operation, cycleCounter: ctx.cycleCounter } });`,
  "proxy/conf/echo": `export default (ctx) => ({ statusCode: 201, headers: { "Content-Type": "text/plain; charset=utf-8" },
    body: "收到 " + (ctx.request.body ?? "(no body)") + " from " + (ctx.user?.userId ?? "anonymous") });`,
};

/** Limits for payloads of several MiB: results up to 8 MiB (the default is 1 MiB) and 64 MiB of memory. */
const LARGE_LIMITS = { limits: { resultBytes: 8 * 1024 * 1024, memoryBytes: 64 * 1024 * 1024 } };

let server: Server;
let hooks: HookProject;
let fireboom: GoCaller;

beforeAll(async () => {
  server = await startServer();
  hooks = await hookProject(server, "conformance", { ...exampleScripts(), ...EXTRA_SCRIPTS }, LARGE_LIMITS);
  fireboom = goCaller(hooks.fireboomBaseUrl);
});
afterAll(async () => {
  fireboom?.close();
  await server?.stop();
});

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
const unb64 = (data: string) => Buffer.from(data, "base64").toString("utf8");

/** A call Fireboom counts as a success: exactly HTTP 200 (§1.3). Resolves to the JSON answer. */
async function ok(route: string, body: unknown, headers?: Record<string, string>): Promise<any> {
  const reply = await fireboom.post(route, body, headers);
  expect(reply.status, reply.text).toBe(200);
  return reply.body;
}

describe("operation hooks (V2-V8)", () => {
  it("preResolve accepts (V2) and refuses with 500 {hook, error} (V2 reject)", async () => {
    const accepted = await ok("/operation/Todo/CreateOne/preResolve", spec.V2_BODY);
    expect(accepted).toEqual({ op: "Todo/CreateOne", hook: "preResolve", setClientRequestHeaders: {} });

    const refused = await fireboom.post("/operation/Todo/CreateOne/preResolve", { ...spec.V2_BODY, input: { title: "hi" } });
    expect(refused.status).toBe(500);
    expect(refused.body).toEqual({ hook: "preResolve", error: "title too short" });
  });

  it("mutatingPreResolve answers the complete new input (V3)", async () => {
    const reply = await ok("/operation/Todo/CreateOne/mutatingPreResolve", spec.V2_BODY);
    expect(reply).toEqual({ op: "Todo/CreateOne", hook: "mutatingPreResolve", input: { title: "hello", createdBy: "u_1" } });
  });

  it("mockResolve (V4); customResolve answers response: null to continue and the body to resolve (V5)", async () => {
    const mock = await ok("/operation/Todo/GetOne/mockResolve", spec.V4_BODY);
    expect(mock).toEqual({ op: "Todo/GetOne", hook: "mockResolve", response: { data: { Todo_findFirstTodo: { id: 1, title: "mock" } } } });

    // `response` must be there and be JSON null: an absent one would make Fireboom answer an empty body.
    const skip = await fireboom.post("/operation/Todo/GetOne/customResolve", spec.V4_BODY);
    expect(skip.status).toBe(200);
    expect(skip.text).toBe('{"op":"Todo/GetOne","hook":"customResolve","response":null}');

    const clientRequest = { ...spec.CR_GET_ONE, headers: { ...spec.CR_GET_ONE.headers, "X-Resolve-In-Hook": "1" } };
    const resolved = await ok("/operation/Todo/GetOne/customResolve", { ...spec.V4_BODY, __wg: { ...spec.V4_BODY.__wg, clientRequest } });
    expect(resolved).toEqual({ op: "Todo/GetOne", hook: "customResolve", response: { data: { Todo_findFirstTodo: { id: 1, title: "from hook" } } } });
  });

  it("postResolve (V6) and mutatingPostResolve (V7)", async () => {
    expect(await ok("/operation/Todo/GetOne/postResolve", spec.V6_BODY)).toEqual({ op: "Todo/GetOne", hook: "postResolve" });
    const mutating = await ok("/operation/Todo/GetOne/mutatingPostResolve", spec.V6_BODY);
    expect(mutating).toEqual({ op: "Todo/GetOne", hook: "mutatingPostResolve", response: { data: { Todo_findFirstTodo: { id: 1, title: "HELLO" } } } });
  });

  it("postResolve on subscription teardown: anonymous, no input, no response, canceled (V8)", async () => {
    expect(await ok("/operation/Chat/OnMessage/postResolve", spec.V8_BODY)).toEqual({ op: "Chat/OnMessage", hook: "postResolve" });
  });
});

describe("global hooks (V9-V13)", () => {
  it("beforeOriginRequest: a replacement request (V9), skip when unchanged", async () => {
    const modify = await ok("/global/httpTransport/beforeOriginRequest", spec.V9_BODY);
    expect(modify).toEqual(spec.V9_MODIFY_REPLY);
    expect(unb64(modify.response.request.originBody)).toBe('{"title":"hello","priority":1}');

    const skip = { op: "Todo__CreateOne", hook: "beforeOriginRequest", response: { skip: true, cancel: false } };
    const prioritized = { ...spec.V9_BODY.request, originBody: b64('{"title":"hello","priority":2}') };
    expect(await ok("/global/httpTransport/beforeOriginRequest", { ...spec.V9_BODY, request: prioritized })).toEqual(skip);
    // A GET operation has an empty client body: Fireboom omits originBody.
    const { originBody: _omitted, ...noBody } = spec.V9_BODY.request;
    expect(await ok("/global/httpTransport/beforeOriginRequest", { ...spec.V9_BODY, request: { ...noBody, method: "GET" } })).toEqual(skip);
  });

  it("onOriginRequest: a replacement (V10), skip for an anonymous call, cancel for a blocked tenant", async () => {
    expect(await ok("/global/httpTransport/onOriginRequest", spec.V10_BODY)).toEqual(spec.V10_MODIFY_REPLY);
    const answer = (response: unknown) => ({ op: "Todo__CreateOne", hook: "onOriginRequest", response });
    const anonymous = { ...spec.V10_BODY, __wg: { clientRequest: spec.CR_POST } };
    expect(await ok("/global/httpTransport/onOriginRequest", anonymous)).toEqual(answer({ skip: true, cancel: false }));
    const blocked = { ...spec.V10_BODY, __wg: { user: { ...spec.USER, customClaims: { tenant: "blocked" } } } };
    expect(await ok("/global/httpTransport/onOriginRequest", blocked)).toEqual(answer({ skip: false, cancel: true }));
  });

  it("onOriginResponse (V11), skip for other operations", async () => {
    expect(await ok("/global/httpTransport/onOriginResponse", spec.V11_BODY)).toEqual(spec.V11_REPLY);
    const other = await ok("/global/httpTransport/onOriginResponse", { ...spec.V11_BODY, operationName: "Todo__GetOne", operationType: "query" });
    expect(other).toEqual({ op: "Todo__GetOne", hook: "onOriginResponse", response: { skip: true, cancel: false } });
  });

  it("afterOriginResponse (V12)", async () => {
    expect(await ok("/global/httpTransport/afterOriginResponse", spec.V12_BODY)).toEqual(spec.V12_REPLY);
  });

  it("onConnectionInit answers the connection_init payload (V13)", async () => {
    const chat = await ok("/global/wsTransport/onConnectionInit", spec.V13_BODY);
    expect(chat).toEqual({ hook: "onConnectionInit", response: { payload: { authToken: "abc" } } });
    const other = await ok("/global/wsTransport/onConnectionInit", { ...spec.V13_BODY, dataSourceId: "otherws" });
    expect(other).toEqual({ hook: "onConnectionInit", response: { payload: {} } });
  });
});

describe("authentication hooks (V14-V17)", () => {
  it("postAuthentication (V14) and mutatingPostAuthentication allow and deny (V15)", async () => {
    expect(await ok("/authentication/postAuthentication", spec.V14_BODY)).toEqual({ hook: "postAuthentication" });

    expect(await ok("/authentication/mutatingPostAuthentication", spec.V14_BODY)).toEqual({
      hook: "mutatingPostAuthentication",
      response: { status: "ok", user: { userId: "u_1", name: "Alice", email: "alice@example.com", roles: ["user", "editor"], customClaims: { tenant: "t1" } } },
    });
    const locked = { ...spec.V14_BODY, __wg: { user: { ...spec.USER, customClaims: { locked: true } } } };
    const deny = await ok("/authentication/mutatingPostAuthentication", locked);
    expect(deny).toEqual({ hook: "mutatingPostAuthentication", response: { status: "deny", message: "account locked" } });
  });

  it("revalidateAuthentication (V16) and postLogout (V17) of a cookie user", async () => {
    expect(await ok("/authentication/revalidateAuthentication", spec.V16_BODY)).toEqual(spec.V16_REPLY);
    expect(await ok("/authentication/postLogout", spec.V16_BODY)).toEqual({ hook: "postLogout" });
  });
});

describe("upload hooks (V18, V19)", () => {
  it("preUpload answers a top-level fileKey (V18), refuses with 500 {hook, error}", async () => {
    expect(await ok("/upload/minio/avatar/preUpload", spec.V18_BODY)).toEqual({ fileKey: "avatars/u_1/cat.png" });
    const file = { ...spec.V18_BODY.file, name: "cat.gif", type: "image/gif" };
    const gif = await fireboom.post("/upload/minio/avatar/preUpload", { ...spec.V18_BODY, file });
    expect(gif.status).toBe(500);
    expect(gif.body).toEqual({ hook: "preUpload", error: "only png allowed" });
  });

  it("postUpload answers {} after a failed upload (V19) and after a stored one", async () => {
    const failed = await fireboom.post("/upload/minio/avatar/postUpload", spec.V19_BODY);
    expect(failed.status).toBe(200);
    expect(failed.text).toBe("{}");
    const { error: _error, ...stored } = spec.V19_BODY;
    const succeeded = await fireboom.post("/upload/minio/avatar/postUpload", { ...stored, file: { ...stored.file, size: 48213 } });
    expect(succeeded.status).toBe(200);
    expect(succeeded.text).toBe("{}");
  });
});

describe("functions, proxies, customized GraphQL (V20-V22)", () => {
  it("a function answers {response} with status 200 (V20)", async () => {
    expect(await ok("/function/hello", spec.V20_BODY)).toEqual({ response: { data: { msg: "hello bob" } } });
  });

  it("a subscription function streams \\n\\n-framed messages that Go's reader splits", async () => {
    const body = { ...spec.V20_BODY, input: { to: 3 } };
    const reply = await fireboom.post("/function/counter", body);
    expect(reply.status).toBe(200);
    expect(reply.text).toBe('{"data":{"n":1}}\n\n{"data":{"n":2}}\n\n{"data":{"n":3}}\n\n');
    expect(readGoFrames(reply.text)).toEqual([{ data: { n: 1 } }, { data: { n: 2 } }, { data: { n: 3 } }]);
  });

  it("X-WG-Subscribe-Once: Fireboom reads one message and drops the connection; the runtime serves on", async () => {
    const body = { ...spec.V20_BODY, input: { to: 100 } };
    const once = await fireboom.postFirstMessage("/function/counter", body, { "X-WG-Subscribe-Once": "true" });
    expect(once.status).toBe(200);
    expect(once.text).toBe('{"data":{"n":1}}\n\n');
    const next = await fireboom.post("/function/counter", { ...spec.V20_BODY, input: { to: 2 } });
    expect(next.status).toBe(200);
    expect(readGoFrames(next.text)).toEqual([{ data: { n: 1 } }, { data: { n: 2 } }]);
  });

  it("a proxy answers the envelope with the base64 body (V21), also for a non-200 answer", async () => {
    expect(await ok("/proxy/payNotify", spec.V21_BODY)).toEqual(spec.V21_REPLY);

    const unsigned = await ok("/proxy/payNotify", { ...spec.V21_BODY, request: { ...spec.V21_BODY.request, originBody: b64("trade_no=42") } });
    const failed = { ...spec.V21_REPLY.response.response, statusCode: 400, status: "Bad Request", originBody: b64("fail") };
    expect(unsigned).toEqual({ hook: "proxy", response: { skip: false, cancel: false, response: failed } });
  });

  it("customized GraphQL: POST (V22) and the SSE subscription (V22 GET)", async () => {
    const post = await ok("/gqls/chat/graphql", spec.V22_BODY, { Accept: "application/json" });
    expect(post).toEqual({ data: { message: { id: 1, text: "hi" } } });

    const sse = await fireboom.get(`/gqls/chat/graphql${spec.V22_SSE_QUERY}`, { Accept: "text/event-stream", "Cache-Control": "no-cache" });
    expect(sse.status).toBe(200);
    expect(sse.headers["content-type"]).toBe("text/event-stream");
    expect(sse.text).toBe(spec.V22_SSE_TEXT);
  });
});

describe("optional fields left out, as Fireboom leaves them out", () => {
  it("an operation hook without input, user or clientRequest: ctx.input is {} and the rest is absent", async () => {
    expect(await ok("/operation/Conf/Probe/mockResolve", { __wg: {}, cycleCounter: 2 })).toEqual({
      op: "Conf/Probe",
      hook: "mockResolve",
      response: {
        data: {
          keys: ["cycleCounter", "input", "internalClient", "log", "operation", "setClientRequestHeader"],
          input: {},
          user: null,
          clientRequest: null,
          response: null,
          operation: { path: "Conf/Probe", name: "Conf__Probe" },
          cycleCounter: 2,
        },
      },
    });
    // With everything present, ctx has it all.
    const full = (await ok("/operation/Conf/Probe/mockResolve", spec.V4_BODY)).response.data;
    expect(full).toMatchObject({ input: { id: 1 }, user: spec.USER, clientRequest: spec.CR_GET_ONE, cycleCounter: 1 });
    expect(full.keys).toEqual(["clientRequest", "cycleCounter", "input", "internalClient", "log", "operation", "setClientRequestHeader", "user"]);
  });

  it("mutatingPreResolve without input answers the input the script built; without user the example says anonymous", async () => {
    const example = await ok("/operation/Todo/CreateOne/mutatingPreResolve", { __wg: { clientRequest: spec.CR_POST }, cycleCounter: 1 });
    expect(example).toEqual({ op: "Todo/CreateOne", hook: "mutatingPreResolve", input: { createdBy: "anonymous" } });
    const echo = await ok("/operation/Conf/Echo/mutatingPreResolve", { __wg: {}, cycleCounter: 1 });
    expect(echo).toEqual({ op: "Conf/Echo", hook: "mutatingPreResolve", input: {} });
  });

  it("a function without input and user (an internal call of function/{name})", async () => {
    const internal = { method: "POST", requestURI: "/internal/operations/function/conf/probe", headers: {} };
    expect(await ok("/function/conf/probe", { __wg: { clientRequest: internal }, cycleCounter: 3 })).toEqual({
      response: {
        data: {
          keys: ["clientRequest", "cycleCounter", "input", "internalClient", "log", "operation", "setClientRequestHeader"],
          input: {},
          user: null,
          clientRequest: internal,
          operation: { path: "function/conf/probe", name: "function__conf__probe" },
          cycleCounter: 3,
        },
      },
    });
    expect(await ok("/function/hello", { __wg: {}, cycleCounter: 1 })).toEqual({ response: { data: { msg: "hello world" } } });
  });

  it("authentication without tokens and a user whose roles are null", async () => {
    expect(await ok("/authentication/postAuthentication", { __wg: { user: spec.COOKIE_USER } })).toEqual({ hook: "postAuthentication" });
    const { roles: _roles, ...noRoles } = spec.USER;
    const mutating = await ok("/authentication/mutatingPostAuthentication", { __wg: { user: { ...noRoles, roles: null } }, id_token: { sub: "u_1" } });
    const user = { userId: "u_1", name: "Alice", email: "alice@example.com", roles: ["editor"], customClaims: { tenant: "t1" } };
    expect(mutating).toEqual({ hook: "mutatingPostAuthentication", response: { status: "ok", user } });
  });

  it("an anonymous upload without meta", async () => {
    const reply = await ok("/upload/minio/avatar/preUpload", { __wg: {}, file: spec.V18_BODY.file });
    expect(reply).toEqual({ fileKey: "avatars/anonymous/cat.png" });
  });

  it("a proxy called with GET: no originBody, no __wg", async () => {
    const reply = await ok("/proxy/conf/echo", {
      request: { method: "GET", requestURI: "/operations/proxy/conf/echo?x=1", headers: { Accept: "*/*", "X-Request-Id": spec.REQUEST_ID } },
      operationName: "proxy__conf__echo",
      operationType: "QUERY",
      argsAllowList: null,
    });
    expect(reply).toEqual({
      hook: "proxy",
      response: {
        skip: false,
        cancel: false,
        response: {
          statusCode: 201,
          status: "Created",
          method: "GET",
          requestURI: "/operations/proxy/conf/echo?x=1",
          headers: { "Content-Type": "text/plain; charset=utf-8" },
          originBody: b64("收到 (no body) from anonymous"),
        },
      },
    });
  });

  it("customized GraphQL without variables and without __wg", async () => {
    const reply = await ok("/gqls/chat/graphql", { query: "{ message(id: 2) { id text } }" }, { Accept: "application/json" });
    expect(reply).toEqual({ data: { message: { id: 2, text: "yo" } } });
  });
});

describe("unicode", () => {
  const TEXT = "飞布 😀 e\u0301 👨‍👩‍👧 \u{1F1E8}\u{1F1F3} <b>&amp;</b> \u2028\u2029 \u0000 \uFFFD 𝕏";

  it("input, header values and keys survive a round trip, Go-escaped JSON included", async () => {
    const input = { name: TEXT, [`键 ${TEXT}`]: [TEXT, { nested: TEXT }], plain: "ascii" };
    const echo = await ok("/operation/Conf/Echo/mutatingPreResolve", { __wg: { user: spec.USER, clientRequest: spec.CR_POST }, input, cycleCounter: 1 });
    expect(echo).toEqual({ op: "Conf/Echo", hook: "mutatingPreResolve", input });

    const clientRequest = { ...spec.CR_POST, headers: { ...spec.CR_POST.headers, "X-Note": "café ü 飞布 😀" } };
    const headers = await ok("/operation/Conf/Headers/preResolve", { __wg: { clientRequest }, input: { name: "Zoë 飞布 🚀" }, cycleCounter: 1 });
    expect(headers).toEqual({
      op: "Conf/Headers",
      hook: "preResolve",
      setClientRequestHeaders: { ...clientRequest.headers, "X-Display-Name": "Zoë 飞布 🚀" },
    });
  });

  it("a function answers unicode; base64 bodies of proxies and afterOriginResponse are UTF-8", async () => {
    const hello = await ok("/function/hello", { ...spec.V20_BODY, input: { name: "世界 🌏 Zoë" } });
    expect(hello).toEqual({ response: { data: { msg: "hello 世界 🌏 Zoë" } } });

    const form = { ...spec.V21_BODY.request, originBody: b64(`name=${TEXT}`) };
    const proxy = await ok("/proxy/conf/echo", { ...spec.V21_BODY, request: form, __wg: { user: spec.USER } });
    expect(unb64(proxy.response.response.originBody)).toBe(`收到 name=${TEXT} from u_1`);

    const todo = { id: 1, title: "café e\u0301 飞布 😀" };
    const after = await ok("/global/httpTransport/afterOriginResponse", {
      ...spec.V12_BODY,
      response: { ...spec.V12_BODY.response, originBody: b64(JSON.stringify({ data: { Todo_findFirstTodo: todo } })) },
    });
    const upper = { data: { Todo_findFirstTodo: { id: 1, title: "CAFÉ E\u0301 飞布 😀" } } };
    expect(JSON.parse(unb64(after.response.response.originBody))).toEqual(upper);
  });
});

describe("payloads of several MiB", () => {
  /** About `bytes` of JSON: todos whose titles mix ASCII, CJK, emoji and combining marks. */
  const todos = (bytes: number) => {
    const items = [];
    for (let size = 0, i = 0; size < bytes; i++) {
      const item = { id: i, title: `待办 ${i} 😀 e\u0301 <&> padding to make the item longer`, done: i % 2 === 0 };
      items.push(item);
      size += Buffer.byteLength(JSON.stringify(item));
    }
    return items;
  };

  it("4 MiB of input through a mutatingPreResolve echo comes back intact", async () => {
    const input = { items: todos(4 * 1024 * 1024), note: "飞布" };
    const body = { __wg: { user: spec.USER, clientRequest: spec.CR_POST }, input, cycleCounter: 1 };
    expect(Buffer.byteLength(JSON.stringify(body))).toBeGreaterThan(4 * 1024 * 1024);
    const reply = await ok("/operation/Conf/Echo/mutatingPreResolve", body);
    expect(reply.input.items.length).toBe(input.items.length);
    expect(reply).toEqual({ op: "Conf/Echo", hook: "mutatingPreResolve", input });
  });

  it("a 6 MiB response through mutatingPostResolve (V7's example) comes back with only the title changed", async () => {
    const items = todos(6 * 1024 * 1024);
    const body = { ...spec.V6_BODY, response: { data: { Todo_findFirstTodo: { id: 1, title: "hello" }, items } } };
    expect(Buffer.byteLength(JSON.stringify(body))).toBeGreaterThan(6 * 1024 * 1024);
    const reply = await ok("/operation/Todo/GetOne/mutatingPostResolve", body);
    expect(reply).toEqual({ op: "Todo/GetOne", hook: "mutatingPostResolve", response: { data: { Todo_findFirstTodo: { id: 1, title: "HELLO" }, items } } });
  });

  it("a hook that changes one field of a 2 MiB response passes the rest through under the default 1 MiB result limit", async () => {
    // The result limit bounds the JSON a script writes; the orders it only spreads through do not count.
    const paid = await hookProject(server, "conformance-pass-through", {
      "operation/Orders/List/mutatingPostResolve": `export default (ctx) => ({ ...ctx.response, data: { ...ctx.response.data, status: "PAID" } });`,
    });
    const orders = todos(2 * 1024 * 1024);
    const body = { ...spec.V6_BODY, response: { data: { orders, status: "OPEN" } } };
    expect(Buffer.byteLength(JSON.stringify(body))).toBeGreaterThan(2 * 1024 * 1024);
    const caller = goCaller(paid.fireboomBaseUrl);
    const reply = await caller.post("/operation/Orders/List/mutatingPostResolve", body).finally(() => caller.close());
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body).toEqual({ op: "Orders/List", hook: "mutatingPostResolve", response: { data: { orders, status: "PAID" } } });
  });
});

it("concurrent calls over the keep-alive pool each get their own answer", async () => {
  const names = Array.from({ length: 24 }, (_, i) => `call ${i} 飞布 ${"😀".repeat(i)}`);
  const replies = await Promise.all(names.map((name) => ok("/operation/Conf/Echo/mutatingPreResolve", { __wg: {}, input: { name }, cycleCounter: 1 })));
  expect(replies.map((reply) => reply.input.name)).toEqual(names);
});

describe("health (V1)", () => {
  const REPORT = { customizes: ["chat"], functions: ["conf/probe", "counter", "hello"], proxys: ["conf/echo", "payNotify"] };

  it("answers the console poll and the engine's check alike: the lists, a stable time, no workdir", async () => {
    const poll = await fireboom.get("/health?enable-hook-report=true");
    expect(poll.status).toBe(200);
    const time = poll.body.report.time;
    expect(new Date(time).toISOString()).toBe(time);
    expect(poll.body).toEqual({ status: "ok", report: { ...REPORT, time } });
    for (const path of ["/health", "/health?enable-hook-report=false", "/health?enable-hook-report=true"]) {
      const again = await fireboom.get(path);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(poll.body);
    }
  });

  it("time moves on when the scripts change, and survives a restart of the runtime", async () => {
    const before = (await fireboom.get("/health")).body;
    const script = "export default () => ({ data: {} });";
    const uploaded = await request(server, "PUT", `/v1/projects/${hooks.project}/scripts/function/conf/added`, { script });
    expect(uploaded.status).toBe(201);
    const after = await fireboom.get("/health?enable-hook-report=true");
    expect(after.body.report.functions).toEqual(["conf/added", ...REPORT.functions]);
    expect(Date.parse(after.body.report.time)).toBeGreaterThan(Date.parse(before.report.time));

    fireboom.close();
    await server.restart();
    fireboom = goCaller(hooks.fireboomBaseUrl);
    const restarted = await fireboom.get("/health?enable-hook-report=true");
    expect(restarted.status).toBe(200);
    expect(restarted.body).toEqual(after.body);
  });
});
