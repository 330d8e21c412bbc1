/**
 * The production-mode runtime end to end: `node scripts/start.js` (workerd serving the built bundle, SQLite Durable
 * Objects on local disk), driven over real HTTP, restarted on the same data dir.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request, startServer, startStub, type Server } from "./server";

let server: Server;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

const LIB = `export const greet = (name) => "hello, " + name + "!";\nexport const VERSION = 1;\n`;
const FUNCTION = `import { greet } from "../../lib/text/greet";
export default async (ctx) => {
  console.log("greeting", ctx.input.name);
  return { data: { message: greet(ctx.input.name), upper: ctx.input.name.toUpperCase() } };
};
`;

describe("health and discovery", () => {
  it("answers /healthz with 200, status ok and the package version", async () => {
    const reply = await request(server, "GET", "/healthz", { token: null });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ status: "ok", version: "0.1.0" });
  });

  it("serves an OpenAPI 3.1 document listing the management routes", async () => {
    const reply = await request(server, "GET", "/openapi.json", { token: null });
    expect(reply.status).toBe(200);
    expect(reply.headers.get("content-type")).toContain("application/json");
    expect(reply.body.openapi).toBe("3.1.0");
    const paths = Object.keys(reply.body.paths);
    expect(paths).toContain("/v1/projects/{project}");
    expect(paths).toContain("/v1/projects/{project}/invoke");
    expect(paths.some((p) => p.startsWith("/v1/projects/{project}/scripts/"))).toBe(true);
  });
});

describe("a project over real HTTP, across a restart", () => {
  const project = `e2e-${Date.now().toString(36)}`;
  let apiKey: string;

  it("creates a project, uploads a script importing a lib/ script, and invokes it", async () => {
    const created = await request(server, "PUT", `/v1/projects/${project}`);
    expect(created.status).toBe(201);
    expect(created.body.project).toBe(project);
    expect(created.body.fireboomBaseUrl).toBe(`${server.url}/fireboom/${project}/${created.body.hookKey}`);
    apiKey = created.body.apiKey;
    expect(typeof apiKey).toBe("string");

    const lib = await request(server, "PUT", `/v1/projects/${project}/scripts/lib/text/greet`, { token: apiKey, script: LIB });
    expect(lib.status).toBe(201);
    expect(lib.body).toMatchObject({ path: "lib/text/greet", version: 1 });
    const fn = await request(server, "PUT", `/v1/projects/${project}/scripts/function/hello/world`, { token: apiKey, script: FUNCTION });
    expect(fn.status).toBe(201);
    expect(fn.body).toMatchObject({ path: "function/hello/world", version: 1 });
    expect(fn.body.sha256).toMatch(/^[0-9a-f]{64}$/);

    const same = await request(server, "PUT", `/v1/projects/${project}/scripts/function/hello/world`, { token: apiKey, script: FUNCTION });
    expect(same.status).toBe(200);
    expect(same.body.version).toBe(1);

    const invoked = await request(server, "POST", `/v1/projects/${project}/invoke`, {
      token: apiKey,
      json: { path: "function/hello/world", args: [{ input: { name: "ada" } }] },
    });
    expect(invoked.status).toBe(200);
    expect(invoked.body.ok).toBe(true);
    expect(invoked.body.result).toEqual({ data: { message: "hello, ada!", upper: "ADA" } });
    expect(invoked.body.logs).toEqual([expect.objectContaining({ level: "log", message: expect.stringContaining("greeting ada") })]);
    expect(invoked.body.usage).toEqual({ cpuMs: expect.any(Number), memoryBytes: expect.any(Number) });
  });

  it("applies project settings", async () => {
    const patched = await request(server, "PATCH", `/v1/projects/${project}`, {
      token: apiKey,
      json: { fireboom: { internalUrl: "http://127.0.0.1:9991" }, limits: { cpuMs: 50 } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.settings).toMatchObject({ fireboom: { internalUrl: "http://127.0.0.1:9991" }, limits: { cpuMs: 50 } });
  });

  it("keeps the project, its scripts, settings and keys across a restart on the same data dir", async () => {
    await server.restart();
    expect((await request(server, "GET", "/healthz", { token: null })).status).toBe(200);

    const listed = await request(server, "GET", `/v1/projects/${project}/scripts`, { token: apiKey });
    expect(listed.status).toBe(200);
    expect(listed.body.scripts.map((s: { path: string }) => s.path).sort()).toEqual(["function/hello/world", "lib/text/greet"]);

    const detail = await request(server, "GET", `/v1/projects/${project}/scripts/function/hello/world`, { token: apiKey });
    expect(detail.status).toBe(200);
    expect(detail.body.source).toBe(FUNCTION);

    const settings = await request(server, "GET", `/v1/projects/${project}`, { token: apiKey });
    expect(settings.status).toBe(200);
    expect(settings.body.settings).toMatchObject({ fireboom: { internalUrl: "http://127.0.0.1:9991" }, limits: { cpuMs: 50 } });

    const invoked = await request(server, "POST", `/v1/projects/${project}/invoke`, {
      token: apiKey,
      json: { path: "function/hello/world", args: [{ input: { name: "grace" } }] },
    });
    expect(invoked.status).toBe(200);
    expect(invoked.body).toMatchObject({ ok: true, result: { data: { message: "hello, grace!", upper: "GRACE" } } });

    // Creating it again answers 200 without new keys: it exists.
    const again = await request(server, "PUT", `/v1/projects/${project}`);
    expect(again.status).toBe(200);
    expect(again.body.apiKey).toBeUndefined();
  });

  it("serves new uploads after the restart, with versions continuing", async () => {
    const v2 = await request(server, "PUT", `/v1/projects/${project}/scripts/lib/text/greet`, {
      token: apiKey,
      script: LIB.replace('"hello, "', '"hi, "'),
    });
    expect(v2.status).toBe(201);
    expect(v2.body.version).toBe(2);
    const invoked = await request(server, "POST", `/v1/projects/${project}/invoke`, {
      token: apiKey,
      json: { path: "function/hello/world", args: [{ input: { name: "ada" } }] },
    });
    expect(invoked.body).toMatchObject({ ok: true, result: { data: { message: "hi, ada!" } } });
  });
});

describe("outbound fetch", () => {
  it("reaches a server on loopback (e.g. a local Fireboom), for a host the script lists", async () => {
    const stub = await startStub((req) => ({ body: { hello: "from loopback", method: req.method, url: req.url } }));
    try {
      const project = `e2e-net-${Date.now().toString(36)}`;
      const created = await request(server, "PUT", `/v1/projects/${project}`);
      expect(created.status).toBe(201);
      const source = `export const permissions = { net: ["127.0.0.1"] };
export default async (path) => {
  const res = await fetch(${JSON.stringify(stub.url)} + path, { method: "POST", body: "{}" });
  return { status: res.status, body: await res.json() };
};
`;
      expect((await request(server, "PUT", `/v1/projects/${project}/scripts/function/loop`, { script: source })).status).toBe(201);
      const invoked = await request(server, "POST", `/v1/projects/${project}/invoke`, { json: { path: "function/loop", args: ["/x?y=1"] } });
      expect(invoked.status).toBe(200);
      expect(invoked.body).toMatchObject({ ok: true, result: { status: 200, body: { hello: "from loopback", method: "POST", url: "/x?y=1" } } });
      expect(stub.requests).toHaveLength(1);
    } finally {
      await stub.close();
    }
  });
});

describe("bad input gets 4xx JSON errors over real HTTP", () => {
  const project = `e2e-bad-${Date.now().toString(36)}`;
  let apiKey: string;
  beforeAll(async () => {
    const created = await request(server, "PUT", `/v1/projects/${project}`);
    expect(created.status).toBe(201);
    apiKey = created.body.apiKey;
  });

  const expectError = (reply: { status: number; body: any; headers: Headers }, status: number, code: string) => {
    expect(reply.status, JSON.stringify(reply.body)).toBe(status);
    expect(reply.headers.get("content-type")).toContain("application/json");
    expect(reply.body.error).toMatchObject({ code, message: expect.any(String) });
  };

  it("refuses a script over 1 MiB with 413 and stores nothing", async () => {
    const big = await request(server, "PUT", `/v1/projects/${project}/scripts/function/big`, {
      token: apiKey,
      script: `export default () => "${"x".repeat(1024 * 1024)}";`,
    });
    expectError(big, 413, "payload_too_large");
    const listed = await request(server, "GET", `/v1/projects/${project}/scripts`, { token: apiKey });
    expect(listed.body.scripts).toEqual([]);
  });

  it("answers a compile error with 400, line and column", async () => {
    const reply = await request(server, "PUT", `/v1/projects/${project}/scripts/function/broken`, {
      token: apiKey,
      script: "const a = 1;\nexport default (x) => {\n  return x +;\n};\n",
    });
    expectError(reply, 400, "compile_error");
    expect(reply.body.error).toMatchObject({ line: 3, column: expect.any(Number) });
  });

  it("answers an unknown script kind with 400 and a wrong content type with 415", async () => {
    expectError(await request(server, "PUT", `/v1/projects/${project}/scripts/widgets/x`, { token: apiKey, script: "export default 1" }), 400, "invalid_request");
    expectError(
      await request(server, "PUT", `/v1/projects/${project}/scripts/function/x`, {
        token: apiKey,
        body: "export default 1",
        headers: { "Content-Type": "text/html" },
      }),
      415,
      "unsupported_media_type",
    );
  });

  it("answers bad JSON and a bad project name with 400", async () => {
    const badJson = await request(server, "POST", `/v1/projects/${project}/invoke`, {
      token: apiKey,
      body: "{not json",
      headers: { "Content-Type": "application/json" },
    });
    expect(badJson.status).toBe(400);
    expect(badJson.body.error.code).toEqual(expect.any(String));
    const badName = await request(server, "PUT", "/v1/projects/Not_A_Name");
    expect(badName.status).toBe(400);
    expect(badName.body.error.code).toEqual(expect.any(String));
  });

  it("answers a missing or wrong token with 401, and another project's key with 404", async () => {
    expectError(await request(server, "GET", `/v1/projects/${project}/scripts`, { token: null }), 401, "unauthorized");
    expect((await request(server, "GET", `/v1/projects/${project}/scripts`, { token: "nope" })).status).toBe(401);
    const other = await request(server, "PUT", `/v1/projects/${project}-other`);
    expect(other.status).toBe(201);
    const foreign = await request(server, "GET", `/v1/projects/${project}/scripts`, { token: other.body.apiKey });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe("not_found");
  });

  it("answers an unknown route with 404 JSON", async () => {
    expectError(await request(server, "GET", "/v1/nothing-here"), 404, "not_found");
  });
});
