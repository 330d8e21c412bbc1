import { describe, expect, it } from "vitest";
import { resumeJob, cancelExecution, InvalidOperation, NotFound } from "./operations";
import { EXECUTION_STATUS as E, JOB_STATUS as J } from "./statuses";
import { harness, workflowOf } from "./test-fixtures";
import type { WorkflowNodeDef } from "./workflow";

/**
 * nocobase-scenarios.md S1–S19, as far as they need only the built-ins of this layer, on the engine core alone:
 * the memory store, an array queue and a simulated clock. "After settle" is `drain()`.
 */

const post = { data: { id: 1, title: "t1", read: 0, published: false } };
const eq = (a: unknown, b: unknown) => ({ calculator: "equal", operands: [a, b] });
const and = (...calculations: unknown[]) => ({ group: { type: "and", calculations } });
const or = (...calculations: unknown[]) => ({ group: { type: "or", calculations } });

async function run(nodes: WorkflowNodeDef[], opts: { context?: unknown; sync?: boolean; timeout?: number } = {}) {
  const h = harness(workflowOf(nodes, { sync: opts.sync ?? false, options: { timeout: opts.timeout ?? 0 } }));
  await h.trigger({ context: opts.context ?? post });
  await h.drain();
  return h;
}

const shape = (h: Awaited<ReturnType<typeof run>>) => h.jobs().map((j) => [j.nodeKey, j.status, j.result]);

describe("S1 empty workflow and single nodes", () => {
  it("a: no nodes → RESOLVED, no job", async () => {
    const h = await run([]);
    expect(h.execution()).toMatchObject({ status: E.RESOLVED, context: { data: { title: "t1" } } });
    expect(h.jobs()).toHaveLength(0);
  });
  it("b: echoVariable {{$context}} keeps the object", async () => {
    const h = await run([{ key: "n1", type: "echoVariable", config: { variable: "{{$context}}" } }]);
    expect(h.execution().status).toBe(E.RESOLVED);
    expect(shape(h)).toEqual([["n1", 1, post]]);
  });
  it("c: a throw → ERROR job with message, execution ERROR", async () => {
    const h = await run([{ key: "n1", type: "error" }]);
    expect(h.execution().status).toBe(E.ERROR);
    expect(h.jobs()).toHaveLength(1);
    expect(h.jobs()[0]).toMatchObject({ status: J.ERROR, result: { message: "definite error" } });
  });
  it("d/e: custom statuses map by sign; the job keeps the raw value", async () => {
    const ok = await run([{ key: "n1", type: "customizedSuccess" }]);
    expect(ok.execution().status).toBe(E.RESOLVED);
    expect(ok.jobs().map((j) => j.status)).toEqual([100]);
    const bad = await run([{ key: "n1", type: "customizedError" }]);
    expect(bad.execution().status).toBe(E.FAILED);
    expect(bad.jobs().map((j) => j.status)).toEqual([-100]);
  });
});

describe("S2 chained nodes", () => {
  it("the upstream job is the input", async () => {
    const h = await run([
      { key: "n1", type: "echoVariable", config: { variable: "{{$context}}" } },
      { key: "n2", type: "echo", upstream: "n1" },
    ]);
    expect(h.execution().status).toBe(E.RESOLVED);
    expect(shape(h)).toEqual([["n1", 1, post], ["n2", 1, post]]);
    const [j1, j2] = h.jobs();
    expect(j2!.upstreamId).toBe(j1!.id);
    expect(j2!.id).toBeGreaterThan(j1!.id);
  });
});

describe("S3 external resume", () => {
  it("a: prompt suspends; resume {status 1, result 123} runs on", async () => {
    const h = await run([{ key: "n1", type: "prompt" }, { key: "n2", type: "echo", upstream: "n1" }]);
    expect(h.execution().status).toBe(E.STARTED);
    expect(shape(h)).toEqual([["n1", 0, null]]);
    resumeJob(h.rt, h.jobs()[0]!.id, { status: 1, result: 123 });
    await h.drain();
    expect(h.execution().status).toBe(E.RESOLVED);
    expect(shape(h)).toEqual([["n1", 1, 123], ["n2", 1, 123]]);
  });
  it("b: a throw in resume updates the same job; execution ERROR; n2 never runs", async () => {
    const h = await run([{ key: "n1", type: "prompt->error" }, { key: "n2", type: "echo", upstream: "n1" }]);
    const jobId = h.jobs()[0]!.id;
    resumeJob(h.rt, jobId, { result: 123 });
    await h.drain();
    expect(h.execution().status).toBe(E.ERROR);
    expect(h.jobs()).toHaveLength(1);
    expect(h.jobs()[0]).toMatchObject({ id: jobId, status: J.ERROR, result: { message: "input failed" } });
  });
  it("a second resume while the first is queued is refused, as is a resume of a job no longer pending", async () => {
    const h = await run([{ key: "n1", type: "prompt" }, { key: "n2", type: "echo", upstream: "n1" }]);
    const jobId = h.jobs()[0]!.id;
    resumeJob(h.rt, jobId, { result: 1 });
    expect(() => resumeJob(h.rt, jobId, { result: 2 })).toThrow(/already being resumed/);
    await h.drain();
    expect(shape(h)).toEqual([["n1", 1, 1], ["n2", 1, 1]]);
    expect(h.jobs()[0]!.resuming).toBeUndefined();
    expect(() => resumeJob(h.rt, jobId, {})).toThrow(InvalidOperation);
  });
  it("a job its resume leaves PENDING may be resumed again once that resume has run", async () => {
    const h = await run([{ key: "n1", type: "pending" }, { key: "n2", type: "echo", upstream: "n1" }]);
    const jobId = h.jobs()[0]!.id;
    resumeJob(h.rt, jobId, { result: "draft" });
    await h.drain();
    expect(shape(h)).toEqual([["n1", 0, "draft"]]);
    resumeJob(h.rt, jobId, { status: 1, result: "done" });
    await h.drain();
    expect(shape(h)).toEqual([["n1", 1, "done"], ["n2", 1, "done"]]);
  });
  it("resuming a job the execution does not have is NotFound", async () => {
    const h = await run([{ key: "n1", type: "prompt" }]);
    expect(() => resumeJob(h.rt, 999, {})).toThrow(NotFound);
  });
});

describe("S4 timeout", () => {
  it("a: a suspended execution is ABORTED with reason timeout, its pending job ABORTED", async () => {
    const h = harness(workflowOf([{ key: "n1", type: "prompt" }], { options: { timeout: 300 } }));
    await h.trigger({ context: post });
    await h.advance(200);
    const started = h.execution();
    expect(started.status).toBe(E.STARTED);
    expect(started.expiresAt! - started.startedAt!).toBe(300);
    await h.advance(1000);
    expect(h.execution()).toMatchObject({ status: E.ABORTED, reason: "timeout" });
    expect(h.jobs().map((j) => j.status)).toEqual([J.ABORTED]);
  });
  it("b: a node that outlives the timeout: ABORTED with reason timeout, the downstream not run", async () => {
    const h = harness(workflowOf([{ key: "n1", type: "timeConsume", config: { duration: 300 } }, { key: "n2", type: "echo", upstream: "n1" }], { options: { timeout: 100 } }));
    await h.trigger({ context: post });
    await h.drain();
    expect(h.execution()).toMatchObject({ status: E.ABORTED, reason: "timeout" });
    expect(h.jobs().map((j) => j.nodeKey)).toEqual(["n1"]);
  });
  it("c: a delay longer than the timeout: ABORTED, and the delay never resumes it", async () => {
    const h = harness(workflowOf([{ key: "n1", type: "delay", config: { duration: 2, unit: 1000, endStatus: 1 } }], { options: { timeout: 300 } }));
    await h.trigger({ context: post });
    await h.advance(1000);
    expect(h.execution()).toMatchObject({ status: E.ABORTED, reason: "timeout" });
    expect(h.jobs().map((j) => j.status)).toEqual([J.ABORTED]);
    await h.advance(5000);
    expect(h.execution().status).toBe(E.ABORTED);
    expect(h.jobs().map((j) => j.status)).toEqual([J.ABORTED]);
    expect(h.queue).toHaveLength(0);
  });
});

describe("S5 condition rejectOnFalse", () => {
  it("false → FAILED job {−1, false}, execution FAILED, downstream not run", async () => {
    const h = await run([
      { key: "n1", type: "condition", config: { engine: "basic", calculation: eq(0, 1), rejectOnFalse: true } },
      { key: "n2", type: "echo", upstream: "n1" },
    ]);
    expect(h.execution().status).toBe(E.FAILED);
    expect(shape(h)).toEqual([["n1", -1, false]]);
  });
});

describe("S6 condition branching", () => {
  // S6a/b use math.js '1 == 1' / '0 == 1' upstream; the basic engine gives the same booleans (math.js is not built yet).
  const branches = (calculation: unknown, downstream: boolean): WorkflowNodeDef[] => [
    { key: "n1", type: "condition", config: { calculation, rejectOnFalse: false } },
    { key: "n2", type: "echo", upstream: "n1", branchIndex: 1 },
    { key: "n3", type: "echo", upstream: "n1", branchIndex: 0 },
    ...(downstream ? [{ key: "n4", type: "echo", upstream: "n1" }] : []),
  ];
  it("a: true branch, then the downstream with the condition's job as input", async () => {
    const h = await run(branches(eq(1, 1), true));
    expect(h.execution().status).toBe(E.RESOLVED);
    expect(shape(h)).toEqual([["n1", 1, true], ["n2", 1, true], ["n4", 1, true]]);
    expect(h.jobs()[2]!.upstreamId).toBe(h.jobs()[0]!.id);
  });
  it("b: false branch, no downstream", async () => {
    const h = await run(branches(eq(0, 1), false));
    expect(h.execution().status).toBe(E.RESOLVED);
    expect(shape(h)).toEqual([["n1", 1, false], ["n3", 1, false]]);
  });
  it("c: a nested condition without the matching branch ends the outer branch; the outer resumes RESOLVED", async () => {
    const h = await run([
      { key: "n1", type: "condition", config: { engine: "basic", calculation: eq(0, 1), rejectOnFalse: false } },
      { key: "n2", type: "condition", upstream: "n1", branchIndex: 0, config: { engine: "basic", calculation: eq(0, 1), rejectOnFalse: false } },
      { key: "n3", type: "echo", upstream: "n2", branchIndex: 1 },
      { key: "n4", type: "echo", upstream: "n1" },
    ]);
    expect(h.execution().status).toBe(E.RESOLVED);
    expect(shape(h)).toEqual([["n1", 1, false], ["n2", 1, false], ["n4", 1, false]]);
  });
  it("d: no config → true", async () => {
    const h = await run([
      { key: "n1", type: "condition" },
      { key: "n2", type: "echo", upstream: "n1", branchIndex: 1 },
      { key: "n3", type: "echo", upstream: "n1", branchIndex: 0 },
    ]);
    expect(h.execution().status).toBe(E.RESOLVED);
    expect(shape(h)).toEqual([["n1", 1, true], ["n2", 1, true]]);
  });
  it("a failed branch bubbles through the condition and ends the execution with its status", async () => {
    const h = await run([
      { key: "n1", type: "condition", config: { calculation: eq(1, 1), rejectOnFalse: false } },
      { key: "n2", type: "error", upstream: "n1", branchIndex: 1 },
      { key: "n3", type: "echo", upstream: "n1" },
    ]);
    expect(h.execution().status).toBe(E.ERROR);
    expect(h.jobs().map((j) => [j.nodeKey, j.status])).toEqual([["n1", 1], ["n2", -2]]);
  });
  it("a pending branch suspends; its resume continues after the condition", async () => {
    const h = await run([
      { key: "n1", type: "condition", config: { calculation: eq(1, 1), rejectOnFalse: false } },
      { key: "n2", type: "prompt", upstream: "n1", branchIndex: 1 },
      { key: "n3", type: "echo", upstream: "n1" },
    ]);
    expect(h.execution().status).toBe(E.STARTED);
    resumeJob(h.rt, h.jobs()[1]!.id, { result: "x" });
    await h.drain();
    expect(h.execution().status).toBe(E.RESOLVED);
    expect(shape(h)).toEqual([["n1", 1, true], ["n2", 1, "x"], ["n3", 1, true]]);
  });
});

describe("S8 basic engine comparison semantics", () => {
  const cases: [string, unknown, Record<string, unknown>, unknown][] = [
    ["1 == read(1)", eq(1, "{{$context.data.read}}"), { read: 1 }, true],
    ["0 == title(null)", eq(0, "{{$context.data.title}}"), {}, false],
    ["false == read(0)", eq(false, "{{$context.data.read}}"), { read: 0 }, true],
    ["'1' == read(1)", eq("1", "{{$context.data.read}}"), { read: 1 }, true],
    ["category.id(undefined) == null", eq("{{$context.data.category.id}}", null), {}, true],
    ["and[1=1, 1=1]", and(eq(1, 1), eq(1, 1)), {}, true],
    ["and[1=1, 0=1]", and(eq(1, 1), eq(0, 1)), {}, false],
    ["or[1=1, 0=1]", or(eq(1, 1), eq(0, 1)), {}, true],
    ["and[1=1, or[0=1, 0=1]]", and(eq(1, 1), or(eq(0, 1), eq(0, 1))), {}, false],
  ];
  for (const [name, calculation, data, expected] of cases) {
    it(name, async () => {
      const h = await run([{ key: "n1", type: "condition", config: { calculation, rejectOnFalse: false } }], { context: { data } });
      expect(h.execution().status).toBe(E.RESOLVED);
      expect(h.jobs()[0]).toMatchObject({ status: 1, result: expected });
    });
  }
  it("the math.js engine evaluates `expression` with placeholders bound to their values", async () => {
    const h = await run([{ key: "n1", type: "condition", config: { engine: "math.js", expression: "{{$context.data.read}} == 1", rejectOnFalse: false } }], {
      context: { data: { read: 1 } },
    });
    expect(h.execution().status).toBe(E.RESOLVED);
    expect(h.jobs()[0]).toMatchObject({ status: J.RESOLVED, result: true });
  });
});

describe("S9 parallel modes", () => {
  const rows: [string | undefined, string, string, number, number, number[]?][] = [
    [undefined, "echo", "echo", E.RESOLVED, 3],
    ["all", "echo", "error", E.ERROR, 3],
    ["all", "error", "echo", E.ERROR, 2],
    ["any", "echo", "error", E.RESOLVED, 2],
    ["any", "error", "echo", E.RESOLVED, 3],
    ["any", "error", "error", E.FAILED, 3],
    ["race", "echo", "error", E.RESOLVED, 2],
    ["race", "error", "echo", E.ERROR, 2],
    ["allSettled", "error", "echo", E.RESOLVED, 3, [1, -2, 1]],
    ["allSettled", "echo", "error", E.RESOLVED, 3, [1, 1, -2]],
  ];
  for (const [mode, x, y, status, count, statuses] of rows) {
    it(`${mode ?? "all (default)"}: ${x}, ${y}`, async () => {
      const h = await run([
        { key: "n1", type: "parallel", config: mode ? { mode } : {} },
        { key: "x", type: x, upstream: "n1", branchIndex: 0 },
        { key: "y", type: y, upstream: "n1", branchIndex: 1 },
      ]);
      expect(h.execution().status).toBe(status);
      expect(h.jobs()).toHaveLength(count);
      if (statuses) expect(h.jobs().map((j) => j.status)).toEqual(statuses);
    });
  }
  it("branches run in branchIndex order, whatever the definition order (3 before … 1)", async () => {
    const h = await run([
      { key: "n1", type: "parallel", config: { mode: "all" } },
      { key: "b3", type: "echo", upstream: "n1", branchIndex: 3 },
      { key: "b1", type: "echo", upstream: "n1", branchIndex: 1 },
    ]);
    expect(h.jobs().map((j) => j.nodeKey)).toEqual(["n1", "b1", "b3"]);
    expect(h.jobs()[0]!.result).toEqual([1, 1]);
  });
});

describe("S10 parallel allSettled waits for an async branch", () => {
  it("pending slot, then all resolved", async () => {
    const h = harness(
      workflowOf([
        { key: "n1", type: "parallel", config: { mode: "allSettled" } },
        { key: "n2", type: "echo", upstream: "n1", branchIndex: 0 },
        { key: "n3", type: "asyncResume", upstream: "n1", branchIndex: 1, config: { duration: 500 } },
        { key: "n4", type: "echo", upstream: "n3" },
      ]),
    );
    await h.trigger({ context: post });
    await h.advance(300);
    expect(h.execution().status).toBe(E.STARTED);
    expect(shape(h)).toEqual([["n1", 0, [1, null]], ["n2", 1, [null, null]], ["n3", 0, null]]); // n2 echoes its input, the parallel job as it was
    await h.advance(500);
    expect(h.execution().status).toBe(E.RESOLVED);
    expect(h.jobs().map((j) => [j.nodeKey, j.status])).toEqual([["n1", 1], ["n2", 1], ["n3", 1], ["n4", 1]]);
  });
});

describe("S12 loop targets (sync)", () => {
  const loop = (config: Record<string, unknown> | undefined, withBranch = true): WorkflowNodeDef[] => [
    { key: "n1", type: "loop", ...(config ? { config } : {}) },
    ...(withBranch ? [{ key: "n2", type: "echo", upstream: "n1", branchIndex: 0 }] : []),
    { key: "n3", type: "echo", upstream: "n1" },
  ];
  const rows: [string, WorkflowNodeDef[], number, unknown][] = [
    ["no branch", loop({ target: 2 }, false), 2, { looped: 0, done: 0 }],
    ["target not set", loop(undefined), 2, { looped: 0, done: 0 }],
    ["null", loop({ target: null }), 2, { looped: 0, done: 0 }],
    ["[]", loop({ target: [] }), 2, { looped: 0, done: 0 }],
    ["[null]", loop({ target: [null] }), 3, { looped: 1, done: 1 }],
    ["2.5", loop({ target: 2.5 }), 4, { looped: 2, done: 2 }],
    ["{}", loop({ target: {} }), 3, { looped: 1, done: 1 }],
    ["[1, 2]", loop({ target: [1, 2] }), 4, { looped: 2, done: 2 }],
  ];
  for (const [name, nodes, count, result] of rows) {
    it(name, async () => {
      const h = await run(nodes, { sync: true });
      expect(h.execution().status).toBe(E.RESOLVED);
      expect(h.jobs()).toHaveLength(count);
      expect(h.jobs().find((j) => j.nodeKey === "n1")).toMatchObject({ status: 1, result });
    });
  }
  it("the branch sees $scopes by key and id: item, index, sequence, length", async () => {
    const h = await run(
      [
        { key: "n1", type: "loop", config: { target: ["a", "b"] } },
        { key: "n2", type: "echoVariable", upstream: "n1", branchIndex: 0, config: { variable: { item: "{{$scopes.n1.item}}", byId: "{{$scopes.1.index}}", s: "{{$scopes.n1.sequence}}/{{$scopes.n1.length}}" } } },
      ],
      { sync: true },
    );
    expect(h.jobs().filter((j) => j.nodeKey === "n2").map((j) => j.result)).toEqual([
      { item: "a", byId: 0, s: "1/2" },
      { item: "b", byId: 1, s: "2/2" },
    ]);
  });
});

describe("S14 loop condition", () => {
  const K = "n1";
  const rows: [string, Record<string, unknown>, number, unknown][] = [
    ["empty calculation (true)", { calculation: {} }, 3, { looped: 2, done: 2 }],
    ["checkpoint 0, item 0 and index 0", { calculation: and(eq(`{{$scopes.${K}.item}}`, 0), eq(`{{$scopes.${K}.index}}`, 0)) }, 2, { looped: 1, done: 1, broken: true }],
    ["checkpoint 1, same", { checkpoint: 1, calculation: and(eq(`{{$scopes.${K}.item}}`, 0), eq(`{{$scopes.${K}.index}}`, 0)) }, 2, { looped: 1, done: 1, broken: true }],
    ["checkpoint 0, false", { calculation: and(eq(1, 0)) }, 1, { looped: 1, done: 0, broken: true }],
    ["checkpoint 1, false: first pass unconditional", { checkpoint: 1, calculation: and(eq(1, 0)) }, 2, { looped: 1, done: 1, broken: true }],
    ["continueOnFalse, false", { continueOnFalse: true, calculation: and(eq(1, 0)) }, 1, { looped: 2, done: 0 }],
    ["continueOnFalse, item == 0", { continueOnFalse: true, calculation: and(eq(0, `{{$scopes.${K}.item}}`)) }, 2, { looped: 2, done: 1 }],
  ];
  for (const [name, condition, count, result] of rows) {
    it(name, async () => {
      const h = await run([{ key: K, type: "loop", config: { target: 2, condition } }, { key: "n2", type: "echo", upstream: K, branchIndex: 0 }], { sync: true });
      expect(h.execution().status).toBe(E.RESOLVED);
      expect(h.jobs()).toHaveLength(count);
      expect(h.jobs()[0]).toMatchObject({ status: 1 });
      expect(h.jobs()[0]!.result).toEqual(result);
    });
  }
});

describe("S16 end node", () => {
  for (const [endStatus, status] of [[1, E.RESOLVED], [-1, E.FAILED]] as const) {
    it(`endStatus ${endStatus}`, async () => {
      const h = await run([{ key: "n1", type: "end", config: { endStatus } }, { key: "n2", type: "echo", upstream: "n1" }], { sync: true, context: {} });
      expect(h.execution().status).toBe(status);
      expect(h.jobs().map((j) => j.status)).toEqual([endStatus]);
    });
  }
  it("from inside a parallel branch: ends the execution, later branches do not run", async () => {
    const h = await run([
      { key: "n1", type: "parallel", config: { mode: "allSettled" } },
      { key: "a", type: "end", upstream: "n1", branchIndex: 0, config: { endStatus: -1 } },
      { key: "b", type: "echo", upstream: "n1", branchIndex: 1 },
      { key: "c", type: "echo", upstream: "n1" },
    ]);
    expect(h.execution().status).toBe(E.FAILED);
    expect(h.jobs().map((j) => [j.nodeKey, j.status])).toEqual([["n1", 0], ["a", -1]]);
  });
});

describe("S19 delay", () => {
  const delayed = (endStatus: number) => [{ key: "n1", type: "delay", config: { duration: 2, unit: 1000, endStatus } }];
  for (const [endStatus, status] of [[1, E.RESOLVED], [-1, E.FAILED]] as const) {
    it(`${endStatus === 1 ? "a" : "b"}: endStatus ${endStatus}`, async () => {
      const h = harness(workflowOf(delayed(endStatus)));
      await h.trigger({ context: post });
      await h.advance(500);
      expect(h.execution().status).toBe(E.STARTED);
      expect(h.jobs().map((j) => [j.status, j.result])).toEqual([[0, 2000]]);
      await h.advance(2000);
      expect(h.execution().status).toBe(status);
      expect(h.jobs().map((j) => j.status)).toEqual([endStatus]);
    });
  }
  it("c: duration from a variable", async () => {
    const h = harness(workflowOf([{ key: "n1", type: "echoVariable", config: { variable: 2 } }, { key: "n2", type: "delay", upstream: "n1", config: { duration: "{{$jobsMapByNodeKey.n1}}", unit: 1000, endStatus: 1 } }]));
    await h.trigger({ context: post });
    await h.advance(500);
    expect(h.execution().status).toBe(E.STARTED);
    expect(h.jobs()[1]).toMatchObject({ status: 0, result: 2000 });
    await h.advance(2000);
    expect(h.execution().status).toBe(E.RESOLVED);
    expect(h.jobs()[1]!.status).toBe(1);
  });
  it("d (adapted: an error node instead of a create on a missing table): jobs [1, −2], ERROR", async () => {
    const h = harness(workflowOf([...delayed(1), { key: "n2", type: "error", upstream: "n1" }]));
    await h.trigger({ context: post });
    await h.advance(2500);
    expect(h.execution().status).toBe(E.ERROR);
    expect(h.jobs().map((j) => j.status)).toEqual([1, -2]);
  });
  it("e: the timer is queued work, so a restart (a fresh runtime over the same store and queue) still fires it", async () => {
    const h = harness(workflowOf(delayed(1)));
    await h.trigger({ context: post });
    await h.advance(500);
    h.restart();
    await h.advance(2000);
    expect(h.execution().status).toBe(E.RESOLVED);
  });
  it("a delay node is refused in a sync workflow", () => {
    expect(() => harness(workflowOf(delayed(1), { sync: true }))).toThrow(/asynchronous/);
  });
});

describe("cancel", () => {
  it("a suspended execution: ABORTED manual_cancel, pending jobs ABORTED, a late resume refused", async () => {
    const h = await run([{ key: "n1", type: "prompt" }, { key: "n2", type: "echo", upstream: "n1" }]);
    const jobId = h.jobs()[0]!.id;
    cancelExecution(h.rt);
    expect(h.execution()).toMatchObject({ status: E.ABORTED, reason: "manual_cancel" });
    expect(h.jobs().map((j) => j.status)).toEqual([J.ABORTED]);
    expect(() => resumeJob(h.rt, jobId, {})).toThrow(InvalidOperation);
    expect(() => cancelExecution(h.rt)).toThrow(InvalidOperation);
  });
  it("a queued execution never starts", async () => {
    const h = harness(workflowOf([{ key: "n1", type: "echo" }]));
    await h.trigger({ context: post });
    expect(h.execution().status).toBe(E.QUEUEING);
    cancelExecution(h.rt);
    await h.drain();
    expect(h.execution()).toMatchObject({ status: E.ABORTED, reason: "manual_cancel" });
    expect(h.jobs()).toHaveLength(0);
  });
});
