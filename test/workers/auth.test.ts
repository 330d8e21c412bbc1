import { describe, expect, it } from "vitest";
import { api, newProject } from "./helpers";

describe("auth matrix", () => {
  it("admin, own key, another project's key, revoked key, wrong key and no key", async () => {
    const a = await newProject("auth-a");
    const b = await newProject("auth-b");
    const scriptsOf = (project: string, token: string | null) => api("GET", `/v1/projects/${project}/scripts`, { token });

    expect((await scriptsOf(a.project, "test-admin-token")).status).toBe(200);
    expect((await scriptsOf(a.project, a.apiKey)).status).toBe(200);

    const otherProject = await scriptsOf(b.project, a.apiKey);
    const missingProject = await scriptsOf("no-such-project", a.apiKey);
    expect(otherProject.status).toBe(404);
    expect(missingProject.status).toBe(404);
    expect(otherProject.body.error.code).toBe(missingProject.body.error.code);

    expect((await scriptsOf(a.project, null)).status).toBe(401);
    expect((await scriptsOf(a.project, "nonsense")).status).toBe(401);
    const forged = a.apiKey.slice(0, -4) + "AAAA";
    expect((await scriptsOf(a.project, forged)).status).toBe(401);
    expect((await scriptsOf(a.project, a.hookKey)).status).toBe(401);

    const added = await api("POST", `/v1/projects/${a.project}/keys`, { token: a.apiKey });
    expect(added.status).toBe(201);
    expect((await scriptsOf(a.project, added.body.apiKey)).status).toBe(200);
    const revoked = await api("DELETE", `/v1/projects/${a.project}/keys/${added.body.keyId}`, { token: a.apiKey });
    expect(revoked.status).toBe(200);
    expect((await scriptsOf(a.project, added.body.apiKey)).status).toBe(401);
    expect((await api("DELETE", `/v1/projects/${a.project}/keys/${added.body.keyId}`)).status).toBe(404);
  });

  it("only the admin creates projects; creating again answers 200 without keys", async () => {
    const a = await newProject("auth-c");
    expect((await api("PUT", "/v1/projects/auth-new-one", { token: a.apiKey })).status).toBe(403);
    expect((await api("PUT", "/v1/projects/auth-new-one", { token: null })).status).toBe(401);
    const again = await api("PUT", `/v1/projects/${a.project}`);
    expect(again.status).toBe(200);
    expect(Object.keys(again.body).sort()).toEqual(["fireboomBaseUrl", "project"]);
    const bad = await api("PUT", "/v1/projects/Bad_Name");
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("lowercase");
  });

  it("keys are long random secrets and the hook key rotates", async () => {
    const a = await newProject("auth-d");
    expect(a.apiKey.length).toBeGreaterThan(40);
    expect(a.hookKey).toMatch(/^hk_[A-Za-z0-9_-]{32}$/);
    expect(a.fireboomBaseUrl).toBe(`https://hookflow.test/fireboom/${a.project}/${a.hookKey}`);
    const rotated = await api("POST", `/v1/projects/${a.project}/hook-key`, { token: a.apiKey });
    expect(rotated.status).toBe(201);
    expect(rotated.body.hookKey).not.toBe(a.hookKey);
    expect(rotated.body.fireboomBaseUrl).toContain(rotated.body.hookKey);
  });
});
