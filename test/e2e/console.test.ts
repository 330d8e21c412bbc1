/**
 * The operator console (/console) in a real Chromium against `npm start`: sign-in, a failed bamboo node retried with
 * new data from the run page (which stops following the run's events once it has ended), a NocoBase pending job
 * resumed from the execution page, a recorded Fireboom hook call replayed against the fixed and the old version, an
 * event sent and listed among the buffered ones on the Waits page, a 1,000-node graph, and another project's data
 * refused exactly as the API refuses it. Screenshots go to test-output/console/.
 *
 * Chromium is the Debian package (.ci/run installs it); playwright-core drives it without downloading a browser.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { treeOf } from "../../engine/bamboo/validator/test-trees";
import { BAMBOO_TEST_SCRIPTS } from "../fixtures/bamboo-components";
import { withCode } from "../fixtures/bamboo-trees";
import { CR_POST, REQUEST_ID, USER } from "../fixtures/fireboom";
import { NOCOBASE_TEST_INSTRUCTIONS } from "../fixtures/nocobase-instructions";
import { hookProject } from "./fireboom-project";
import { createProject, pollUntil, request, ROOT, startServer, type Server } from "./server";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SHOTS = join(ROOT, "test-output", "console");
/** Waits for the page to reach a state; generous because the machine is shared, never a measure of speed. */
const WAIT = { timeout: 20_000 };

let server: Server;
let browser: Browser;
let project: string;
let token: string;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer();
  ({ project, token } = await createProject(server, "console", { ...BAMBOO_TEST_SCRIPTS, ...NOCOBASE_TEST_INSTRUCTIONS }));
  // Root in a container has no user namespaces for Chromium's sandbox.
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const call = (method: string, path: string, json?: unknown) =>
  request(server, method, `/v1/projects/${project}${path}`, json === undefined ? { token } : { token, json });

/** Counts the page's requests for a run's event stream from now on: `count()` is how many it made so far. */
function eventStreamRequests(page: Page, path: string): () => number {
  let count = 0;
  page.on("request", (sent) => {
    if (new URL(sent.url()).pathname.endsWith(path)) count++;
  });
  return () => count;
}

async function signedIn(secret: string, projectField?: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on("pageerror", (error) => console.error("[console page error]", error));
  await page.goto(`${server.url}/console`);
  await page.getByLabel("API key or admin token").fill(secret);
  if (projectField !== undefined) await page.getByLabel("Project (admin token)").fill(projectField);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("project").waitFor(WAIT);
  return page;
}

describe("the console page", () => {
  it("is served with a policy that allows no remote origin, and signs in with a project key kept in sessionStorage only", async () => {
    const shell = await fetch(`${server.url}/console`);
    expect(shell.status).toBe(200);
    const csp = shell.headers.get("content-security-policy")!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/https?:|\*/);
    const html = await shell.text();
    const script = /src="([^"]+)"/.exec(html)![1]!;
    const asset = await fetch(`${server.url}${script}`);
    expect(asset.headers.get("cache-control")).toContain("immutable");
    expect(await asset.text()).not.toMatch(/https?:\/\/(cdn|unpkg|fonts)\./);

    const page = await signedIn(token);
    expect(await page.getByTestId("project").textContent()).toBe(project);
    // (Page code as text: the e2e project has Node's types, not the DOM's.)
    const stored = await page.evaluate("({ session: Object.keys(sessionStorage), local: Object.keys(localStorage), cookie: document.cookie })");
    expect(stored).toEqual({ session: ["hookflow.console.session"], local: [], cookie: "" });
    await page.close();
  });
});

describe("a bamboo run in the console", () => {
  it("shows the failed node in the graph, retries it with new data from the node panel, and sees the run finish", async () => {
    const id = `console-${Date.now().toString(36)}`;
    const tree = withCode(
      treeOf({ id, flows: ["s -> A -> PG -> [C, SUB] -> CG -> B -> e"], subprocesses: { SUB: { flows: ["SUB_s -> X -> SUB_e"] } } }),
      { C: "fail_ctrl_node", A: "pass_node", B: "pass_node", X: "pass_node" },
      { C: { bit: { type: "plain", value: 0 } } },
    );
    expect((await call("POST", "/pipelines", { pipeline: tree })).status).toBe(201);

    const page = await signedIn(token);
    const streams = eventStreamRequests(page, `/pipelines/${id}/events`);
    await page.getByRole("link", { name: "Pipelines" }).click();
    await page.getByRole("link", { name: id }).click();
    const failed = page.locator('svg [data-node-id="C"].state-FAILED');
    await failed.waitFor(WAIT);
    // The subprocess is drawn in place: its own nodes are in the graph, inside its cluster.
    expect(await page.locator('svg .cluster[data-node-id="SUB"]').count()).toBe(1);
    expect(await page.locator('svg .node[data-node-id="X"]').count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, "pipeline-failed.png"), fullPage: true });

    // Keyboard: the node is focusable and Enter opens its panel.
    await failed.focus();
    await page.keyboard.press("Enter");
    const retry = page.getByRole("form", { name: "retry" });
    // The panel shows the node's inputs once its details have loaded; edit them only then.
    await page.waitForFunction(`document.querySelector('textarea[name="retry-data"]')?.value.includes('"bit": 0')`, undefined, WAIT);
    await retry.getByRole("textbox").fill('{"bit": 1}');
    await retry.getByRole("button", { name: "Retry" }).click();
    const retried = page.getByRole("status").filter({ hasText: /^retry(: done| refused)/ });
    await retried.waitFor(WAIT);
    expect(await retried.textContent()).toBe("retry: done");
    await page.locator('[data-testid="run-state"]', { hasText: "FINISHED" }).waitFor(WAIT);
    await page.locator('svg [data-node-id="C"].state-FINISHED').waitFor(WAIT);
    // The stream ended with the run, and the page stopped following it: it did not reconnect.
    await page.locator('[data-testid="stream"][data-stream="ended"]').waitFor(WAIT);
    expect(streams()).toBe(1);
    await page.screenshot({ path: join(SHOTS, "pipeline.png"), fullPage: true });

    const states = (await call("GET", `/pipelines/${id}`)).body;
    expect(states.state).toBe("FINISHED");
    expect(states.children.C.retry).toBe(1);

    // A refused operation shows the engine's message: a finished node cannot be retried.
    await retry.getByRole("button", { name: "Retry" }).click();
    const refusal = page.getByRole("status").filter({ hasText: "retry refused" });
    await refusal.waitFor(WAIT);
    const api = await call("POST", `/pipelines/${id}/nodes/C/retry`, { data: { bit: 1 } });
    expect(api.status).toBe(409);
    expect(await refusal.textContent()).toContain(api.body.error.message);
    await page.close();
  });

  it("draws a 1,000-node run and stays usable: every node is in the DOM and a click opens its panel", async () => {
    const id = `big-${Date.now().toString(36)}`;
    // Twelve parallel branches of 83 tasks each, plus start, end and the two gateways: 1,000 nodes. Every task
    // waits for a callback, so the run stays put (twelve waiting nodes) while the page draws it.
    const branches = Array.from({ length: 12 }, (_, b) => Array.from({ length: 83 }, (_, i) => `T${b}_${i}`));
    const flows = ["s -> PG", ...branches.map((chain) => `PG -> ${chain.join(" -> ")} -> CG`), "CG -> e"];
    const codes = Object.fromEntries(branches.flat().map((task) => [task, "callback_node"]));
    const tree = withCode(treeOf({ id, flows }), codes);
    expect((await call("POST", "/pipelines", { pipeline: tree })).status).toBe(201);

    const page = await signedIn(token);
    await page.goto(`${server.url}/console#/pipelines/${id}`);
    await page.reload();
    await page.locator('svg [data-node-id="T11_82"]').waitFor(WAIT);
    expect(await page.locator("svg .node[data-node-id]").count()).toBe(1000);
    await page.locator('svg [data-node-id="T0_0"].state-RUNNING').waitFor(WAIT);
    await page.locator('svg [data-node-id="T5_50"]').click();
    await page.getByRole("heading", { name: /T5_50/ }).waitFor(WAIT);
    await page.screenshot({ path: join(SHOTS, "pipeline-1000.png") });
    expect((await call("POST", `/pipelines/${id}/revoke`, {})).status).toBe(200);
    await page.close();
  });
});

describe("a NocoBase execution in the console", () => {
  it("overlays the jobs on the workflow and resumes a pending job from the page", async () => {
    const saved = await call("PUT", "/workflows/ask", {
      title: "Ask and answer",
      trigger: { type: "manual" },
      nodes: [
        { key: "question", type: "prompt", title: "Ask" },
        { key: "check", type: "condition", upstream: "question", config: { rejectOnFalse: false, calculation: { calculator: "equal", operands: ["{{$jobsMapByNodeKey.question}}", "from the console"] } } },
        { key: "yes", type: "echo", upstream: "check", branchIndex: 1 },
        { key: "no", type: "echo", upstream: "check", branchIndex: 0 },
        { key: "answer", type: "echo", upstream: "check" },
      ],
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(201);
    const started = await call("POST", "/workflows/ask/execute", { context: {} });
    expect(started.status).toBe(202);
    const id: string = started.body.execution.id;

    const page = await signedIn(token);
    await page.getByRole("link", { name: "Workflows" }).click();
    await page.getByRole("link", { name: "ask" }).click();
    await page.locator('svg [data-node-id="check"]').waitFor(WAIT);
    await page.locator('svg [data-node-id="question"]').click();
    await page.getByRole("heading", { name: "Variables it may use" }).waitFor(WAIT);
    await page.screenshot({ path: join(SHOTS, "workflow.png"), fullPage: true });

    const streams = eventStreamRequests(page, `/executions/${id}/events`);
    await page.getByRole("link", { name: id }).click();
    await page.locator('svg [data-node-id="question"].state-PENDING').waitFor(WAIT);
    expect(await page.getByTestId("stream").getAttribute("data-stream")).toBe("live");
    const resume = page.getByRole("form", { name: /^resume job/ });
    await resume.getByRole("textbox").fill('"from the console"');
    await resume.getByRole("button", { name: "Resume job" }).click();
    await page.getByTestId("execution-status").filter({ hasText: "RESOLVED" }).waitFor(WAIT);
    await page.locator('svg [data-node-id="question"].state-RESOLVED').waitFor(WAIT);
    await page.locator('[data-testid="stream"][data-stream="ended"]').waitFor(WAIT);
    expect(streams()).toBe(1);
    await page.screenshot({ path: join(SHOTS, "execution.png"), fullPage: true });

    const done = (await call("GET", `/executions/${id}`)).body;
    expect(done.jobs[0]).toMatchObject({ nodeKey: "question", status: 1, result: "from the console" });
    await page.close();
  });
});

describe("a recorded Fireboom hook call in the console", () => {
  it("replays a failed call against the fixed version and the old one, the recorded and the replayed outcome side by side", async () => {
    const hooks = await hookProject(server, `console-hooks-${Date.now().toString(36)}`, {
      "function/createTodo": "export default (ctx) => { if (ctx.input.title.length < 3) throw new Error('title too short'); return { data: ctx.input }; }",
    });
    // Fireboom's call to the function, through the project's hook route: it fails, and the failure is recorded.
    const failed = await fetch(`${hooks.fireboomBaseUrl.replace(/^https?:\/\/[^/]+/, server.url)}/function/createTodo`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Request-Id": REQUEST_ID },
      body: JSON.stringify({ __wg: { user: USER, clientRequest: CR_POST }, input: { title: "hi" }, cycleCounter: 1 }),
    });
    expect(failed.status).toBe(500);
    const listed = `/v1/projects/${hooks.project}/invocations`;
    // The record is written after the hook's reply.
    const [recorded] = (await pollUntil(server, "the recorded call", () => request(server, "GET", listed), (body) => body.invocations.length === 1)).invocations;
    const fixed = await request(server, "PUT", `/v1/projects/${hooks.project}/scripts/function/createTodo`, {
      script: "export default (ctx) => ({ data: { title: ctx.input.title.padEnd(3, '!') } });",
    });
    expect(fixed.body.version).toBe(2);

    const page = await signedIn(server.adminToken, hooks.project);
    await page.getByRole("link", { name: "Recorded calls" }).click();
    await page.getByRole("button", { name: recorded.id }).click();
    await page.getByLabel("arguments").filter({ hasText: '"title": "hi"' }).waitFor(WAIT);

    // Against the current version (2): the recorded failure beside the replay's success.
    const replay = page.getByRole("form", { name: "replay" });
    await replay.getByRole("button", { name: "Replay" }).click();
    await page.getByTestId("replay-outcome").filter({ hasText: "v2 ok" }).waitFor(WAIT);
    expect(await page.getByTestId("recorded-outcome").textContent()).toBe("v1 error script_error: Error: title too short");
    expect(await page.getByRole("region", { name: "replay" }).getByLabel("replay").textContent()).toContain('"title": "hi!"');
    await page.screenshot({ path: join(SHOTS, "invocations.png"), fullPage: true });

    // Against the old version (1): it fails again, as recorded.
    await replay.getByLabel("against version").fill("1");
    await replay.getByRole("button", { name: "Replay" }).click();
    await page.getByTestId("replay-outcome").filter({ hasText: "v1 error script_error: Error: title too short" }).waitFor(WAIT);
    expect(await page.getByTestId("recorded-outcome").textContent()).toBe("v1 error script_error: Error: title too short");
    await page.close();
  });
});

describe("buffered correlated events in the console", () => {
  it("sends an event no node waits for from the Waits page and lists it among the buffered events, by name and key", async () => {
    const key = `order-${Date.now().toString(36)}`;
    const page = await signedIn(token);
    await page.getByRole("link", { name: "Waits" }).click();
    const send = page.getByRole("form", { name: "send an event" });
    await send.getByLabel("name").fill("order.paid");
    await send.getByLabel("correlation key").fill(key);
    await send.getByLabel("payload (JSON)").fill('{"amount": 42}');
    await send.getByRole("button", { name: "Send" }).click();
    await page.getByRole("status").filter({ hasText: "send event: done" }).waitFor(WAIT);

    const listed = page.getByRole("table", { name: "buffered events" });
    const row = listed.getByRole("row").filter({ hasText: key });
    await row.waitFor(WAIT);
    const [kept] = (await call("GET", `/events?name=order.paid&key=${key}`)).body.events;
    expect(await row.textContent()).toContain(kept.id);
    expect(await row.textContent()).toContain('{"amount":42}');

    // Narrowed to another pair, it is not listed.
    const filters = page.getByRole("form", { name: "buffered events" });
    await filters.getByLabel("name").fill("order.paid");
    await filters.getByLabel("correlation key").fill(`${key}-other`);
    await filters.getByLabel("correlation key").press("Enter");
    await page.getByText("No buffered events.").waitFor(WAIT);
    await filters.getByLabel("correlation key").fill(key);
    await filters.getByLabel("correlation key").press("Enter");
    await row.waitFor(WAIT);
    await page.screenshot({ path: join(SHOTS, "waits.png"), fullPage: true });
    await page.close();
  });
});

describe("another project's data", () => {
  it("is refused in the console exactly as the API refuses it: the same 404 as a project that does not exist", async () => {
    const other = await createProject(server, "console-other", BAMBOO_TEST_SCRIPTS);
    const runId = `theirs-${Date.now().toString(36)}`;
    const started = await request(server, "POST", `/v1/projects/${other.project}/pipelines`, {
      token: other.token,
      json: { pipeline: withCode(treeOf({ id: runId, flows: ["s -> A -> e"] }), { A: "pass_node" }) },
    });
    expect(started.status).toBe(201);

    // The API: this project's key gets 404 for the other project, as for one that does not exist.
    const api = await request(server, "GET", `/v1/projects/${other.project}/pipelines/${runId}`, { token });
    expect(api.status).toBe(404);
    const missing = await request(server, "GET", `/v1/projects/no-such-project/pipelines/${runId}`, { token });
    expect(missing.status).toBe(404);

    // The console, with this key pointed at the other project (as a hand-edited session would be).
    const page = await browser.newPage();
    await page.goto(`${server.url}/console`);
    await page.evaluate(`sessionStorage.setItem("hookflow.console.session", ${JSON.stringify(JSON.stringify({ token, project: other.project }))})`);
    await page.goto(`${server.url}/console#/pipelines/${runId}`);
    await page.reload();
    const alert = page.getByRole("alert").first();
    await alert.waitFor(WAIT);
    expect(await alert.textContent()).toBe(`404 ${api.body.error.code}: ${api.body.error.message}`);
    expect(await page.locator("svg [data-node-id]").count()).toBe(0);
    await page.locator('[data-testid="stream"][data-stream="refused"]').waitFor(WAIT);

    // Signing in: a key of this project cannot open the other one; the admin token can open either.
    await page.evaluate("sessionStorage.clear()");
    await page.goto(`${server.url}/console`);
    await page.getByLabel("API key or admin token").fill(server.adminToken);
    await page.getByLabel("Project (admin token)").fill(other.project);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByTestId("project").waitFor(WAIT);
    await page.goto(`${server.url}/console#/pipelines/${runId}`);
    await page.locator('svg [data-node-id="A"]').waitFor(WAIT);
    await page.close();
  });
});
