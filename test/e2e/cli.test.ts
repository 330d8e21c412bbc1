/**
 * The `hookflow` CLI (bin/hookflow.js) run as a real child process: `fireboom-stubs` on a copy of
 * examples/fireboom, and `push` of examples/fireboom to a real running server (which also proves that every
 * example script compiles: a compile error would be a 400).
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, sep } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuthenticationHookResult, FunctionHook, OnRequestHookResult } from "hookflow/fireboom";
import { CR_GET_ONE, CR_POST, REQUEST_ID, USER } from "../fixtures/fireboom";
import { runCli } from "./cli-runner";
import { ROOT, request, startServer, type Server } from "./server";

const EXAMPLES = join(ROOT, "examples", "fireboom");

/** Every file under dir, relative with "/" separators, sorted. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const visit = (current: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const file = join(current, entry.name);
      if (entry.isDirectory()) visit(file);
      else out.push(relative(dir, file).split(sep).join("/"));
    }
  };
  visit(dir);
  return out.sort();
}

/** The script paths of examples/fireboom: every .js file without its extension. */
const EXAMPLE_SCRIPTS = filesUnder(EXAMPLES)
  .filter((f) => f.endsWith(".js"))
  .map((f) => f.replace(/\.js$/, ""))
  .sort();

/** Writes a file, creating its folders. */
function put(dir: string, rel: string, content: string): void {
  mkdirSync(dirname(join(dir, rel)), { recursive: true });
  writeFileSync(join(dir, rel), content);
}
const example = (rel: string) => readFileSync(join(EXAMPLES, rel), "utf8");

const temps: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

describe("hookflow --help", () => {
  it("prints both commands and says TypeScript is not supported", async () => {
    const run = await runCli(["--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("hookflow push <dir>");
    expect(run.stdout).toContain("hookflow fireboom-stubs <fireboom-workdir>");
    expect(run.stdout).toContain("TypeScript (.ts) is NOT supported");
  });

  it("rejects an unknown command with exit code 2", async () => {
    const run = await runCli(["deploy"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown command "deploy"');
  });
});

describe("hookflow fireboom-stubs", () => {
  it("writes exactly the marker and JSON files Fireboom needs for examples/fireboom", async () => {
    const hooks = tempDir("hookflow-hooks-");
    cpSync(EXAMPLES, hooks, { recursive: true });
    const workdir = tempDir("hookflow-fireboom-");

    const run = await runCli(["fireboom-stubs", workdir, "--dir", hooks]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);

    const expected = [
      "custom-ts/authentication/mutatingPostAuthentication.ts",
      "custom-ts/authentication/postAuthentication.ts",
      "custom-ts/authentication/postLogout.ts",
      "custom-ts/authentication/revalidateAuthentication.ts",
      "custom-ts/customize/chat.json",
      "custom-ts/function/counter.json",
      "custom-ts/function/hello.json",
      "custom-ts/global/afterOriginResponse.ts",
      "custom-ts/global/beforeOriginRequest.ts",
      "custom-ts/global/onConnectionInit.ts",
      "custom-ts/global/onOriginRequest.ts",
      "custom-ts/global/onOriginResponse.ts",
      "custom-ts/operation/Chat/OnMessage/postResolve.ts",
      "custom-ts/operation/Todo/CreateOne/mutatingPreResolve.ts",
      "custom-ts/operation/Todo/CreateOne/preResolve.ts",
      "custom-ts/operation/Todo/GetOne/customResolve.ts",
      "custom-ts/operation/Todo/GetOne/mockResolve.ts",
      "custom-ts/operation/Todo/GetOne/mutatingPostResolve.ts",
      "custom-ts/operation/Todo/GetOne/postResolve.ts",
      "custom-ts/proxy/payNotify.json",
      "custom-ts/upload/minio/avatar/postUpload.ts",
      "custom-ts/upload/minio/avatar/preUpload.ts",
    ];
    expect(filesUnder(workdir)).toEqual(expected);
    for (const file of expected) expect(run.stdout).toContain(`wrote ${file}\n`);
    expect(run.stdout).toContain("22 files written");

    const root = join(workdir, "custom-ts");
    expect(readFileSync(join(root, "operation/Todo/CreateOne/preResolve.ts"), "utf8")).toBe(
      "// Served by hookflow (script operation/Todo/CreateOne/preResolve); this file only tells Fireboom the hook exists.\n",
    );
    expect(readFileSync(join(root, "upload/minio/avatar/preUpload.ts"), "utf8")).toBe(
      "// Served by hookflow (script upload/minio/avatar/preUpload); this file only tells Fireboom the hook exists.\n",
    );

    // Function / proxy: wgpb.Operation JSON with numeric operationType and JSON-schema strings.
    const hello = JSON.parse(readFileSync(join(root, "function/hello.json"), "utf8"));
    const declared = JSON.parse(readFileSync(join(EXAMPLES, "function/hello.json"), "utf8"));
    expect(hello).toEqual({
      operationType: 0,
      variablesSchema: JSON.stringify(declared.variablesSchema),
      responseSchema: JSON.stringify(declared.responseSchema),
    });
    expect(JSON.parse(readFileSync(join(root, "function/counter.json"), "utf8")).operationType).toBe(2);
    expect(JSON.parse(readFileSync(join(root, "proxy/payNotify.json"), "utf8"))).toEqual({
      operationType: 1,
      variablesSchema: '{"type":"object"}',
      responseSchema: '{"type":"object"}',
    });

    // Customize: the bare __schema object.
    const chat = JSON.parse(readFileSync(join(root, "customize/chat.json"), "utf8"));
    expect(chat).toEqual(JSON.parse(readFileSync(join(EXAMPLES, "customize/chat.json"), "utf8")).__schema);
  });

  it("honours --sdk-output and --ext, defaults a function without a declaration, warns for TypeScript and a customize without schema", async () => {
    const hooks = tempDir("hookflow-hooks-");
    put(hooks, "README.md", "not a script\n");
    put(hooks, "global/onOriginRequest.js", example("global/onOriginRequest.js"));
    put(hooks, "function/greet/bob.js", example("function/hello.js"));
    put(hooks, "customize/nochema.js", example("customize/chat.js"));
    put(hooks, "lib/todo.js", example("lib/todo.js"));
    put(hooks, "global/onOriginResponse.ts", "export default () => undefined;\n");
    const workdir = tempDir("hookflow-fireboom-");

    const run = await runCli(["fireboom-stubs", workdir, "--dir", hooks, "--sdk-output", "custom-go", "--ext", ".go"]);
    expect(run.code).toBe(0);
    expect(filesUnder(workdir)).toEqual(["custom-go/function/greet/bob.json", "custom-go/global/onOriginRequest.go"]);
    expect(JSON.parse(readFileSync(join(workdir, "custom-go/function/greet/bob.json"), "utf8"))).toEqual({
      operationType: 0,
      variablesSchema: '{"type":"object"}',
      responseSchema: '{"type":"object"}',
    });
    expect(run.stdout).toContain("global/onOriginResponse.ts: TypeScript is not supported");
    expect(run.stdout).toContain("customize/nochema.js: no customize/nochema.json with the introspection __schema");
    expect(run.stdout).toContain("2 files written");
    expect(run.stdout).toContain("2 warnings");
  });
});

describe("hookflow push", () => {
  let server: Server;
  const project = "cli-push";

  beforeAll(async () => {
    server = await startServer();
    const created = await request(server, "PUT", `/v1/projects/${project}`);
    expect(created.status).toBe(201);
  });
  afterAll(async () => {
    await server?.stop();
  });

  const env = () => ({ HOOKFLOW_URL: server.url, HOOKFLOW_PROJECT: project, HOOKFLOW_TOKEN: server.adminToken });

  it("uploads every example script (lib first), then finds them all unchanged", async () => {
    const first = await runCli(["push", EXAMPLES], env());
    expect(first.stdout).not.toContain("✗");
    expect(first.code).toBe(0);
    const lines = first.stdout.split("\n").filter((l) => l.startsWith("✓"));
    expect(lines).toHaveLength(EXAMPLE_SCRIPTS.length);
    expect(lines[0]).toBe("✓ lib/todo: created v1");
    for (const path of EXAMPLE_SCRIPTS) expect(first.stdout).toContain(`✓ ${path}: created v1\n`);
    expect(first.stdout).toContain(`${EXAMPLE_SCRIPTS.length} files: ${EXAMPLE_SCRIPTS.length} created, 0 unchanged, 0 failed`);

    const listed = await request<{ scripts: { path: string; version: number }[] }>(server, "GET", `/v1/projects/${project}/scripts`);
    expect(listed.status).toBe(200);
    expect(listed.body.scripts.map((s) => s.path).sort()).toEqual(EXAMPLE_SCRIPTS);

    const stored = await request(server, "GET", `/v1/projects/${project}/scripts/operation/Todo/CreateOne/preResolve`);
    expect(stored.body.source).toBe(readFileSync(join(EXAMPLES, "operation/Todo/CreateOne/preResolve.js"), "utf8"));

    const second = await runCli(["push", EXAMPLES, "--url", server.url, "--project", project, "--token", server.adminToken]);
    expect(second.code).toBe(0);
    for (const path of EXAMPLE_SCRIPTS) expect(second.stdout).toContain(`✓ ${path}: unchanged v1\n`);
    expect(second.stdout).toContain(`${EXAMPLE_SCRIPTS.length} files: 0 created, ${EXAMPLE_SCRIPTS.length} unchanged, 0 failed`);
  });

  it("the pushed examples answer the protocol spec's vectors (run through POST /invoke)", async () => {
    const invoke = async (path: string, ctx: unknown) => {
      const reply = await request(server, "POST", `/v1/projects/${project}/invoke`, { json: { path, args: [ctx] } });
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      expect(reply.body.ok, JSON.stringify(reply.body)).toBe(true);
      return reply.body.result;
    };
    const b64 = (text: string) => btoa(text);

    // V3, V4, V5, V7
    expect(await invoke("operation/Todo/CreateOne/mutatingPreResolve", { user: USER, clientRequest: CR_POST, input: { title: "hello" } })).toEqual({ title: "hello", createdBy: "u_1" });
    expect(await invoke("operation/Todo/GetOne/mockResolve", { user: USER, clientRequest: CR_GET_ONE, input: { id: 1 } })).toEqual({ data: { Todo_findFirstTodo: { id: 1, title: "mock" } } });
    expect(await invoke("operation/Todo/GetOne/customResolve", { user: USER, clientRequest: CR_GET_ONE, input: { id: 1 } })).toBeNull();
    expect(
      await invoke("operation/Todo/GetOne/customResolve", { user: USER, clientRequest: { ...CR_GET_ONE, headers: { ...CR_GET_ONE.headers, "X-Resolve-In-Hook": "1" } }, input: { id: 1 } }),
    ).toEqual({ data: { Todo_findFirstTodo: { id: 1, title: "from hook" } } });
    expect(
      await invoke("operation/Todo/GetOne/mutatingPostResolve", { user: USER, clientRequest: CR_GET_ONE, input: { id: 1 }, response: { data: { Todo_findFirstTodo: { id: 1, title: "hello" } } } }),
    ).toEqual({ data: { Todo_findFirstTodo: { id: 1, title: "HELLO" } } });

    // V9: the replacement request, body {"title":"hello","priority":1}
    expect(
      await invoke("global/beforeOriginRequest", {
        request: { method: "POST", requestURI: "/operations/Todo/CreateOne", headers: { "Content-Type": "application/json", "X-Request-Id": REQUEST_ID, "X-Real-Ip": "10.0.0.5:51234" }, originBody: b64('{"title":"hello"}') },
        operationName: "Todo__CreateOne", operationType: "mutation", argsAllowList: ["title"], user: USER,
      }),
    ).toEqual({ method: "POST", requestURI: "/operations/Todo/CreateOne", headers: { "Content-Type": "application/json", "X-Request-Id": REQUEST_ID }, originBody: "eyJ0aXRsZSI6ImhlbGxvIiwicHJpb3JpdHkiOjF9" });
    // V10
    expect(
      await invoke("global/onOriginRequest", {
        request: {
          method: "POST", requestURI: "https://api.example.com/todos",
          headers: { Accept: "application/json", "Content-Type": "application/json", "X-Request-Id": REQUEST_ID },
          body: { title: "hello", __wg: { user: USER, clientRequest: { headers: CR_POST.headers } } },
        },
        operationName: "Todo__CreateOne", operationType: "mutation", argsAllowList: ["title"], user: USER, clientRequest: CR_POST,
      }),
    ).toEqual({ method: "POST", requestURI: "https://api.example.com/todos", headers: { Accept: "application/json", "Content-Type": "application/json", "X-Tenant": "t1" }, body: { title: "hello" } });
    // V11
    expect(
      await invoke("global/onOriginResponse", {
        response: { statusCode: 200, status: "200 OK", method: "POST", requestURI: "https://api.example.com/todos", headers: { "Content-Type": "application/json; charset=utf-8" }, body: { id: 1, title: "hello" } },
        operationName: "Todo__CreateOne", operationType: "mutation", user: USER, clientRequest: CR_POST,
      }),
    ).toEqual({ statusCode: 200, status: "200 OK", method: "POST", requestURI: "https://api.example.com/todos", headers: { "Content-Type": "application/json" }, body: { id: 1, title: "HELLO" } });
    // V12
    expect(
      await invoke("global/afterOriginResponse", {
        response: {
          statusCode: 200, status: "OK", method: "GET", requestURI: "/operations/Todo/GetOne?id=1", headers: { "Content-Type": "application/json", ETag: 'W/"1234567890"' },
          originBody: "eyJkYXRhIjp7IlRvZG9fZmluZEZpcnN0VG9kbyI6eyJpZCI6MSwidGl0bGUiOiJoZWxsbyJ9fX0=",
        },
        operationName: "Todo__GetOne", operationType: "query", user: USER,
      }),
    ).toEqual({
      statusCode: 200, status: "OK", method: "GET", requestURI: "/operations/Todo/GetOne?id=1", headers: { "Content-Type": "application/json" },
      originBody: "eyJkYXRhIjp7IlRvZG9fZmluZEZpcnN0VG9kbyI6eyJpZCI6MSwidGl0bGUiOiJIRUxMTyJ9fX0=",
    });
    // V13
    expect(await invoke("global/onConnectionInit", { dataSourceId: "chatws", request: { method: "", requestURI: "wss://chat.example.com/graphql", headers: {} }, user: USER })).toEqual({ authToken: "abc" });
    // V15, V16
    expect(await invoke("authentication/mutatingPostAuthentication", { user: USER, accessToken: USER.accessToken })).toEqual({
      status: "ok", user: { userId: "u_1", name: "Alice", email: "alice@example.com", roles: ["user", "editor"], customClaims: { tenant: "t1" } },
    });
    expect(await invoke("authentication/mutatingPostAuthentication", { user: { ...USER, customClaims: { locked: true } } })).toEqual({ status: "deny", message: "account locked" });
    expect(
      await invoke("authentication/revalidateAuthentication", { user: { provider: "oidc", providerId: "keycloak", userId: "u_1", email: "alice@example.com", roles: ["user"], etag: 'W/"987"', fromCookie: true } }),
    ).toEqual({ status: "ok", user: { provider: "oidc", providerId: "keycloak", userId: "u_1", email: "alice@example.com", roles: ["admin"] } });
    // V18
    expect(await invoke("upload/minio/avatar/preUpload", { user: USER, file: { name: "cat.png", size: 48213, type: "image/png", provider: "minio" }, meta: { postId: 1 } })).toEqual({ fileKey: "avatars/u_1/cat.png" });
    // V20, V21, V22 (query)
    expect(await invoke("function/hello", { user: USER, clientRequest: CR_GET_ONE, input: { name: "bob" } })).toEqual({ data: { msg: "hello bob" } });
    expect(
      await invoke("proxy/payNotify", { request: { method: "POST", requestURI: "/operations/proxy/payNotify", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "trade_no=42&sign=abc" } }),
    ).toEqual({ statusCode: 200, headers: { "Content-Type": "text/plain" }, body: "success" });
    expect(await invoke("customize/chat", { query: "query($a: Int!){message(id: $a){id text}}", variables: { a: 1 } })).toEqual({ data: { message: { id: 1, text: "hi" } } });
  });

  it("reports compile errors with file and line, refuses TypeScript, and exits 1", async () => {
    const hooks = tempDir("hookflow-bad-");
    put(hooks, "function/fine.js", example("function/hello.js"));
    put(hooks, "function/broken.mjs", "export default function broken(ctx) {\n  return {\n};;}\n}\n");
    put(hooks, "function/typed.ts", "export default (ctx: unknown) => ({ data: ctx });\n");

    const run = await runCli(["push", hooks], env());
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("✓ function/fine: created v1");
    expect(run.stdout).toMatch(/✗ function\/broken: HTTP 400 compile_error: .+ \(function\/broken\.mjs:\d+(:\d+)?\)/);
    expect(run.stdout).toContain("✗ function/typed.ts: TypeScript is not supported");
    expect(run.stdout).toContain("3 files: 1 created, 0 unchanged, 2 failed");

    const missing = await request(server, "GET", `/v1/projects/${project}/scripts/function/broken`);
    expect(missing.status).toBe(404);
  });

  it("needs a project and a token", async () => {
    const run = await runCli(["push", EXAMPLES], { HOOKFLOW_URL: server.url, HOOKFLOW_PROJECT: "", HOOKFLOW_TOKEN: "" });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("no project");
  });
});

// The shipped types are importable as "hookflow/fireboom" (checked by tsc, not at run time).
const typed: FunctionHook<{ name: string }, { msg: string }> = (ctx) => ({ data: { msg: `hello ${ctx.input.name}` } });
const skip: OnRequestHookResult = { skip: true };
const deny: AuthenticationHookResult = { status: "deny", message: "no" };
void typed;
void skip;
void deny;
