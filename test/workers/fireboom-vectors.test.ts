import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import {
  REQUEST_ID,
  V10_BODY,
  V10_MODIFY_REPLY,
  V11_BODY,
  V11_REPLY,
  V12_BODY,
  V12_REPLY,
  V13_BODY,
  V14_BODY,
  V16_BODY,
  V16_REPLY,
  V18_BODY,
  V19_BODY,
  V20_BODY,
  V21_BODY,
  V21_REPLY,
  V22_BODY,
  V22_SSE_QUERY,
  V22_SSE_TEXT,
  V2_BODY,
  V4_BODY,
  V6_BODY,
  V8_BODY,
  V9_BODY,
  V9_MODIFY_REPLY,
} from "../fixtures/fireboom";
import { parseBody } from "../fixtures/http";
import { newProject, uploadOk } from "./helpers";

/** The test vectors V1-V23 of fireboom-hooks.md §7, sent exactly as Fireboom sends them. */

interface Reply {
  status: number;
  body: any;
  text: string;
  headers: Headers;
}

let base = "";
let project = "";

async function send(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const init: RequestInit = { method, headers: { "X-Request-Id": REQUEST_ID, ...headers } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    (init.headers as Record<string, string>)["Content-Type"] = "application/json";
  }
  const response = await SELF.fetch(url, init);
  const text = await response.text();
  return { status: response.status, body: parseBody(text), text, headers: response.headers };
}

const hook = (path: string, body: unknown) => send("POST", `${base}${path}`, body);

const script = (path: string, source: string, target = project) => uploadOk(target, path, source);

beforeAll(async () => {
  const created = await newProject("fbv");
  base = created.fireboomBaseUrl;
  project = created.project;
});

describe("V1 health", () => {
  it("lists the project's functions, proxies and customizes with a stable time and no workdir", async () => {
    const own = await newProject("fbh");
    await script("function/hello", "export default () => ({ data: {} })", own.project);
    await script("proxy/payNotify", "export default () => ({ statusCode: 200 })", own.project);
    await script("customize/chat", "export default () => ({ data: {} })", own.project);
    await script("operation/Todo/GetOne/preResolve", "export default () => {}", own.project);
    const first = await send("GET", `${own.fireboomBaseUrl}/health?enable-hook-report=true`);
    expect(first.status).toBe(200);
    const time = first.body.report.time;
    expect(new Date(time).toISOString()).toBe(time);
    expect(first.body).toEqual({ status: "ok", report: { customizes: ["chat"], functions: ["hello"], proxys: ["payNotify"], time } });
    const again = await send("GET", `${own.fireboomBaseUrl}/health`);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
  });
});

describe("operation hooks", () => {
  it("V2 preResolve OK", async () => {
    await script(
      "operation/Todo/CreateOne/preResolve",
      `export default (ctx) => {
        if (ctx.operation.path !== "Todo/CreateOne" || ctx.operation.name !== "Todo__CreateOne") throw new Error("bad operation");
        if (ctx.cycleCounter !== 1 || ctx.user.userId !== "u_1" || ctx.clientRequest.method !== "POST") throw new Error("bad ctx");
        if (ctx.input.title !== "hello") throw new Error("bad input");
        ctx.log.info("checked", ctx.input.title);
      }`,
    );
    const reply = await hook("/operation/Todo/CreateOne/preResolve", V2_BODY);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ op: "Todo/CreateOne", hook: "preResolve", setClientRequestHeaders: {} });
  });

  it("V2 preResolve reject: a thrown error answers 500 {hook, error}", async () => {
    await script(
      "operation/Todo/CreateOne/preResolve",
      `export default (ctx) => { if (ctx.input.title.length < 6) throw new Error("title too short"); }`,
    );
    const reply = await hook("/operation/Todo/CreateOne/preResolve", V2_BODY);
    expect(reply.status).toBe(500);
    expect(reply.body).toEqual({ hook: "preResolve", error: "title too short" });
  });

  it("V3 mutatingPreResolve", async () => {
    await script("operation/Todo/CreateOne/mutatingPreResolve", "export default (ctx) => ({ ...ctx.input, createdBy: ctx.user.userId })");
    const reply = await hook("/operation/Todo/CreateOne/mutatingPreResolve", V2_BODY);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ op: "Todo/CreateOne", hook: "mutatingPreResolve", input: { title: "hello", createdBy: "u_1" } });
  });

  it("V4 mockResolve", async () => {
    await script("operation/Todo/GetOne/mockResolve", `export default (ctx) => ({ data: { Todo_findFirstTodo: { id: ctx.input.id, title: "mock" } } })`);
    const reply = await hook("/operation/Todo/GetOne/mockResolve", V4_BODY);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ op: "Todo/GetOne", hook: "mockResolve", response: { data: { Todo_findFirstTodo: { id: 1, title: "mock" } } } });
  });

  it("V5 customResolve skip (undefined and null both continue)", async () => {
    for (const source of ["export default () => {}", "export default async () => null"]) {
      await script("operation/Todo/GetOne/customResolve", source);
      const reply = await hook("/operation/Todo/GetOne/customResolve", V4_BODY);
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({ op: "Todo/GetOne", hook: "customResolve", response: null });
    }
  });

  it("V5 customResolve resolve", async () => {
    await script("operation/Todo/GetOne/customResolve", `export default async (ctx) => ({ data: { Todo_findFirstTodo: { id: ctx.input.id, title: "from hook" } } })`);
    const reply = await hook("/operation/Todo/GetOne/customResolve", V4_BODY);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ op: "Todo/GetOne", hook: "customResolve", response: { data: { Todo_findFirstTodo: { id: 1, title: "from hook" } } } });
  });

  it("V6 postResolve", async () => {
    await script(
      "operation/Todo/GetOne/postResolve",
      `export default (ctx) => { if (ctx.response.data.Todo_findFirstTodo.title !== "hello") throw new Error("bad response"); return { ignored: true }; }`,
    );
    const reply = await hook("/operation/Todo/GetOne/postResolve", V6_BODY);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ op: "Todo/GetOne", hook: "postResolve" });
  });

  it("V7 mutatingPostResolve", async () => {
    await script(
      "operation/Todo/GetOne/mutatingPostResolve",
      `export default (ctx) => {
        const todo = ctx.response.data.Todo_findFirstTodo;
        return { ...ctx.response, data: { Todo_findFirstTodo: { ...todo, title: todo.title.toUpperCase() } } };
      }`,
    );
    const reply = await hook("/operation/Todo/GetOne/mutatingPostResolve", V6_BODY);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ op: "Todo/GetOne", hook: "mutatingPostResolve", response: { data: { Todo_findFirstTodo: { id: 1, title: "HELLO" } } } });
  });

  it("V8 postResolve on subscription teardown: anonymous, no input, no response", async () => {
    await script(
      "operation/Chat/OnMessage/postResolve",
      `export default (ctx) => {
        if (ctx.canceled !== true || "user" in ctx || "response" in ctx) throw new Error("bad ctx " + JSON.stringify(ctx));
        if (JSON.stringify(ctx.input) !== "{}" || ctx.operation.name !== "Chat__OnMessage") throw new Error("bad input");
      }`,
    );
    const reply = await hook("/operation/Chat/OnMessage/postResolve", V8_BODY);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ op: "Chat/OnMessage", hook: "postResolve" });
  });
});

describe("global hooks", () => {
  it("V9 beforeOriginRequest skip", async () => {
    await script("global/beforeOriginRequest", "export default () => undefined");
    const reply = await hook("/global/httpTransport/beforeOriginRequest", V9_BODY);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ op: "Todo__CreateOne", hook: "beforeOriginRequest", response: { skip: true, cancel: false } });
  });

  it("V9 beforeOriginRequest modify", async () => {
    await script(
      "global/beforeOriginRequest",
      `export default (ctx) => {
        const { "X-Real-Ip": _ip, ...headers } = ctx.request.headers;
        const body = { ...JSON.parse(atob(ctx.request.originBody)), priority: 1 };
        return { method: ctx.request.method, requestURI: ctx.request.requestURI, headers, originBody: btoa(JSON.stringify(body)) };
      }`,
    );
    const reply = await hook("/global/httpTransport/beforeOriginRequest", V9_BODY);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual(V9_MODIFY_REPLY);
  });

  it("V10 onOriginRequest modify", async () => {
    await script(
      "global/onOriginRequest",
      `export default (ctx) => ({
        method: ctx.request.method,
        requestURI: ctx.request.requestURI,
        headers: { Accept: "application/json", "Content-Type": "application/json", "X-Tenant": ctx.user.customClaims.tenant },
        body: { title: ctx.request.body.title },
      })`,
    );
    const reply = await hook("/global/httpTransport/onOriginRequest", V10_BODY);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual(V10_MODIFY_REPLY);
  });

  it("V10 onOriginRequest cancel, and {skip: true} skips", async () => {
    await script("global/onOriginRequest", "export default () => ({ cancel: true })");
    const cancel = await hook("/global/httpTransport/onOriginRequest", V10_BODY);
    expect(cancel.status).toBe(200);
    expect(cancel.body).toEqual({ op: "Todo__CreateOne", hook: "onOriginRequest", response: { skip: false, cancel: true } });
    await script("global/onOriginRequest", "export default () => ({ skip: true })");
    const skip = await hook("/global/httpTransport/onOriginRequest", V10_BODY);
    expect(skip.body).toEqual({ op: "Todo__CreateOne", hook: "onOriginRequest", response: { skip: true, cancel: false } });
  });

  it("V11 onOriginResponse", async () => {
    await script(
      "global/onOriginResponse",
      `export default (ctx) => ({
        ...ctx.response,
        headers: { "Content-Type": "application/json" },
        body: { ...ctx.response.body, title: ctx.response.body.title.toUpperCase() },
      })`,
    );
    const reply = await hook("/global/httpTransport/onOriginResponse", V11_BODY);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual(V11_REPLY);
  });

  it("V12 afterOriginResponse", async () => {
    await script(
      "global/afterOriginResponse",
      `export default (ctx) => {
        const body = JSON.parse(atob(ctx.response.originBody));
        body.data.Todo_findFirstTodo.title = body.data.Todo_findFirstTodo.title.toUpperCase();
        return { ...ctx.response, headers: { "Content-Type": "application/json" }, originBody: btoa(JSON.stringify(body)) };
      }`,
    );
    const reply = await hook("/global/httpTransport/afterOriginResponse", V12_BODY);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual(V12_REPLY);
  });

  it("V13 onConnectionInit", async () => {
    await script(
      "global/onConnectionInit",
      `export default (ctx) => {
        if (ctx.dataSourceId !== "chatws" || ctx.request.requestURI !== "wss://chat.example.com/graphql") throw new Error("bad ctx");
        return { authToken: "abc" };
      }`,
    );
    const reply = await hook("/global/wsTransport/onConnectionInit", V13_BODY);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ hook: "onConnectionInit", response: { payload: { authToken: "abc" } } });
  });
});

describe("authentication hooks", () => {
  it("V14 postAuthentication", async () => {
    await script("authentication/postAuthentication", `export default (ctx) => { if (ctx.accessToken.sub !== ctx.user.userId) throw new Error("mismatch"); }`);
    const reply = await hook("/authentication/postAuthentication", V14_BODY);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ hook: "postAuthentication" });
  });

  it("V15 mutatingPostAuthentication allow", async () => {
    await script(
      "authentication/mutatingPostAuthentication",
      `export default (ctx) => ({
        status: "ok",
        message: "",
        user: { userId: ctx.user.userId, name: ctx.user.name, email: ctx.user.email, roles: ["user", "editor"], customClaims: ctx.user.customClaims },
      })`,
    );
    const reply = await hook("/authentication/mutatingPostAuthentication", V14_BODY);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      hook: "mutatingPostAuthentication",
      response: {
        status: "ok",
        message: "",
        user: { userId: "u_1", name: "Alice", email: "alice@example.com", roles: ["user", "editor"], customClaims: { tenant: "t1" } },
      },
    });
  });

  it("V15 mutatingPostAuthentication deny", async () => {
    await script("authentication/mutatingPostAuthentication", `export default () => ({ status: "deny", message: "account locked" })`);
    const reply = await hook("/authentication/mutatingPostAuthentication", V14_BODY);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ hook: "mutatingPostAuthentication", response: { status: "deny", message: "account locked" } });
  });

  it("V16 revalidateAuthentication", async () => {
    await script(
      "authentication/revalidateAuthentication",
      `export default ({ user }) => {
        if (!user.fromCookie) throw new Error("expected a cookie user");
        return { status: "ok", user: { provider: user.provider, providerId: user.providerId, userId: user.userId, email: user.email, roles: ["admin"] } };
      }`,
    );
    const reply = await hook("/authentication/revalidateAuthentication", V16_BODY);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual(V16_REPLY);
  });

  it("V17 postLogout", async () => {
    await script("authentication/postLogout", `export default (ctx) => { ctx.log.info("logged out", ctx.user.userId); }`);
    const reply = await hook("/authentication/postLogout", V16_BODY);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ hook: "postLogout" });
  });
});

describe("upload hooks", () => {
  it("V18 preUpload", async () => {
    await script(
      "upload/minio/avatar/preUpload",
      `export default (ctx) => {
        if (ctx.file.type !== "image/png") return { error: "only png allowed" };
        return { fileKey: "avatars/" + ctx.user.userId + "/" + ctx.file.name };
      }`,
    );
    const reply = await hook("/upload/minio/avatar/preUpload", V18_BODY);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ fileKey: "avatars/u_1/cat.png" });
    const rejected = await hook("/upload/minio/avatar/preUpload", { ...V18_BODY, file: { ...V18_BODY.file, name: "cat.gif", type: "image/gif" } });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toEqual({ error: "only png allowed" });
  });

  it("V19 postUpload after a failed upload", async () => {
    await script(
      "upload/minio/avatar/postUpload",
      `export default (ctx) => { if (ctx.error.message !== "bucket not reachable" || ctx.meta.postId !== 1) throw new Error("bad ctx"); }`,
    );
    const reply = await hook("/upload/minio/avatar/postUpload", V19_BODY);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({});
  });
});

describe("functions, proxies, customized GraphQL", () => {
  it("V20 function (query)", async () => {
    await script("function/hello", "export default async (ctx) => ({ data: { msg: `hello ${ctx.input.name}` } })");
    const reply = await hook("/function/hello", V20_BODY);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ response: { data: { msg: "hello bob" } } });
  });

  it("V20 function (subscription): a \\n\\n-framed stream of the yielded messages", async () => {
    await script("function/chat/ticks", "export default async function* () { yield { data: { n: 1 } }; yield { data: { n: 2 } }; }");
    const reply = await send("POST", `${base}/function/chat/ticks`, V20_BODY, { "X-WG-Subscribe-Once": "true" });
    expect(reply.status).toBe(200);
    expect(reply.text).toBe('{"data":{"n":1}}\n\n{"data":{"n":2}}\n\n');
  });

  it("V21 proxy", async () => {
    await script(
      "proxy/payNotify",
      `export default (ctx) => {
        const form = new URLSearchParams(ctx.request.body);
        if (form.get("trade_no") !== "42" || ctx.operationType !== "MUTATION") throw new Error("bad request");
        return { statusCode: 200, headers: { "Content-Type": "text/plain" }, body: "success" };
      }`,
    );
    const reply = await hook("/proxy/payNotify", V21_BODY);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual(V21_REPLY);
  });

  const CUSTOMIZE = `
    export default (ctx) => {
      if (ctx.query.startsWith("subscription")) {
        return (async function* () { yield { data: { onMessage: { id: 2, text: "yo" } } }; })();
      }
      return { data: { message: { id: ctx.variables.a, text: "hi" } } };
    }`;

  it("V22 customize GraphQL (POST)", async () => {
    await script("customize/chat", CUSTOMIZE);
    const reply = await hook("/gqls/chat/graphql", V22_BODY);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ data: { message: { id: 1, text: "hi" } } });
  });

  it("V22 customize GraphQL subscription (GET, SSE)", async () => {
    await script("customize/chat", CUSTOMIZE);
    const reply = await send("GET", `${base}/gqls/chat/graphql${V22_SSE_QUERY}`, undefined, { Accept: "text/event-stream" });
    expect(reply.status).toBe(200);
    expect(reply.headers.get("Content-Type")).toBe("text/event-stream");
    expect(reply.text).toBe(V22_SSE_TEXT);
  });
});
