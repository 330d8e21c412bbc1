/**
 * `hookflow workflow put|run` and `hookflow execution show` (bin/workflow.js) run as real child processes against a
 * real running server, on examples/nocobase pushed with `hookflow push`: the sync greet workflow (custom nodes
 * uppercase and sequence, a loop inside a branch) run with --watch, the async approve-order workflow whose approval
 * is resumed through the resume URL that --watch prints, `execution show`, and refused definitions.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, runCli } from "./cli-runner";
import { createProject, ROOT, request, startServer, type Server } from "./server";

const EXAMPLES = join(ROOT, "examples", "nocobase");

let server: Server;
let project: string;
let apiKey: string;
let dir: string;

const cliEnv = () => ({ HOOKFLOW_URL: server.url, HOOKFLOW_PROJECT: project, HOOKFLOW_TOKEN: apiKey });

/** Runs the CLI connected to the test project by environment. */
const hookflow = (args: string[]) => runCli(args, cliEnv(), { timeoutMs: 50_000 });

beforeAll(async () => {
  server = await startServer();
  ({ project, token: apiKey } = await createProject(server, "cli-flows"));
  dir = mkdtempSync(join(tmpdir(), "hookflow-cli-workflow-"));
  const pushed = await hookflow(["push", EXAMPLES]);
  expect(pushed.code, pushed.stdout + pushed.stderr).toBe(0);
  for (const type of ["uppercase", "sequence", "approval"]) expect(pushed.stdout).toContain(`✓ instruction/${type}: created v1`);
});
afterAll(async () => {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A --watch change line (non-TTY): `  +1.2s  STATUS     node-key`. */
const changeLine = (status: string, what: string) => new RegExp(`^\\s*\\+\\d+\\.\\ds\\s+${status}\\s+${what}$`, "m");

/** The job lines of a rendered execution: status, node key and the column the key starts at. */
function jobLines(text: string): { status: string; key: string; column: number; result: string }[] {
  return text
    .split("\n")
    .slice(1)
    .flatMap((line) => {
      const match = /^([A-Z_]+|-?\d+) +(\S+)(?: +(.*))?$/.exec(line);
      return match ? [{ status: match[1]!, key: match[2]!, column: line.indexOf(match[2]!, match[1]!.length), result: match[3] ?? "" }] : [];
    });
}

describe("hookflow workflow put", () => {
  it("saves an example, answers unchanged for the same bytes, and prints a webhook trigger's URL", async () => {
    const greet = await hookflow(["workflow", "put", join(EXAMPLES, "workflows", "greet.json")]);
    expect(greet.stderr).toBe("");
    expect(greet.code).toBe(0);
    expect(greet.stdout).toBe("✓ greet: created v1\n");
    const again = await hookflow(["workflow", "put", join(EXAMPLES, "workflows", "greet.json")]);
    expect(again.stdout).toBe("✓ greet: unchanged v1\n");

    const approval = await hookflow(["workflow", "put", join(EXAMPLES, "workflows", "approve-order.json")]);
    expect(approval.code, approval.stderr).toBe(0);
    expect(approval.stdout).toMatch(/^✓ approve-order: created v1\n {2}webhook: POST http:\/\/\S+\/v1\/signed\/\S+\n$/);
  });

  it("a refused definition: each problem with its node, exit 1, nothing stored; --key and a key in the file", async () => {
    const file = join(dir, "broken.json");
    writeFileSync(
      file,
      JSON.stringify({
        key: "from-file",
        sync: true,
        trigger: { type: "manual" },
        nodes: [
          { key: "a", type: "no-such-type" },
          { key: "b", type: "approval", upstream: "a" },
        ],
      }),
    );
    const run = await hookflow(["workflow", "put", file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("hookflow: workflow from-file was not saved (workflow_invalid):\n");
    expect(run.stderr).toMatch(/^ {2}node a: unknown instruction type "no-such-type"$/m);
    expect(run.stderr).toMatch(/^ {2}node b: .*asynchronous.*sync workflow$/m);
    expect((await request(server, "GET", `/v1/projects/${project}/workflows/from-file`, { token: apiKey })).status).toBe(404);

    const named = await hookflow(["workflow", "put", file, "--key", "by-flag"]);
    expect(named.stderr).toContain("workflow by-flag was not saved");
  });
});

describe("hookflow workflow run", () => {
  it("--watch on the sync greet workflow: a line per job, the final execution with its output, exit 0", async () => {
    const run = await hookflow(["workflow", "run", "greet", "--context", join(EXAMPLES, "context", "greet.json"), "--watch"]);
    expect(run.stderr).toBe("");
    expect(run.code, run.stdout).toBe(0);
    const id = run.stdout.split("\n")[0]!;
    expect(id).toMatch(/^e[0-9a-f]{32}$/);
    expect(run.stdout).toMatch(changeLine("RESOLVED", `execution ${id}`));
    for (const key of ["check", "shout", "steps", "hello", "languages", "language", "result"]) expect(run.stdout, key).toMatch(changeLine("RESOLVED", key));
    expect(run.stdout).toContain(`RESOLVED   greet v1 · ${id}\n`);
    expect(run.stdout).toContain('output: {"name":"ADA","greeting":"HELLO, ADA","languages":2,"statuses":[1,1]}\n');
    expect(run.stdout).toMatch(new RegExp(`✓ execution ${id} RESOLVED after \\d+\\.\\d s\\n$`));

    const execution = await request(server, "GET", `/v1/projects/${project}/executions/${id}`, { token: apiKey });
    expect(execution.body.jobs.filter((j: { nodeKey: string }) => j.nodeKey === "language").map((j: { result: unknown }) => j.result)).toEqual(["1. EN", "2. FR"]);
  });

  it("a context the condition refuses: FAILED, exit 1", async () => {
    const context = join(dir, "no-name.json");
    writeFileSync(context, JSON.stringify({ name: "" }));
    const run = await hookflow(["workflow", "run", "greet", "--context", context, "--watch"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(changeLine("FAILED", "check"));
    expect(run.stdout).toMatch(/✗ execution e[0-9a-f]{32} FAILED after/);
  });

  it("--watch on the async approve-order workflow prints the approval's resume URL; POSTing it resolves the execution", async () => {
    const child = spawn(process.execPath, [CLI, "workflow", "run", "approve-order", "--context", join(EXAMPLES, "context", "approve-order.json"), "--watch"], { cwd: ROOT, env: { ...process.env, ...cliEnv() } });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number>((resolve) => child.on("close", (code) => resolve(code ?? 1)));
    const resumeUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no resume URL printed: ${stdout}${stderr}`)), 30_000);
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        const found = /^\s*\+\d+\.\ds\s+approval resume: POST (\S+)\n/m.exec(stdout);
        if (found) {
          clearTimeout(timer);
          resolve(found[1]!);
        }
      });
    });
    expect(stdout).toMatch(changeLine("STARTED", "execution e[0-9a-f]{32}"));
    expect(stdout).toMatch(changeLine("RESOLVED", "big"));
    expect(stdout).toMatch(changeLine("PENDING", "approval"));

    // The resume URL needs no API key.
    const resumed = await fetch(resumeUrl, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ result: { approved: true, by: "ann" } }) });
    expect(resumed.status).toBe(202);
    expect(await exited, stdout + stderr).toBe(0);
    expect(stdout).toMatch(changeLine("RESOLVED", "approval"));
    expect(stdout).toContain('output: {"order":"A-1001","approved":true,"by":"ann"}\n');
    expect(stdout).toMatch(/✓ execution e[0-9a-f]{32} RESOLVED after/);
  });
});

describe("hookflow execution show", () => {
  it("prints the status, one line per job indented by branch depth, a pending job's resume URL, and the output", async () => {
    const started = await hookflow(["workflow", "run", "approve-order", "--context", join(EXAMPLES, "context", "approve-order.json")]);
    expect(started.code, started.stderr).toBe(0);
    const id = started.stdout.trim();
    const deadline = Date.now() + 30_000;
    let pending;
    do {
      pending = await hookflow(["execution", "show", id]);
      if (Date.now() > deadline) throw new Error(`the approval never waited: ${pending.stdout}`);
    } while (!pending.stdout.includes("resume: POST"));
    expect(pending.code).toBe(0);
    expect(pending.stdout.split("\n")[0]).toBe(`STARTED    approve-order v1 · ${id}`);
    const lines = jobLines(pending.stdout);
    expect(lines.map((l) => [l.status, l.key])).toEqual([
      ["RESOLVED", "big"],
      ["PENDING", "approval"],
    ]);
    expect(lines[1]!.column).toBeGreaterThan(lines[0]!.column);
    expect(lines[0]!.result).toBe("true");
    expect(pending.stdout).toMatch(/^ {15,}resume: POST http:\/\/\S+\/v1\/signed\/\S+$/m);
    const url = /resume: POST (\S+)/.exec(pending.stdout)![1]!;

    // Rejected: the approval becomes REJECTED, and so does the execution; no output.
    expect((await fetch(url, { method: "POST", body: JSON.stringify({ result: { approved: false, by: "bob" } }) })).status).toBe(202);
    let done;
    do {
      done = await hookflow(["execution", "show", id]);
      if (Date.now() > deadline) throw new Error(`the execution never ended: ${done.stdout}`);
    } while (done.stdout.startsWith("STARTED"));
    expect(done.stdout.split("\n")[0]).toBe(`REJECTED   approve-order v1 · ${id}`);
    expect(jobLines(done.stdout).map((l) => [l.status, l.key])).toEqual([
      ["RESOLVED", "big"],
      ["REJECTED", "approval"],
    ]);
    expect(done.stdout).not.toContain("output:");

    const json = await hookflow(["execution", "show", id, "--json"]);
    expect(JSON.parse(json.stdout)).toMatchObject({ id, key: "approve-order", status: -5, jobs: [{ nodeKey: "big" }, { nodeKey: "approval", status: -5 }] });
  });

  it("an unknown execution: exit 1 with the server's 404", async () => {
    const run = await hookflow(["execution", "show", `e${"0".repeat(32)}`]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("hookflow: HTTP 404");
  });
});
