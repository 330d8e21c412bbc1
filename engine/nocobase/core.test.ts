import { describe, expect, it } from "vitest";
import type { Instruction } from "./instruction";
import { logicCalculate } from "./logic-calculate";
import { MemoryNocobaseStore } from "./memory-store";
import { resumeJob } from "./operations";
import { EXECUTION_STATUS as E, JOB_STATUS as J, executionStatusOf } from "./statuses";
import { harness, workflowOf } from "./test-fixtures";
import { parseTemplate, resolvePath } from "./variables";
import { linkWorkflow, validateWorkflow, type WorkflowNodeDef } from "./workflow";

const eq = (a: unknown, b: unknown) => ({ calculator: "equal", operands: [a, b] });

async function run(nodes: WorkflowNodeDef[], opts: { context?: unknown; extra?: Record<string, Instruction>; loopLimit?: number } = {}) {
  const h = harness(workflowOf(nodes), { extra: opts.extra, settings: { loopLimit: opts.loopLimit } });
  await h.trigger({ context: opts.context ?? {} });
  await h.drain();
  return h;
}

describe("statuses", () => {
  it("StatusMap with PENDING → STARTED, others by sign", () => {
    expect([0, 1, -1, -2, -3, -4, -5, -6, 100, -100, 7].map(executionStatusOf)).toEqual([0, 1, -1, -2, -3, -4, -5, -6, 1, -1, 1]);
  });
});

describe("workflow graph", () => {
  const known = (t: string) => ["echo", "condition", "delay"].includes(t);
  const isAsync = (t: string) => t === "delay";
  const problems = (nodes: WorkflowNodeDef[], sync = false) => validateWorkflow(workflowOf(nodes, { sync }), known, isAsync);

  it("links upstream/downstream and sorts branches by branchIndex", () => {
    const g = linkWorkflow(workflowOf([
      { key: "c", type: "condition" },
      { key: "t", type: "echo", upstream: "c", branchIndex: 1 },
      { key: "f", type: "echo", upstream: "c", branchIndex: 0 },
      { key: "d", type: "echo", upstream: "c" },
      { key: "t2", type: "echo", upstream: "t" },
    ]));
    const c = g.byKey.get("c")!;
    expect(g.head).toBe(c);
    expect(c.downstream?.key).toBe("d");
    expect(g.byKey.get("t")!.downstream?.key).toBe("t2");
    expect(g.byKey.get("t2")!.upstream?.key).toBe("t");
    expect(g.nodes.map((n) => n.id)).toEqual([1, 2, 3, 4, 5]);
  });
  it("accepts a good graph", () => {
    expect(problems([{ key: "a", type: "echo" }, { key: "b", type: "echo", upstream: "a" }])).toEqual([]);
    expect(problems([])).toEqual([]);
  });
  it("names the node of each problem", () => {
    expect(problems([{ key: "a", type: "echo" }, { key: "b", type: "echo" }])).toEqual([{ node: "b", message: expect.stringMatching(/more than one head/) }]);
    expect(problems([{ key: "a", type: "echo" }, { key: "b", type: "echo", upstream: "a" }, { key: "c", type: "echo", upstream: "a" }])).toEqual([
      { node: "a", message: expect.stringMatching(/two downstream/) },
    ]);
    expect(problems([{ key: "a", type: "echo" }, { key: "b", type: "echo", upstream: "zz" }])).toEqual([{ node: "b", message: expect.stringMatching(/unknown upstream/) }]);
    expect(problems([{ key: "a", type: "echo" }, { key: "a", type: "echo", upstream: "a" }])).toEqual([{ node: "a", message: expect.stringMatching(/duplicate/) }]);
    expect(problems([{ key: "a", type: "nope" }])).toEqual([{ node: "a", message: expect.stringMatching(/unknown instruction type/) }]);
    expect(problems([{ key: "a", type: "delay" }], true)).toEqual([{ node: "a", message: expect.stringMatching(/sync workflow/) }]);
    expect(problems([{ key: "a", type: "echo", upstream: "b" }, { key: "b", type: "echo", upstream: "a" }])).toEqual([{ message: expect.stringMatching(/no head/) }]);
    expect(problems([{ key: "h", type: "echo" }, { key: "a", type: "echo", upstream: "b" }, { key: "b", type: "echo", upstream: "a" }]).map((p) => p.node)).toEqual(["a", "b"]);
  });
  it("runs each instruction's validateConfig (S16: endStatus 99 refused)", () => {
    const h = harness(workflowOf([]));
    const check = (config: Record<string, unknown>) =>
      validateWorkflow(workflowOf([{ key: "e", type: "end", config }]), (t) => h.rt.instructions.has(t), () => false, (n) => h.rt.instructions.get(n.type)?.validateConfig?.(n.config ?? {}) ?? null);
    expect(check({ endStatus: 1 })).toEqual([]);
    expect(check({ endStatus: -1 })).toEqual([]);
    expect(check({})).toEqual([]);
    expect(check({ endStatus: 99 })).toEqual([{ node: "e", message: expect.stringMatching(/endStatus/) }]);
  });
});

describe("variables", () => {
  const scope = { $context: { n: 1, s: "x", d: new Date("2024-01-02T03:04:05.000Z"), nil: null, list: [{ b: 1 }, { b: 2 }] }, f: () => 7 };
  it("a whole placeholder keeps the type; mixed text interpolates", () => {
    expect(parseTemplate("{{$context.n}}", scope)).toBe(1);
    expect(parseTemplate("{{ $context.d }}", scope)).toBeInstanceOf(Date);
    expect(parseTemplate("{{$context.nil}}", scope)).toBeNull();
    expect(parseTemplate("n={{$context.n}} s={{$context.s}} nil={{$context.nil}} d={{$context.d}} o={{$context}}", scope)).toBe(
      "n=1 s=x nil= d=2024-01-02T03:04:05.000Z o=[object Object]",
    );
    expect(parseTemplate("{{f}}", scope)).toBe(7);
    expect(parseTemplate("$& {{$context.s}}", { $context: { s: "$&" } })).toBe("$& $&");
  });
  it("keys, values and arrays; defaults when undefined", () => {
    expect(parseTemplate({ "k{{$context.s}}": ["{{$context.n}}", 2, { deep: "{{missing:dflt}}" }], plain: true }, scope)).toEqual({ kx: [1, 2, { deep: "dflt" }], plain: true });
    expect(parseTemplate("{{$context.nil:dflt}}", scope)).toBeNull();
  });
  it("array flattening, without mutating the scope and skipping null items", () => {
    expect(resolvePath({ a: [{ b: 1 }, { b: 2 }] }, "a.b")).toEqual([1, 2]);
    const nested = { a: [{ b: [{ c: 1 }, { c: 2 }] }, { b: [{ c: 3 }, { c: 4 }] }] };
    const before = JSON.stringify(nested);
    expect(resolvePath(nested, "a.b.c")).toEqual([1, 2, 3, 4]);
    expect(JSON.stringify(nested)).toBe(before);
    expect(Object.keys(nested.a)).toEqual(["0", "1"]);
    expect(resolvePath({ x: { y: { a: [{ b: [{ c: { d: 1 } }] }, null, { b: [{ c: { d: 2 } }] }] } } }, "x.y.a.b.c.d")).toEqual([1, 2]);
    expect(resolvePath({ a: [1, 2, 3] }, "a.0")).toBe(1);
    expect(resolvePath({ a: [1, 2, 3] }, "a[1]")).toBe(2);
    expect(resolvePath({ a: null }, "a.b")).toBeUndefined();
  });
  it("$system.now, $env and ctx through processor.getParsedValue", async () => {
    const seen: unknown[] = [];
    const probe: Instruction = {
      run(node, _input, processor) {
        seen.push(processor.getParsedValue({ now: "{{$system.now}}", env: "{{$env.NAME}}", ctx: "{{ctx.$context.a}}" }, node.id));
        return { status: 1 };
      },
    };
    const h = harness(workflowOf([{ key: "p", type: "probe" }]), { extra: { probe }, env: { NAME: "prod" } });
    await h.trigger({ context: { a: 5 } });
    await h.drain();
    expect(seen).toEqual([{ now: new Date(h.now()), env: "prod", ctx: 5 }]);
  });
});

describe("logicCalculate", () => {
  it("Date rules and string calculators", () => {
    const d = new Date(1000);
    expect(logicCalculate(eq(d, 1000))).toBe(true);
    expect(logicCalculate(eq(d, new Date(1000)))).toBe(true);
    expect(logicCalculate(eq(d, null))).toBe(false);
    expect(logicCalculate({ calculator: "notEqual", operands: [d, true] })).toBe(true);
    expect(logicCalculate({ calculator: "gt", operands: [new Date(2000), "1970-01-01T00:00:01.000Z"] })).toBe(true);
    expect(logicCalculate(eq(0, null))).toBe(false);
    expect(logicCalculate(eq(undefined, null))).toBe(true);
    expect(logicCalculate({ calculator: "includes", operands: ["abc", "b"] })).toBe(true);
    expect(logicCalculate({ calculator: "notStartsWith", operands: [12, 1] })).toBe(false);
    expect(logicCalculate({ calculator: "endsWith", operands: ["abc", "c"] })).toBe(true);
    expect(() => logicCalculate({ calculator: "nope", operands: [1] })).toThrow(/no calculator/);
    expect(logicCalculate({ calculator: "nope", operands: [] })).toBe(true);
  });
});

describe("Processor", () => {
  it("buffers jobs until exit: nothing is stored while an instruction runs, everything after", async () => {
    const storedDuring: number[] = [];
    let store: MemoryNocobaseStore | undefined;
    const watch: Instruction = {
      run: () => {
        storedDuring.push(store!.jobs().length);
        return { status: 1 };
      },
    };
    const h = harness(workflowOf([{ key: "a", type: "echo" }, { key: "b", type: "echo", upstream: "a" }, { key: "w", type: "watch", upstream: "b" }]), { extra: { watch } });
    store = h.store;
    await h.trigger();
    await h.drain();
    expect(storedDuring).toEqual([0]);
    expect(h.jobs()).toHaveLength(3);
  });

  it("the first terminal status wins; a later exit(x) changes nothing", async () => {
    const twice: Instruction = {
      async run(node, _input, processor) {
        processor.saveJob({ status: -1, nodeId: node.id });
        await processor.exit(-1);
        await processor.exit(1);
        return undefined;
      },
    };
    const h = await run([{ key: "t", type: "twice" }, { key: "n", type: "echo", upstream: "t" }], { extra: { twice } });
    expect(h.execution().status).toBe(E.FAILED);
    expect(h.jobs().map((j) => j.status)).toEqual([-1]);
  });

  it("exit(0) leaves the execution STARTED; null suspends with the jobs flushed", async () => {
    const suspend: Instruction = {
      async run(node, _input, processor) {
        processor.saveJob({ status: 0, result: "waiting", nodeId: node.id });
        return null;
      },
      resume: (_n, job) => ({ ...job, status: 1 }),
    };
    const h = await run([{ key: "s", type: "suspend" }], { extra: { suspend } });
    expect(h.execution().status).toBe(E.STARTED);
    expect(h.jobs().map((j) => [j.status, j.result])).toEqual([[0, "waiting"]]);
    resumeJob(h.rt, h.jobs()[0]!.id);
    await h.drain();
    expect(h.execution().status).toBe(E.RESOLVED);
    expect(h.jobs().map((j) => [j.status, j.result])).toEqual([[1, "waiting"]]);
  });

  it("a branching node without resume: recalling it fails with an error naming the type", async () => {
    const h = harness(workflowOf([{ key: "p", type: "noresume" }, { key: "x", type: "echo", upstream: "p", branchIndex: 0 }]), {
      extra: {
        noresume: {
          async run(node, input, processor) {
            await processor.run(processor.getBranches(node)[0]!, input as never);
            return undefined;
          },
        },
      },
    });
    await h.trigger();
    await h.drain();
    // The rejection surfaces in the branching node's own `run` (it awaited processor.run), so exec makes it its ERROR job.
    expect(h.execution().status).toBe(E.ERROR);
    expect(h.jobs().map((j) => [j.nodeKey, j.status])).toEqual([["x", 1], ["p", -2]]);
    expect(h.jobs()[1]!.result).toMatchObject({ message: expect.stringMatching(/"resume" method should be implemented for \[noresume\]/) });
  });

  it("job ids only increase across runs, and the latest job per node feeds $jobsMapByNodeKey", async () => {
    const h = await run([
      { key: "loop", type: "loop", config: { target: 3 } },
      { key: "p", type: "prompt", upstream: "loop", branchIndex: 0 },
      { key: "v", type: "echoVariable", upstream: "loop", config: { variable: "{{$jobsMapByNodeKey.p}}" } },
    ]);
    for (let i = 0; i < 3; i++) {
      const pending = h.jobs().filter((j) => j.status === 0 && j.nodeKey === "p");
      expect(pending).toHaveLength(1);
      resumeJob(h.rt, pending[0]!.id, { result: `r${i}` });
      await h.drain();
    }
    const ids = h.jobs().map((j) => j.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    expect(h.execution().status).toBe(E.RESOLVED);
    expect(h.jobs().at(-1)).toMatchObject({ nodeKey: "v", result: "r2" });
    expect(h.jobs().find((j) => j.nodeKey === "loop")!.result).toEqual({ looped: 3, done: 3 });
  });

  it("a custom branching instruction (all branches in order) written against the processor", async () => {
    const sequence: Instruction = {
      async run(node, input, processor) {
        const job = processor.saveJob({ status: 0, result: 0, nodeId: node.id, upstreamId: input && "id" in input ? input.id : null });
        await processor.run(processor.getBranches(node)[0]!, job);
        return undefined;
      },
      async resume(node, branchJob, processor) {
        const job = processor.findBranchParentJob(branchJob, node)!;
        if (branchJob.status !== 1) return { ...job, status: branchJob.status };
        const branches = processor.getBranches(node);
        const done = Number(job.result) + 1;
        const saved = processor.saveJob({ ...job, result: done });
        if (done < branches.length) {
          await processor.run(branches[done]!, saved);
          return undefined;
        }
        return { ...saved, status: 1 };
      },
    };
    const h = await run(
      [
        { key: "s", type: "sequence" },
        { key: "b2", type: "echo", upstream: "s", branchIndex: 2 },
        { key: "b1", type: "echoVariable", upstream: "s", branchIndex: 1, config: { variable: "one" } },
        { key: "after", type: "echo", upstream: "s" },
      ],
      { extra: { sequence } },
    );
    expect(h.execution().status).toBe(E.RESOLVED);
    expect(h.jobs().map((j) => [j.nodeKey, j.status, j.result])).toEqual([["s", 1, 2], ["b1", 1, "one"], ["b2", 1, 1], ["after", 1, 2]]);
  });
});

describe("loop exit modes and limit", () => {
  const failing = (exit: number | undefined): WorkflowNodeDef[] => [
    { key: "l", type: "loop", config: { target: 3, ...(exit === undefined ? {} : { exit }) } },
    { key: "c", type: "condition", upstream: "l", branchIndex: 0, config: { calculation: eq("{{$scopes.l.index}}", 1), rejectOnFalse: false } },
    { key: "x", type: "error", upstream: "c", branchIndex: 1 },
    { key: "after", type: "echo", upstream: "l" },
  ];
  it("RETURN (default): the failure bubbles through the condition and the loop fails the execution", async () => {
    const h = await run(failing(undefined));
    expect(h.execution().status).toBe(E.ERROR);
    expect(h.jobs().find((j) => j.nodeKey === "l")).toMatchObject({ status: -2, result: { looped: 2, done: 1 } });
    expect(h.jobs().some((j) => j.nodeKey === "after")).toBe(false);
  });
  it("BREAK: the loop resolves broken and the chain goes on", async () => {
    const h = await run(failing(1));
    expect(h.execution().status).toBe(E.RESOLVED);
    expect(h.jobs().find((j) => j.nodeKey === "l")).toMatchObject({ status: 1, result: { looped: 2, done: 1, broken: true } });
    expect(h.jobs().at(-1)!.nodeKey).toBe("after");
  });
  it("CONTINUE: the failed iteration counts as done and the loop goes on", async () => {
    const h = await run(failing(2));
    expect(h.execution().status).toBe(E.RESOLVED);
    expect(h.jobs().find((j) => j.nodeKey === "l")).toMatchObject({ status: 1, result: { looped: 3, done: 3 } });
    expect(h.jobs().filter((j) => j.nodeKey === "x").map((j) => j.status)).toEqual([-2]);
  });
  it("the loop limit ends it as ERROR with exceeded", async () => {
    const h = await run([{ key: "l", type: "loop", config: { target: 10 } }, { key: "e", type: "echo", upstream: "l", branchIndex: 0 }], { loopLimit: 3 });
    expect(h.execution().status).toBe(E.ERROR);
    expect(h.jobs().find((j) => j.nodeKey === "l")).toMatchObject({ status: -2, result: { looped: 3, done: 3, exceeded: true } });
    expect(h.jobs().filter((j) => j.nodeKey === "e")).toHaveLength(3);
  });
});

describe("multi-conditions", () => {
  const nodes = (conditions: unknown[], extra: Record<string, unknown> = {}, branches: WorkflowNodeDef[] = []): WorkflowNodeDef[] => [
    { key: "m", type: "multi-conditions", config: { conditions, ...extra } },
    ...branches,
    { key: "after", type: "echo", upstream: "m" },
  ];
  const branch = (i: number, type = "echo"): WorkflowNodeDef => ({ key: `b${i}`, type, upstream: "m", branchIndex: i });
  it("the first true condition runs its branch, then the downstream", async () => {
    const h = await run(nodes([{ calculation: eq(1, 0) }, { calculation: eq(1, 1) }, { calculation: eq(1, 1) }], {}, [branch(0), branch(1), branch(2), branch(3)]));
    expect(h.execution().status).toBe(E.RESOLVED);
    expect(h.jobs().map((j) => [j.nodeKey, j.status])).toEqual([["m", 1], ["b2", 1], ["after", 1]]);
    expect(h.jobs()[0]).toMatchObject({ result: true, meta: { conditions: [false, true] } });
  });
  it("no match: the default branch still runs, and the node FAILS without continueOnNoMatch", async () => {
    const h = await run(nodes([{ calculation: eq(1, 0) }], {}, [branch(0), branch(1)]));
    expect(h.execution().status).toBe(E.FAILED);
    expect(h.jobs().map((j) => [j.nodeKey, j.status])).toEqual([["m", -1], ["b0", 1]]);
  });
  it("no match with continueOnNoMatch resolves and continues", async () => {
    const h = await run(nodes([{ calculation: eq(1, 0) }], { continueOnNoMatch: true }, [branch(0)]));
    expect(h.execution().status).toBe(E.RESOLVED);
    expect(h.jobs().map((j) => j.nodeKey)).toEqual(["m", "b0", "after"]);
  });
  it("a failed branch ends the execution with its status; the node's job stays RESOLVED", async () => {
    const h = await run(nodes([{ calculation: eq(1, 1) }], {}, [branch(1, "error")]));
    expect(h.execution().status).toBe(E.ERROR);
    expect(h.jobs().map((j) => [j.nodeKey, j.status])).toEqual([["m", 1], ["b1", -2]]);
  });
  it("a condition that throws: ERROR with the message", async () => {
    const h = await run(nodes([{ calculation: { calculator: "bogus", operands: [1, 1] } }]));
    expect(h.execution().status).toBe(E.ERROR);
    expect(h.jobs()[0]).toMatchObject({ status: -2, result: 'no calculator function registered for "bogus"' });
  });
});

describe("output", () => {
  it("sets the execution output to the resolved value", async () => {
    const h = await run([{ key: "o", type: "output", config: { value: { title: "{{$context.t}}", n: "{{$context.n}}" } } }], { context: { t: "hi", n: 3 } });
    expect(h.execution()).toMatchObject({ status: E.RESOLVED, output: { title: "hi", n: 3 } });
    expect(h.jobs()[0]).toMatchObject({ status: 1, result: { title: "hi", n: 3 } });
  });
});

describe("MemoryNocobaseStore", () => {
  it("latest job per node, jobs in id order, ids never reused, copies in and out", () => {
    const store = new MemoryNocobaseStore();
    const job = (id: number, nodeId: number) => ({ id, executionId: "e", nodeId, nodeKey: `n${nodeId}`, upstreamId: null, status: 1, result: { v: id }, meta: null, log: null, createdAt: 0, updatedAt: 0 });
    const a = store.newJobId();
    const b = store.newJobId();
    store.putJob(job(b, 1));
    store.putJob(job(a, 1));
    store.putJob(job(10, 2));
    expect(store.newJobId()).toBe(11);
    expect(store.jobs().map((j) => j.id)).toEqual([1, 2, 10]);
    expect(store.latestJobs().map((j) => j.id)).toEqual([2, 10]);
    const read = store.job(10)!;
    (read.result as { v: number }).v = 99;
    expect(store.job(10)!.result).toEqual({ v: 10 });
  });
});

describe("status constants", () => {
  it("are NocoBase's numbers", () => {
    expect(J).toMatchObject({ PENDING: 0, RESOLVED: 1, FAILED: -1, ERROR: -2, ABORTED: -3, CANCELED: -4, REJECTED: -5, RETRY_NEEDED: -6 });
    expect(E.QUEUEING).toBeNull();
  });
});
