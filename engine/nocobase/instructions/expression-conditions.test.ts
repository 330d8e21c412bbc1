import { describe, expect, it } from "vitest";
import { WORKFLOW_SANDBOX_DECORATORS, workflowSandboxServices } from "../../../durable/workflow-sandbox";
import { Sandbox, resolveLimits } from "../../../sandbox";
import { EXECUTION_STATUS as E, JOB_STATUS as J } from "../statuses";
import { harness, workflowOf } from "../test-fixtures";
import type { WorkflowNodeDef } from "../workflow";

/**
 * condition, multi-conditions and the loop condition with `engine: 'math.js' | 'formula.js'` and an `expression`
 * (nocobase-scenarios.md S8's last rows, S6a/b as upstream writes them, S14 with expressions); formula.js on the
 * real QuickJS sandbox.
 */

const services = workflowSandboxServices(new Sandbox({ decorators: WORKFLOW_SANDBOX_DECORATORS }), "p-conditions", resolveLimits({}));
const post = { data: { id: 1, title: "t1", read: 1, published: false } };

async function run(nodes: WorkflowNodeDef[], sync = false) {
  const h = harness(workflowOf(nodes, { sync }), { services });
  await h.trigger({ context: post });
  await h.drain();
  return h;
}

const shape = (h: Awaited<ReturnType<typeof run>>) => h.jobs().map((j) => [j.nodeKey, j.status, j.result]);

describe("condition with an expression engine", () => {
  for (const engine of ["math.js", "formula.js"]) {
    it(`S8: ${engine} '1 == 1' → true`, async () => {
      const h = await run([{ key: "n1", type: "condition", config: { engine, expression: "1 == 1", rejectOnFalse: false } }]);
      expect(h.execution().status).toBe(E.RESOLVED);
      expect(shape(h)).toEqual([["n1", 1, true]]);
    });

    it(`S6a/b: ${engine} picks the branch; variables resolve`, async () => {
      const branches = (expression: string): WorkflowNodeDef[] => [
        { key: "n1", type: "condition", config: { engine, expression, rejectOnFalse: false } },
        { key: "n2", type: "echo", upstream: "n1", branchIndex: 1 },
        { key: "n3", type: "echo", upstream: "n1", branchIndex: 0 },
        { key: "n4", type: "echo", upstream: "n1" },
      ];
      expect(shape(await run(branches("{{$context.data.read}} == 1")))).toEqual([["n1", 1, true], ["n2", 1, true], ["n4", 1, true]]);
      expect(shape(await run(branches("0 == 1")))).toEqual([["n1", 1, false], ["n3", 1, false], ["n4", 1, false]]);
    });

    it(`rejectOnFalse: ${engine} false → FAILED`, async () => {
      const h = await run([{ key: "n1", type: "condition", config: { engine, expression: "{{$context.data.published}}", rejectOnFalse: true } }]);
      expect(h.execution().status).toBe(E.FAILED);
      expect(shape(h)).toEqual([["n1", J.FAILED, false]]);
    });
  }

  it("an expression that throws → ERROR job with the error's text", async () => {
    const math = await run([{ key: "n1", type: "condition", config: { engine: "math.js", expression: "1 1", rejectOnFalse: false } }]);
    expect(math.execution().status).toBe(E.ERROR);
    expect(math.jobs()[0]!.result).toMatch(/^SyntaxError: /);
    const formula = await run([{ key: "n1", type: "condition", config: { engine: "formula.js", expression: "missing + 1", rejectOnFalse: false } }]);
    expect(formula.jobs()[0]).toMatchObject({ status: J.ERROR, result: "ReferenceError: 'missing' is not defined" });
  });
});

describe("multi-conditions with expression engines", () => {
  it("the first true condition's branch runs; outcomes are listed in meta", async () => {
    const h = await run([
      {
        key: "n1",
        type: "multi-conditions",
        config: {
          conditions: [
            { engine: "math.js", expression: "{{$context.data.read}} > 1" },
            { engine: "formula.js", expression: "AND({{$context.data.read}} == 1, LEN({{$context.data.title}}) == 2)" },
          ],
        },
      },
      { key: "b1", type: "echo", upstream: "n1", branchIndex: 1 },
      { key: "b2", type: "echo", upstream: "n1", branchIndex: 2 },
    ]);
    expect(h.execution().status).toBe(E.RESOLVED);
    expect(shape(h)).toEqual([["n1", 1, true], ["b2", 1, true]]);
    expect(h.jobs()[0]!.meta).toEqual({ conditions: [false, true] });
  });

  it("a throwing condition: ERROR with the bare message", async () => {
    const h = await run([{ key: "n1", type: "multi-conditions", config: { conditions: [{ engine: "formula.js", expression: "1 +" }] } }]);
    expect(h.jobs()[0]).toMatchObject({ status: J.ERROR, result: expect.not.stringMatching(/^SyntaxError/) });
  });
});

describe("S14 loop condition with expressions (sync)", () => {
  const loop = (condition: unknown): WorkflowNodeDef[] => [
    { key: "K", type: "loop", config: { target: 2, condition } },
    { key: "n2", type: "echo", upstream: "K", branchIndex: 0 },
  ];
  const rows: [string, unknown, number, unknown][] = [
    ["math.js item == 0 and index == 0 (checkpoint 0)", { engine: "math.js", expression: "{{$scopes.K.item}} == 0 and {{$scopes.K.index}} == 0" }, 2, { looped: 1, done: 1, broken: true }],
    ["formula.js the same, checkpoint 1", { checkpoint: 1, engine: "formula.js", expression: "{{$scopes.K.item}} == 0 && {{$scopes.K.index}} == 0" }, 2, { looped: 1, done: 1, broken: true }],
    ["math.js 1 == 0: the branch never runs", { engine: "math.js", expression: "1 == 0" }, 1, { looped: 1, done: 0, broken: true }],
    ["formula.js continueOnFalse, 0 == item", { continueOnFalse: true, engine: "formula.js", expression: "0 == {{$scopes.K.item}}" }, 2, { looped: 2, done: 1 }],
  ];
  for (const [name, condition, jobs, result] of rows) {
    it(name, async () => {
      const h = await run(loop(condition), true);
      expect(h.execution().status).toBe(E.RESOLVED);
      expect(h.jobs()).toHaveLength(jobs);
      expect(h.jobs()[0]).toMatchObject({ status: J.RESOLVED, result });
    });
  }
});
