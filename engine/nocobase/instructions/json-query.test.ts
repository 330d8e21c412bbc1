import { describe, expect, it } from "vitest";
import { EXECUTION_STATUS as E, JOB_STATUS as J } from "../statuses";
import { harness, workflowOf } from "../test-fixtures";
import type { WorkflowNodeDef } from "../workflow";
import { jsonQuery } from "./json-query";

/** json-query (§3.10) through the engine harness: the source is an upstream node's result. */

const data = { items: [{ id: 1, name: "a", tags: { x: 1 } }, { id: 2, name: "b", tags: { x: 2 } }, { id: 3, name: "c", tags: { x: 3 } }] };

async function query(config: Record<string, unknown>) {
  const nodes: WorkflowNodeDef[] = [
    { key: "src", type: "echoVariable", config: { variable: "{{$context}}" } },
    { key: "q", type: "json-query", upstream: "src", config: { source: "{{$jobsMapByNodeKey.src}}", ...config } },
  ];
  const h = harness(workflowOf(nodes));
  await h.trigger({ context: data });
  await h.drain();
  return { execution: h.execution(), job: h.jobs()[1]! };
}

describe("json-query engines", () => {
  it("jmespath (the default)", async () => {
    const { execution, job } = await query({ expression: "items[?id > `1`].name" });
    expect(execution.status).toBe(E.RESOLVED);
    expect(job).toMatchObject({ status: J.RESOLVED, result: ["b", "c"] });
  });

  it("jsonpathplus, filter scripts by its safe evaluator", async () => {
    const { job } = await query({ engine: "jsonpathplus", expression: "$.items[?(@.id > 1 && @.name !== 'c')].name" });
    expect(job).toMatchObject({ status: J.RESOLVED, result: ["b"] });
    const escaped = await query({ engine: "jsonpathplus", expression: "$.items[?(@.constructor.constructor('return 1')())]" });
    expect(escaped.job.status).toBe(J.ERROR);
  });

  it("jsonata", async () => {
    const { job } = await query({ engine: "jsonata", expression: "$sum(items.id) & '-' & items[id = 2].name" });
    expect(job).toMatchObject({ status: J.RESOLVED, result: "6-b" });
  });

  it("the expression is a template too", async () => {
    const { job } = await query({ expression: "items[?name == '{{$context.items.1.name}}'].id | [0]" });
    expect(job.result).toBe(2);
  });
});

describe("json-query model", () => {
  it("maps each item, or a single object, to alias || path with '.' → '_'", async () => {
    const model = [{ path: "id", alias: "key" }, { path: "tags.x" }];
    expect((await query({ expression: "items", model })).job.result).toEqual([{ key: 1, tags_x: 1 }, { key: 2, tags_x: 2 }, { key: 3, tags_x: 3 }]);
    expect((await query({ expression: "items[0]", model })).job.result).toEqual({ key: 1, tags_x: 1 });
    expect((await query({ expression: "length(items)", model })).job.result).toBe(3);
  });
});

describe("json-query failures", () => {
  it("a throw → {ERROR, result null} with the details in the log", async () => {
    const bad = await query({ expression: "items[?" });
    expect(bad.execution.status).toBe(E.ERROR);
    expect(bad.job).toMatchObject({ status: J.ERROR, result: null });
    expect(bad.job.log).toMatch(/\S/);
    const jsonata = await query({ engine: "jsonata", expression: "$unknown(" });
    expect(jsonata.job).toMatchObject({ status: J.ERROR, result: null, log: expect.stringMatching(/^S0\d+: /) });
  });

  it("a JSONata recursion that never ends is stopped by its step budget", async () => {
    const { job } = await query({ engine: "jsonata", expression: "($f := function($n) { $f($n + 1) }; $f(0))" });
    expect(job).toMatchObject({ status: J.ERROR, result: null, log: "Error: the JSONata expression took more than 1000000 evaluation steps" });
  });
});

describe("json-query.validateConfig", () => {
  it("checks the engine, the expression and the model", () => {
    expect(jsonQuery.validateConfig!({ engine: "jsonata", source: "{{$context}}", expression: "a", model: [{ path: "a", alias: "b" }] })).toBeNull();
    expect(jsonQuery.validateConfig!({ engine: "xpath", expression: 1, model: [{ alias: "b" }] })).toEqual({
      engine: '"engine" must be one of [jmespath, jsonpathplus, jsonata]',
      expression: '"expression" must be a string',
      model: '"model" must be an array of {path, alias?, label?}',
    });
  });
});
