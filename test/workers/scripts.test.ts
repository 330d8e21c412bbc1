import { describe, expect, it } from "vitest";
import { api, invoke, newProject, upload } from "./helpers";

describe("script registry", () => {
  it("stores versions, keeps identical bytes on the same version, and serves old versions", async () => {
    const { project } = await newProject();
    const first = await upload(project, "function/greet", "export default () => 'v1'");
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ path: "function/greet", version: 1 });
    expect(first.body.sha256).toMatch(/^[0-9a-f]{64}$/);

    const same = await upload(project, "function/greet", "export default () => 'v1'");
    expect(same.status).toBe(200);
    expect(same.body).toEqual(first.body);

    const second = await upload(project, "function/greet", "export default () => 'v2'");
    expect(second.status).toBe(201);
    expect(second.body.version).toBe(2);
    expect((await invoke(project, "function/greet")).body.result).toBe("v2");

    const current = await api("GET", `/v1/projects/${project}/scripts/function/greet`);
    expect(current.status).toBe(200);
    expect(current.body).toMatchObject({ path: "function/greet", version: 2, source: "export default () => 'v2'" });
    expect(current.body.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);

    const old = await api("GET", `/v1/projects/${project}/scripts/function/greet?version=1`);
    expect(old.body).toMatchObject({ version: 1, source: "export default () => 'v1'", sha256: first.body.sha256 });
    expect((await api("GET", `/v1/projects/${project}/scripts/function/greet?version=9`)).status).toBe(404);

    const list = await api("GET", `/v1/projects/${project}/scripts`);
    expect(list.body.scripts).toEqual([{ path: "function/greet", version: 2, sha256: second.body.sha256, updatedAt: expect.any(String) }]);
  });

  it("rolls back to an older version and numbers the next upload after the latest", async () => {
    const { project } = await newProject();
    await upload(project, "function/r", "export default () => 1");
    await upload(project, "function/r", "export default () => 2");
    const rolled = await api("POST", `/v1/projects/${project}/rollback`, { json: { path: "function/r", version: 1 } });
    expect(rolled.status).toBe(200);
    expect(rolled.body).toMatchObject({ path: "function/r", version: 1 });
    expect((await invoke(project, "function/r")).body.result).toBe(1);
    expect((await upload(project, "function/r", "export default () => 3")).body.version).toBe(3);
    expect((await api("POST", `/v1/projects/${project}/rollback`, { json: { path: "function/r", version: 7 } })).status).toBe(404);
  });

  it("deletes a script; a later upload continues its version numbers", async () => {
    const { project } = await newProject();
    await upload(project, "function/d", "export default () => 1");
    const deleted = await api("DELETE", `/v1/projects/${project}/scripts/function/d`);
    expect(deleted.status).toBe(200);
    expect((await api("GET", `/v1/projects/${project}/scripts/function/d`)).status).toBe(404);
    expect((await invoke(project, "function/d")).status).toBe(404);
    expect((await api("DELETE", `/v1/projects/${project}/scripts/function/d`)).status).toBe(404);
    expect((await upload(project, "function/d", "export default () => 2")).body.version).toBe(2);
  });

  it("accepts every path kind of the Fireboom hook folder and the engines' reserved kinds", async () => {
    const { project } = await newProject();
    const paths = [
      "operation/Todo/CreateOne/preResolve",
      "operation/Admin/Users/List/mutatingPostResolve",
      "global/onOriginRequest",
      "authentication/revalidateAuthentication",
      "upload/minio/avatar/preUpload",
      "function/user/login",
      "proxy/payNotify",
      "customize/chat",
      "lib/util/strings",
      "component/http_request",
      "instruction/approval",
    ];
    for (const path of paths) expect((await upload(project, path, "export default () => null")).status, path).toBe(201);
  });
});

describe("upload validation (each rejection stores nothing)", () => {
  const rejected = async (project: string, path: string, source: string, headers?: Record<string, string>) => {
    const reply = await api("PUT", `/v1/projects/${project}/scripts/${path}`, { script: source, headers });
    const listed = await api("GET", `/v1/projects/${project}/scripts`);
    expect(listed.body.scripts).toEqual([]);
    return reply;
  };

  it("answers a syntax error with 400 compile_error, line and column", async () => {
    const { project } = await newProject();
    const reply = await rejected(project, "function/bad", "const a = 1;\nexport default (x) => {\n  return x +;\n};");
    expect(reply.status).toBe(400);
    expect(reply.body.error).toMatchObject({ code: "compile_error", line: 3, column: 13 });
    expect(reply.body.error.message).toContain("function/bad:3:13");
  });

  it("names the allowed kinds for an unknown kind, and the allowed hooks for an unknown hook", async () => {
    const { project } = await newProject();
    const kind = await rejected(project, "widgets/x", "export default 1");
    expect(kind.status).toBe(400);
    expect(kind.body.error.code).toBe("invalid_request");
    expect(kind.body.error.message).toContain("operation, global, authentication, upload, function");
    const hook = await rejected(project, "operation/Todo/GetOne/beforeResolve", "export default 1");
    expect(hook.status).toBe(400);
    expect(hook.body.error.message).toContain("mockResolve, preResolve, postResolve, mutatingPreResolve, mutatingPostResolve, customResolve");
    expect((await rejected(project, "global/onSomething", "export default 1")).body.error.message).toContain("beforeOriginRequest");
    expect((await rejected(project, "upload/minio/preUpload", "export default 1")).status).toBe(400);
    expect((await rejected(project, "function/.hidden", "export default 1")).status).toBe(400);
  });

  it("refuses a body over 1 MiB with 413 and a non-JavaScript content type with 415", async () => {
    const { project } = await newProject();
    const big = await rejected(project, "function/big", `export default () => "${"x".repeat(1024 * 1024)}"`);
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe("payload_too_large");
    const typed = await rejected(project, "function/t", "export default 1", { "Content-Type": "text/html" });
    expect(typed.status).toBe(415);
  });

  it("answers unknown routes and bad JSON with 4xx JSON errors", async () => {
    const { project } = await newProject();
    const missing = await api("GET", "/v1/nothing-here");
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("not_found");
    const badJson = await api("POST", `/v1/projects/${project}/invoke`, { script: "{not json", headers: { "Content-Type": "application/json" } });
    expect(badJson.status).toBe(400);
    expect(badJson.body.error.code).toBe("invalid_request");
    const badBody = await api("POST", `/v1/projects/${project}/invoke`, { json: { path: 7, args: "no" } });
    expect(badBody.status).toBe(400);
    expect(badBody.body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(["args", "path"]);
    const badSettings = await api("PATCH", `/v1/projects/${project}`, { json: { limits: { cpuMs: -1 }, colour: "red" } });
    expect(badSettings.status).toBe(400);
    expect((await api("GET", `/v1/projects/${project}`)).body.settings).toEqual({});
  });

  it("documents every route in an OpenAPI 3.1 document generated from the schemas", async () => {
    const doc = await api("GET", "/openapi.json", { token: null });
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe("3.1.0");
    const paths = Object.keys(doc.body.paths);
    for (const path of ["/v1/projects/{project}", "/v1/projects/{project}/scripts/{path}", "/v1/projects/{project}/invoke", "/v1/projects/{project}/rollback", "/v1/projects/{project}/keys/{keyId}", "/v1/projects/{project}/hook-key"]) {
      expect(paths).toContain(path);
    }
    const invokeBody = doc.body.paths["/v1/projects/{project}/invoke"].post.requestBody.content["application/json"].schema;
    expect(invokeBody.properties).toHaveProperty("args");
    expect(doc.body.paths["/v1/projects/{project}/invoke"].post.responses["400"].content["application/json"].schema.properties).toHaveProperty("error");
  });
});
