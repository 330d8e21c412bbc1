import { beforeAll, describe, expect, it } from "vitest";
import { api } from "./helpers";
import { jobRows, postSigned, runToEnd, type NodeSpec, workflowProject } from "./workflow-harness";

/**
 * nocobase-scenarios.md, the control-flow scenarios (S1, S2, S5, S6, S9, S12, S14, S16) through the HTTP API: each
 * workflow is saved with PUT, run with the execute route (a manual trigger standing in for the collection trigger,
 * with the created post as `$context`), and read back with GET /executions/{id}. The test instructions are the
 * `instruction/{type}` scripts of test/fixtures/nocobase-instructions.ts, run in the sandbox.
 */

const post = { data: { id: 1, title: "t1", read: 0, published: false } };
const eq = (a: unknown, b: unknown) => ({ calculator: "equal", operands: [a, b] });
const and = (...calculations: unknown[]) => ({ group: { type: "and", calculations } });

// Status codes (nocobase-scenarios.md "Conventions").
const RESOLVED = 1;
const FAILED = -1;
const ERROR = -2;

let project: string;
beforeAll(async () => {
  project = await workflowProject();
});

/** An async workflow run on the post, to its end. */
const runAsync = (nodes: NodeSpec[]) => runToEnd(project, nodes, {}, post);
/** A sync workflow run with `context`: the execute call answers the final execution. */
const runSync = (nodes: NodeSpec[], context: unknown = post) => runToEnd(project, nodes, { sync: true }, context);

describe("S1 empty workflow and single nodes", () => {
  it("a: no nodes → RESOLVED with the trigger context and no job", async () => {
    const e = await runAsync([]);
    expect(e.status).toBe(RESOLVED);
    expect(e.context.data.title).toBe("t1");
    expect(e.jobs).toEqual([]);
  });

  it("b: echoVariable {{$context}} → 1 job with the post as its result", async () => {
    const e = await runAsync([{ key: "n1", type: "echoVariable", config: { variable: "{{$context}}" } }]);
    expect(e.status).toBe(RESOLVED);
    expect(jobRows(e)).toEqual([["n1", 1, post]]);
  });

  it("c: error → ERROR, 1 job {−2, message 'definite error'}", async () => {
    const e = await runAsync([{ key: "n1", type: "error" }]);
    expect(e.status).toBe(ERROR);
    expect(e.jobs).toHaveLength(1);
    expect(e.jobs[0]).toMatchObject({ status: ERROR, result: { message: "definite error" } });
  });

  it("d: customizedSuccess → RESOLVED (the sign of 100); the job keeps status 100", async () => {
    const e = await runAsync([{ key: "n1", type: "customizedSuccess" }]);
    expect(e.status).toBe(RESOLVED);
    expect(e.jobs.map((j: any) => j.status)).toEqual([100]);
  });

  it("e: customizedError → FAILED (the sign of −100); the job keeps status −100", async () => {
    const e = await runAsync([{ key: "n1", type: "customizedError" }]);
    expect(e.status).toBe(FAILED);
    expect(e.jobs.map((j: any) => j.status)).toEqual([-100]);
  });
});

describe("S2 two chained nodes", () => {
  it("the upstream job is the input: n2 echoes n1's result", async () => {
    const e = await runAsync([
      { key: "n1", type: "echoVariable", config: { variable: "{{$context}}" } },
      { key: "n2", type: "echo", upstream: "n1" },
    ]);
    expect(e.status).toBe(RESOLVED);
    expect(jobRows(e)).toEqual([["n1", 1, post], ["n2", 1, post]]);
    expect(e.jobs[1].upstreamId).toBe(e.jobs[0].id);
    expect(e.jobs[1].id).toBeGreaterThan(e.jobs[0].id);
  });
});

describe("S5 condition with rejectOnFalse", () => {
  it("false → FAILED, 1 job {−1, false}; the downstream never runs", async () => {
    const e = await runAsync([
      { key: "n1", type: "condition", config: { engine: "basic", calculation: eq(0, 1), rejectOnFalse: true } },
      { key: "n2", type: "echo", upstream: "n1" },
    ]);
    expect(e.status).toBe(FAILED);
    expect(jobRows(e)).toEqual([["n1", -1, false]]);
  });
});

describe("S6 condition branching", () => {
  const branches = (expression: string, downstream: boolean): NodeSpec[] => [
    { key: "n1", type: "condition", config: { engine: "math.js", expression, rejectOnFalse: false } },
    { key: "n2", type: "echo", upstream: "n1", branchIndex: 1 },
    { key: "n3", type: "echo", upstream: "n1", branchIndex: 0 },
    ...(downstream ? [{ key: "n4", type: "echo", upstream: "n1" }] : []),
  ];

  it("a: math.js '1 == 1' runs the true branch, then the downstream with the condition's job as input", async () => {
    const e = await runAsync(branches("1 == 1", true));
    expect(e.status).toBe(RESOLVED);
    expect(jobRows(e)).toEqual([["n1", 1, true], ["n2", 1, true], ["n4", 1, true]]);
    expect(e.jobs[2].upstreamId).toBe(e.jobs[0].id);
  });

  it("b: math.js '0 == 1' with no downstream runs the false branch only", async () => {
    const e = await runAsync(branches("0 == 1", false));
    expect(e.status).toBe(RESOLVED);
    expect(jobRows(e)).toEqual([["n1", 1, false], ["n3", 1, false]]);
  });

  it("c: a nested condition without the matching branch ends the outer branch, which resumes RESOLVED", async () => {
    const e = await runAsync([
      { key: "n1", type: "condition", config: { engine: "basic", calculation: eq(0, 1), rejectOnFalse: false } },
      { key: "n2", type: "condition", upstream: "n1", branchIndex: 0, config: { engine: "basic", calculation: eq(0, 1), rejectOnFalse: false } },
      { key: "n3", type: "echo", upstream: "n2", branchIndex: 1 },
      { key: "n4", type: "echo", upstream: "n1" },
    ]);
    expect(e.status).toBe(RESOLVED);
    expect(jobRows(e)).toEqual([["n1", 1, false], ["n2", 1, false], ["n4", 1, false]]);
  });

  // Upstream creates this node in the database, past the API's validation, which requires `rejectOnFalse` (as
  // hookflow's save does); over HTTP "no config" is a config with nothing but that flag.
  it("d: a condition with no calculation is true", async () => {
    const noFlag = await api("PUT", `/v1/projects/${project}/workflows/s6d-no-flag`, { json: { trigger: { type: "manual" }, nodes: [{ key: "n1", type: "condition" }] } });
    expect(noFlag.status).toBe(400);
    expect(noFlag.body.error.message).toMatch(/rejectOnFalse/);
    const e = await runAsync([
      { key: "n1", type: "condition", config: { rejectOnFalse: false } },
      { key: "n2", type: "echo", upstream: "n1", branchIndex: 1 },
      { key: "n3", type: "echo", upstream: "n1", branchIndex: 0 },
    ]);
    expect(e.status).toBe(RESOLVED);
    expect(jobRows(e)).toEqual([["n1", 1, true], ["n2", 1, true]]);
  });
});

describe("S9 parallel modes", () => {
  // [mode, X (bi 0), Y (bi 1), execution status, the jobs as [nodeKey, status]]
  const rows: [string | undefined, string, string, number, [string, number][]][] = [
    [undefined, "echo", "echo", RESOLVED, [["n1", 1], ["x", 1], ["y", 1]]],
    ["all", "echo", "error", ERROR, [["n1", -2], ["x", 1], ["y", -2]]],
    ["all", "error", "echo", ERROR, [["n1", -2], ["x", -2]]],
    ["any", "echo", "error", RESOLVED, [["n1", 1], ["x", 1]]],
    ["any", "error", "echo", RESOLVED, [["n1", 1], ["x", -2], ["y", 1]]],
    ["any", "error", "error", FAILED, [["n1", -1], ["x", -2], ["y", -2]]],
    ["race", "echo", "error", RESOLVED, [["n1", 1], ["x", 1]]],
    ["race", "error", "echo", ERROR, [["n1", -2], ["x", -2]]],
    ["allSettled", "error", "echo", RESOLVED, [["n1", 1], ["x", -2], ["y", 1]]],
    ["allSettled", "echo", "error", RESOLVED, [["n1", 1], ["x", 1], ["y", -2]]],
  ];
  for (const [mode, x, y, status, jobs] of rows) {
    it(`${mode ?? "all (default)"}: ${x}, ${y}`, async () => {
      const e = await runAsync([
        { key: "n1", type: "parallel", config: mode === undefined ? {} : { mode } },
        { key: "x", type: x, upstream: "n1", branchIndex: 0 },
        { key: "y", type: y, upstream: "n1", branchIndex: 1 },
      ]);
      expect(e.status).toBe(status);
      expect(e.jobs.map((j: any) => [j.nodeKey, j.status])).toEqual(jobs);
    });
  }
});

describe("S12 loop targets (sync)", () => {
  const loop = (config: Record<string, unknown> | undefined, withBranch = true): NodeSpec[] => [
    { key: "n1", type: "loop", ...(config === undefined ? {} : { config }) },
    ...(withBranch ? [{ key: "n2", type: "echo", upstream: "n1", branchIndex: 0 }] : []),
    { key: "n3", type: "echo", upstream: "n1" },
  ];
  const rows: [string, NodeSpec[], number, unknown][] = [
    ["no branch at all", loop({ target: 2 }, false), 2, { looped: 0, done: 0 }],
    ["target not set", loop(undefined), 2, { looped: 0, done: 0 }],
    ["null", loop({ target: null }), 2, { looped: 0, done: 0 }],
    ["[]", loop({ target: [] }), 2, { looped: 0, done: 0 }],
    ["[null]: the null item still counts", loop({ target: [null] }), 3, { looped: 1, done: 1 }],
    ["2.5", loop({ target: 2.5 }), 4, { looped: 2, done: 2 }],
    ["{}", loop({ target: {} }), 3, { looped: 1, done: 1 }],
    ["[1, 2]", loop({ target: [1, 2] }), 4, { looped: 2, done: 2 }],
  ];
  for (const [name, nodes, count, result] of rows) {
    it(name, async () => {
      const e = await runSync(nodes);
      expect(e.status).toBe(RESOLVED);
      expect(e.jobs).toHaveLength(count);
      expect(e.jobs.find((j: any) => j.nodeKey === "n1")).toMatchObject({ status: 1, result });
      // The downstream runs once, after the loop, whatever the target.
      expect(e.jobs.filter((j: any) => j.nodeKey === "n3")).toHaveLength(1);
    });
  }

  it("[1, 2]: two jobs for the branch node, one per item", async () => {
    const e = await runSync([
      { key: "n1", type: "loop", config: { target: [1, 2] } },
      { key: "n2", type: "echoVariable", upstream: "n1", branchIndex: 0, config: { variable: { item: "{{$scopes.n1.item}}", index: "{{$scopes.n1.index}}" } } },
      { key: "n3", type: "echo", upstream: "n1" },
    ]);
    expect(e.jobs.filter((j: any) => j.nodeKey === "n2").map((j: any) => j.result)).toEqual([{ item: 1, index: 0 }, { item: 2, index: 1 }]);
  });
});

describe("S14 loop condition (sync)", () => {
  const K = "n1";
  const rows: [string, Record<string, unknown>, number, unknown][] = [
    ["empty calculation (always true)", { calculation: {} }, 3, { looped: 2, done: 2 }],
    ["checkpoint 0 (before each), item 0 and index 0", { calculation: and(eq(`{{$scopes.${K}.item}}`, 0), eq(`{{$scopes.${K}.index}}`, 0)) }, 2, { looped: 1, done: 1, broken: true }],
    ["checkpoint 1 (after each), same", { checkpoint: 1, calculation: and(eq(`{{$scopes.${K}.item}}`, 0), eq(`{{$scopes.${K}.index}}`, 0)) }, 2, { looped: 1, done: 1, broken: true }],
    ["checkpoint 0, always false: the branch never runs", { calculation: and(eq(1, 0)) }, 1, { looped: 1, done: 0, broken: true }],
    ["checkpoint 1, always false: the first pass is unconditional", { checkpoint: 1, calculation: and(eq(1, 0)) }, 2, { looped: 1, done: 1, broken: true }],
    ["continueOnFalse, always false", { continueOnFalse: true, calculation: and(eq(1, 0)) }, 1, { looped: 2, done: 0 }],
    ["continueOnFalse, item == 0", { continueOnFalse: true, calculation: and(eq(0, `{{$scopes.${K}.item}}`)) }, 2, { looped: 2, done: 1 }],
  ];
  for (const [name, condition, count, result] of rows) {
    it(name, async () => {
      const e = await runSync([
        { key: K, type: "loop", config: { target: 2, condition } },
        { key: "n2", type: "echo", upstream: K, branchIndex: 0 },
      ]);
      expect(e.status).toBe(RESOLVED);
      expect(e.jobs).toHaveLength(count);
      expect(e.jobs[0]).toMatchObject({ nodeKey: K, status: 1 });
      expect(e.jobs[0].result).toEqual(result);
    });
  }
});

describe("S16 end node (sync, empty context)", () => {
  for (const [endStatus, status] of [[1, RESOLVED], [-1, FAILED]] as const) {
    it(`endStatus ${endStatus}: the execution ends with it; the downstream never runs`, async () => {
      const e = await runSync([{ key: "n1", type: "end", config: { endStatus } }, { key: "n2", type: "echo", upstream: "n1" }], {});
      expect(e.status).toBe(status);
      expect(e.jobs.map((j: any) => [j.nodeKey, j.status])).toEqual([["n1", endStatus]]);
    });
  }

  it("validation: endStatus 1, −1 or none is saved (201); 99 is refused (400) naming the node", async () => {
    const save = (key: string, config: Record<string, unknown>) =>
      api("PUT", `/v1/projects/${project}/workflows/${key}`, { json: { sync: true, trigger: { type: "manual" }, nodes: [{ key: "n1", type: "end", config }] } });
    expect((await save("end-resolve", { endStatus: 1 })).status).toBe(201);
    expect((await save("end-fail", { endStatus: -1 })).status).toBe(201);
    expect((await save("end-default", {})).status).toBe(201);
    const refused = await save("end-99", { endStatus: 99 });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: "workflow_invalid", nodes: ["n1"] });
    expect(refused.body.error.message).toMatch(/endStatus/);
    expect((await api("GET", `/v1/projects/${project}/workflows/end-99`)).status).toBe(404);
  });
});

/**
 * S24 and S25 carried over to the webhook trigger. Not carried over: S24's `changed` filter and its loop
 * prevention (hookflow has no collections, so no collection trigger and no data node that could fire one), and
 * S25's HTTP status mapping of request interception (a sync webhook answers 200 with its execution or output).
 */
describe("S24/S25 adapted: the webhook trigger", () => {
  /** Saves a webhook workflow; answers its key and signed URL. */
  async function webhook(key: string, nodes: NodeSpec[], extra: Record<string, unknown> = {}): Promise<string> {
    const saved = await api("PUT", `/v1/projects/${project}/workflows/${key}`, { json: { trigger: { type: "webhook" }, nodes, ...extra } });
    expect(saved.status).toBe(201);
    expect(saved.body.webhookUrl).toMatch(/\/v1\/signed\//);
    return saved.body.webhookUrl;
  }
  const executionsOf = async (key: string) => (await api("GET", `/v1/projects/${project}/workflows/${key}/executions`)).body.executions as any[];

  it("S24: the context is {data: body, headers, query}; only an enabled workflow of the webhook type fires", async () => {
    const url = await webhook("s24-hook", [{ key: "n1", type: "echoVariable", config: { variable: "{{$context.data.title}}" } }], { sync: true });
    const fired = await postSigned(`${url}?source=test`, { title: "t2" });
    expect(fired.status).toBe(200);
    const e = fired.body.execution;
    expect(e.status).toBe(RESOLVED);
    expect(e.context).toMatchObject({ data: { title: "t2" }, query: { source: "test" }, headers: { "content-type": "application/json" } });
    expect(jobRows(e)).toEqual([["n1", 1, "t2"]]);

    // Disabled: the URL answers 404 and starts nothing.
    await webhook("s24-hook", [{ key: "n1", type: "echoVariable", config: { variable: "{{$context.data.title}}" } }], { sync: true, enabled: false });
    expect((await postSigned(url, { title: "t3" })).status).toBe(404);
    // Another trigger type: the same.
    const manual = await api("PUT", `/v1/projects/${project}/workflows/s24-hook`, { json: { trigger: { type: "manual" }, nodes: [] } });
    expect(manual.status).toBe(201);
    expect((await postSigned(url, { title: "t4" })).status).toBe(404);
    expect((await executionsOf("s24-hook")).map((x) => x.id)).toEqual([e.id]);
  });

  for (const [endStatus, status] of [[-1, FAILED], [undefined, RESOLVED]] as const) {
    it(`S25: a sync webhook ending at end {endStatus: ${endStatus ?? "default"}} answers its ${status === RESOLVED ? "RESOLVED" : "FAILED"} execution`, async () => {
      const url = await webhook(`s25-end${endStatus ?? ""}`, [{ key: "n1", type: "end", config: endStatus === undefined ? {} : { endStatus } }], { sync: true });
      const answer = await postSigned(url, { title: "t1" });
      expect(answer.status).toBe(200);
      expect(answer.body.execution.status).toBe(status);
      expect(answer.body.execution.jobs.map((j: any) => [j.nodeKey, j.status])).toEqual([["n1", endStatus ?? 1]]);
    });
  }

  it("S25: an output node's value is the answer (as response-message's message is), and end −1 fails the execution", async () => {
    const key = "s25-message";
    const url = await webhook(key, [{ key: "n1", type: "output", config: { value: { errors: [{ message: "aaa" }] } } }, { key: "n2", type: "end", upstream: "n1", config: { endStatus: -1 } }], { sync: true });
    const answer = await postSigned(url, { title: "t1" });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ errors: [{ message: "aaa" }] });
    const [listed] = await executionsOf(key);
    expect(listed.status).toBe(FAILED);
  });
});
