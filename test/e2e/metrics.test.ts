/**
 * GET /metrics on the production-mode runtime (workerd serving the bundle, the Metrics object on local disk): hook
 * calls are counted, and the totals and the scrape token survive a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { V2_BODY } from "../fixtures/fireboom";
import { pollUntil, request, startServer, type Server } from "./server";

let server: Server;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

/** A Fireboom function call's payload (spec vector 2). */
const FUNCTION_BODY = V2_BODY;

describe("GET /metrics", () => {
  it("counts hook calls, keeps the totals and the scrape token across a restart", async () => {
    const project = `metrics-${Date.now().toString(36)}`;
    const created = await request(server, "PUT", `/v1/projects/${project}`);
    expect(created.status).toBe(201);
    const stored = await request(server, "PUT", `/v1/projects/${project}/scripts/function/hello`, { script: "export default () => ({ data: 1 });" });
    expect(stored.status).toBe(201);
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${created.body.fireboomBaseUrl}/function/hello`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(FUNCTION_BODY) });
      expect(response.status).toBe(200);
    }
    const line = `hookflow_hook_calls_total{project="${project}",kind="function",outcome="ok"} 3`;
    const scraped = await pollUntil<string>(server, "metrics", () => request(server, "GET", "/metrics"), (text) => text.split("\n").includes(line));
    expect(scraped).toContain("# TYPE hookflow_hook_duration_seconds histogram");

    const issued = await request(server, "POST", "/v1/metrics/scrape-token");
    expect(issued.status).toBe(201);
    const scrapeToken: string = issued.body.token;
    // The totals are the Metrics object's (the scrape above carried this isolate's batch there).
    await server.restart();
    const afterRestart = await request(server, "GET", "/metrics", { token: scrapeToken });
    expect(afterRestart.status).toBe(200);
    expect(afterRestart.headers.get("content-type")).toBe("text/plain; version=0.0.4");
    expect(String(afterRestart.body).split("\n")).toContain(line);
    expect((await request(server, "GET", "/metrics", { token: null })).status).toBe(401);
  });
});
