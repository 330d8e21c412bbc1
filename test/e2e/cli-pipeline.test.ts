/**
 * `hookflow pipeline start|show` (bin/pipeline.js) run as a real child process against a real running server:
 * starting runs from a tree file or a whole start body, `--watch` (stdout is a pipe here, so it prints one line
 * per state change) until a run finishes or stops at a failed node, `show` nested and flat, and invalid trees.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { treeOf } from "../../engine/bamboo/validator/test-trees";
import { BAMBOO_TEST_SCRIPTS } from "../fixtures/bamboo-components";
import { withCode } from "../fixtures/bamboo-trees";
import { runCli } from "./cli-runner";
import { createProject, pollUntil, request, startServer, type Server } from "./server";

let server: Server;
let project: string;
let apiKey: string;
let dir: string;

beforeAll(async () => {
  server = await startServer();
  const scripts = ["component/debug_node", "component/fail_ctrl_node"].map((path) => [path, BAMBOO_TEST_SCRIPTS[path]!]);
  ({ project, token: apiKey } = await createProject(server, "cli-pipes", Object.fromEntries(scripts)));
  dir = mkdtempSync(join(tmpdir(), "hookflow-cli-pipeline-"));
});
afterAll(async () => {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI connected to the test project by environment. */
const hookflow = (args: string[]) => runCli(args, { HOOKFLOW_URL: server.url, HOOKFLOW_PROJECT: project, HOOKFLOW_TOKEN: apiKey }, { timeoutMs: 50_000 });

/** Writes a JSON file into the temp dir, returns its path. */
function jsonFile(name: string, value: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(value, null, 2));
  return file;
}

const uniqueId = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;

/** A --watch change line (non-TTY): `  +1.2s  STATE      node-id`. */
const changeLine = (state: string, nodeId: string) => new RegExp(`^\\s*\\+\\d+\\.\\ds\\s+${state}\\s+${nodeId}$`, "m");

/** The lines of a rendered state tree as {state, id, column}: column is where the node id starts. */
function treeLines(text: string): { state: string; id: string; column: number }[] {
  return text
    .trimEnd()
    .split("\n")
    .map((line) => {
      const match = /^([A-Z_]+) +.*?(\S+)$/.exec(line);
      if (!match) throw new Error(`not a tree line: ${JSON.stringify(line)}`);
      return { state: match[1]!, id: match[2]!, column: line.length - match[2]!.length };
    });
}

const waitForState = (id: string, state: string) =>
  pollUntil(server, `run ${id} ${state}`, () => request(server, "GET", `/v1/projects/${project}/pipelines/${id}`, { token: apiKey }), (body) => body.state === state, 30_000);

describe("hookflow pipeline start", () => {
  it("starts a bare tree, with root_pipeline_data from --data, and prints only the id", async () => {
    const id = uniqueId("start");
    const tree = jsonFile(`${id}.json`, treeOf({ id, flows: ["s -> A -> e"] }));
    const data = jsonFile(`${id}-data.json`, { greeting: "hi" });

    const run = await hookflow(["pipeline", "start", tree, "--data", data]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${id}\n`);

    const states = await request(server, "GET", `/v1/projects/${project}/pipelines/${id}`, { token: apiKey });
    expect(states.status).toBe(200);
    expect(states.body.id).toBe(id);
    const root = await request(server, "GET", `/v1/projects/${project}/pipelines/${id}/nodes/${id}`, { token: apiKey });
    expect(root.body.data.inputs.greeting).toEqual({ need_render: false, value: "hi" });
  });

  it("--watch on a run that finishes (a whole start body): a line for every node reaching FINISHED, the final tree, exit 0", async () => {
    const id = uniqueId("watch-ok");
    const body = jsonFile(`${id}.json`, { pipeline: treeOf({ id, flows: ["s -> A -> PG -> [B, C] -> CG -> e"] }), root_pipeline_data: { from: "body" } });

    const run = await hookflow(["pipeline", "start", body, "--watch"]);
    expect(run.stderr).toBe("");
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout.split("\n")[0]).toBe(id);
    for (const node of [id, "s", "A", "PG", "B", "C", "CG", "e"]) expect(run.stdout, node).toMatch(changeLine("FINISHED", node));
    expect(run.stdout).toContain(`✓ pipeline ${id} FINISHED after`);
    // The final tree: the root, then its nodes under it.
    const final = run.stdout.slice(run.stdout.indexOf(`\nFINISHED   ${id}\n`) + 1, run.stdout.indexOf("✓"));
    const lines = treeLines(final);
    expect(lines[0]!.id).toBe(id);
    expect(new Set(lines.map((l) => l.id))).toEqual(new Set([id, "s", "A", "PG", "B", "C", "CG", "e"]));
    expect(new Set(lines.map((l) => l.state))).toEqual(new Set(["FINISHED"]));

    const root = await request(server, "GET", `/v1/projects/${project}/pipelines/${id}/nodes/${id}`, { token: apiKey });
    expect(root.body.data.inputs.from).toEqual({ need_render: false, value: "body" });
  });

  it("--watch on a run that stops at a failing fail_ctrl_node: shows FAILED, settles, exit 1", async () => {
    const id = uniqueId("watch-fail");
    const tree = withCode(treeOf({ id, flows: ["s -> A -> F -> B -> e"] }), { F: "fail_ctrl_node" }, { F: { bit: { type: "plain", value: 0 } } });

    const run = await hookflow(["pipeline", "start", jsonFile(`${id}.json`, tree), "--watch"]);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toMatch(changeLine("FINISHED", "A"));
    expect(run.stdout).toMatch(changeLine("FAILED", "F"));
    expect(run.stdout).not.toMatch(/\bB$/m);
    expect(run.stdout).toContain(`✗ pipeline ${id} is RUNNING and waits for an operator: F FAILED`);
  });

  it("an invalid tree: exit 1, the server's message and the failing node, nothing started", async () => {
    const id = uniqueId("invalid");
    // Z is an activity without flows.
    const run = await hookflow(["pipeline", "start", jsonFile(`${id}.json`, treeOf({ id, flows: ["s -> A -> e"], kinds: { Z: "task" } }))]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("hookflow: invalid pipeline tree: ");
    expect(run.stderr).toContain("  node: Z\n");
    expect((await request(server, "GET", `/v1/projects/${project}/pipelines/${id}`, { token: apiKey })).status).toBe(404);

    // A component the project has no script for.
    const missing = await hookflow(["pipeline", "start", jsonFile(`${id}-missing.json`, withCode(treeOf({ id, flows: ["s -> A -> e"] }), { A: "no_such_component" }))]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("invalid pipeline tree: the project has no script at component/no_such_component");
    expect(missing.stderr).toContain("  node: A\n");
  });
});

describe("hookflow pipeline show", () => {
  it("prints the tree once, a subprocess's nodes indented under it; --flat puts every node at one level", async () => {
    const id = uniqueId("show");
    const tree = treeOf({ id, flows: ["s -> A -> SUB -> e"], subprocesses: { SUB: { flows: ["SUB_s -> X -> SUB_e"] } } });
    const started = await hookflow(["pipeline", "start", jsonFile(`${id}.json`, tree)]);
    expect(started.code, started.stderr).toBe(0);
    await waitForState(id, "FINISHED");

    const run = await hookflow(["pipeline", "show", id]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const lines = treeLines(run.stdout);
    expect(lines.map((l) => l.id)).toEqual([id, "s", "A", "SUB", "SUB_s", "X", "SUB_e", "e"]);
    expect(new Set(lines.map((l) => l.state))).toEqual(new Set(["FINISHED"]));
    const column = Object.fromEntries(lines.map((l) => [l.id, l.column]));
    for (const node of ["s", "A", "SUB", "e"]) expect(column[node], node).toBeGreaterThan(column[id]!);
    for (const node of ["A", "SUB", "e"]) expect(column[node], node).toBe(column.s);
    for (const node of ["SUB_s", "X", "SUB_e"]) expect(column[node], node).toBeGreaterThan(column.SUB!);
    expect(run.stdout).toContain("├─ SUB\n");
    expect(run.stdout).toMatch(/│  └─ SUB_e\n/);

    const flat = await hookflow(["pipeline", "show", id, "--flat"]);
    expect(flat.code).toBe(0);
    const flatLines = treeLines(flat.stdout);
    expect(new Set(flatLines.map((l) => l.id))).toEqual(new Set([id, "s", "A", "SUB", "SUB_s", "X", "SUB_e", "e"]));
    expect(new Set(flatLines.slice(1).map((l) => l.column))).toEqual(new Set([column.s]));
  });

  it("an unknown run: exit 1 with the server's 404", async () => {
    const run = await hookflow(["pipeline", "show", "no-such-run"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("hookflow: HTTP 404");
  });
});
