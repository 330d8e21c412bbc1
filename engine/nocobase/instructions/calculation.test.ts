import { describe, expect, it } from "vitest";
import { WORKFLOW_SANDBOX_DECORATORS, workflowSandboxServices } from "../../../durable/workflow-sandbox";
import { Sandbox, resolveLimits } from "../../../sandbox";
import { EXECUTION_STATUS as E, JOB_STATUS as J } from "../statuses";
import { harness, workflowOf } from "../test-fixtures";
import type { WorkflowNodeDef } from "../workflow";
import { calculation } from "./calculation";

/** nocobase-scenarios.md S18 through the engine harness; formula.js on the real QuickJS sandbox. */

const services = workflowSandboxServices(new Sandbox({ decorators: WORKFLOW_SANDBOX_DECORATORS }), "p-calculation", resolveLimits({}));
const post = (data: Record<string, unknown> = {}) => ({ data: { id: 1, title: "t1", read: 0, published: false, ...data } });

async function run(nodes: WorkflowNodeDef[], context: unknown = post()) {
  const h = harness(workflowOf(nodes), { services });
  await h.trigger({ context });
  await h.drain();
  return h;
}

const calc = (config: Record<string, unknown>, key = "n1"): WorkflowNodeDef => ({ key, type: "calculation", config });

describe("S18 calculation", () => {
  it("math.js '1 1' → ERROR, result 'SyntaxError: …'", async () => {
    const h = await run([calc({ engine: "math.js", expression: "1 1" })]);
    expect(h.execution().status).toBe(E.ERROR);
    expect(h.jobs()[0]!.status).toBe(J.ERROR);
    expect(h.jobs()[0]!.result).toMatch(/^SyntaxError: /);
  });

  const rows: [string, Record<string, unknown>, unknown, unknown][] = [
    ["' 1 + 1 ' (math.js by default)", { expression: " 1 + 1 " }, post(), 2],
    ["'{{$context.data.read}} + 1' with read 1", { engine: "math.js", expression: "{{$context.data.read}} + 1" }, post({ read: 1 }), 2],
    ["formula.js CONCATENATE('a', '{{…title}}'): the quoted placeholder is the literal $$0", { engine: "formula.js", expression: "CONCATENATE('a', '{{$context.data.title}}')" }, post(), "a$$0"],
    ["formula.js CONCATENATE('a', {{…title}})", { engine: "formula.js", expression: "CONCATENATE('a', {{$context.data.title}})" }, post(), "at1"],
    ["formula.js {{a.b}} with a null → null", { engine: "formula.js", expression: "{{$context.a.b}}" }, { a: null }, null],
    ["string 'a{{…}}b' with false", { engine: "string", expression: "a{{$context.data.published}}b" }, post(), "afalseb"],
    ["formula.js rounds to 9 decimals", { engine: "formula.js", expression: "1 / 3" }, post(), 0.333333333],
    ["math.js 1/0 → null", { engine: "math.js", expression: "1 / 0" }, post(), null],
    ["an empty expression → null", { engine: "math.js", expression: "  " }, post(), null],
  ];
  for (const [name, config, context, expected] of rows) {
    it(name, async () => {
      const h = await run([calc(config)], context);
      expect(h.execution().status).toBe(E.RESOLVED);
      expect(h.jobs()[0]).toMatchObject({ status: J.RESOLVED, result: expected });
    });
  }

  it("a node result as a variable: echoVariable {{$context}}, then {{$jobsMapByNodeKey.n1.data.read}} + 1", async () => {
    const h = await run([
      { key: "n1", type: "echoVariable", config: { variable: "{{$context}}" } },
      { ...calc({ expression: "{{$jobsMapByNodeKey.n1.data.read}} + 1" }, "n2"), upstream: "n1" },
    ]);
    expect(h.jobs().map((j) => [j.nodeKey, j.status, j.result])[1]).toEqual(["n2", 1, 1]);
  });

  it("'{{$system.now}}': the function is called; the result is an ISO date string", async () => {
    const h = await run([calc({ expression: "{{$system.now}}" })]);
    expect(h.jobs()[0]!.result).toBe(new Date(h.now()).toISOString());
  });

  it("formula.js without a sandbox is an ERROR job, never host evaluation", async () => {
    const h = harness(workflowOf([calc({ engine: "formula.js", expression: "1 + 1" })]));
    await h.trigger({ context: post() });
    await h.drain();
    expect(h.jobs()[0]).toMatchObject({ status: J.ERROR, result: "Error: the formula.js engine needs the sandbox, and this runtime has none" });
  });
});

describe("calculation.validateConfig", () => {
  it("accepts the three engines and refuses others", () => {
    expect(calculation.validateConfig!({ engine: "formula.js", expression: "1" })).toBeNull();
    expect(calculation.validateConfig!({})).toBeNull();
    expect(calculation.validateConfig!({ engine: "python", expression: 1 })).toEqual({ engine: '"engine" must be one of [math.js, formula.js, string]', expression: '"expression" must be a string' });
  });
});
