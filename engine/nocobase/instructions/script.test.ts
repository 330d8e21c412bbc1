import { describe, expect, it } from "vitest";
import { WORKFLOW_SANDBOX_DECORATORS, workflowSandboxServices } from "../../../durable/workflow-sandbox";
import { Sandbox, resolveLimits } from "../../../sandbox";
import { cancelExecution } from "../operations";
import { EXECUTION_STATUS as E, JOB_STATUS as J } from "../statuses";
import { harness, workflowOf, type Harness } from "../test-fixtures";
import { runWork } from "../work";
import type { WorkflowNodeDef } from "../workflow";
import { script } from "./script";

/** nocobase-scenarios.md S23 (sync workflows) and the async mode, through the engine harness on the real sandbox. */

const services = workflowSandboxServices(new Sandbox({ decorators: WORKFLOW_SANDBOX_DECORATORS }), "p-script", resolveLimits({ cpuMs: 1_000 }));
const post = { data: { id: 1, title: "post", read: 0, published: false } };

function scriptNode(config: Record<string, unknown>): WorkflowNodeDef[] {
  return [
    { key: "n1", type: "script", config },
    { key: "n2", type: "echo", upstream: "n1" },
  ];
}

/** Runs the first queued work item only (the harness's advance and drain run everything that is due). */
async function runNext(h: Harness) {
  const next = h.queue.shift()!;
  await runWork(h.rt, next.item, false);
}

async function run(config: Record<string, unknown>, sync = true) {
  const h = harness(workflowOf(scriptNode(config), { sync }), { services });
  await h.trigger({ context: post });
  await h.drain();
  return h;
}

describe("S23 script node (sync workflow: inline)", () => {
  it("a: an argument from a template; the returned value is the result", async () => {
    const h = await run({ arguments: [{ name: "aaa", value: "{{$context.data.title}}" }], content: "return aaa + 90;", timeout: 2 });
    expect(h.execution().status).toBe(E.RESOLVED);
    expect(h.jobs().map((j) => [j.nodeKey, j.status, j.result])).toEqual([["n1", 1, "post90"], ["n2", 1, "post90"]]);
  });

  it("b: a syntax error → ERROR with \"Unexpected token 'return'\"", async () => {
    const h = await run({ content: 'const\nreturn "Hello world!";' });
    expect(h.execution().status).toBe(E.ERROR);
    expect(h.jobs().map((j) => [j.status, j.result])).toEqual([[J.ERROR, "Unexpected token 'return'"]]);
  });

  it("c: arguments of every type", async () => {
    const date = "{{$context.date}}";
    const args = [
      { name: "boolean", value: true },
      { name: "number", value: 1 },
      { name: "string", value: "abc" },
      { name: "date", value: date },
      { name: "array", value: [1, 2, 3] },
      { name: "object", value: { a: 1, b: 2, c: 3 } },
      { name: "nil", value: null },
      { name: "mixed", value: { boolean: true, number: 1, string: "abc", date, array: [1, 2, 3], object: { a: 1, b: 2, c: 3 }, nil: null } },
    ];
    const content = "return [boolean, number, string, typeof date, array.join(''), object.a, nil, mixed];";
    const h = harness(workflowOf(scriptNode({ arguments: args, content }), { sync: true }), { services });
    await h.trigger({ context: { date: new Date("2024-09-30T16:00:00.000Z") } });
    expect(h.jobs()[0]).toMatchObject({
      status: J.RESOLVED,
      result: [true, 1, "abc", "string", "123", 1, null, { boolean: true, number: 1, string: "abc", date: "2024-09-30T16:00:00.000Z", array: [1, 2, 3], object: { a: 1, b: 2, c: 3 }, nil: null }],
    });
  });

  it("d: a rejection gives its message; awaited values; a CPU-bound script past its timeout", async () => {
    expect((await run({ content: "return Promise.reject(new Error('fail'))" })).jobs()[0]).toMatchObject({ status: J.ERROR, result: "fail" });
    expect((await run({ content: "const a = await Promise.resolve(90); return a + await Promise.resolve(90);" })).jobs()[0]).toMatchObject({ status: J.RESOLVED, result: 180 });
    expect((await run({ content: "while (true) {}", timeout: 100 })).jobs()[0]).toMatchObject({ status: J.ERROR, result: "Script execution timed out after 100ms" });
  });

  it("timers: a script may sleep within its timeout; a sleep past it times out", async () => {
    const sleeps = "await new Promise((resolve) => setTimeout(resolve, 20)); return 'awake';";
    expect((await run({ content: sleeps, timeout: 2000 })).jobs()[0]).toMatchObject({ status: J.RESOLVED, result: "awake" });
    const oversleeps = "await new Promise((resolve) => setTimeout(resolve, 60000)); return 'awake';";
    expect((await run({ content: oversleeps, timeout: 50 })).jobs()[0]).toMatchObject({ status: J.ERROR, result: "Script execution timed out after 50ms" });
  });

  it("continue: a failure resolves, keeping the message as the result", async () => {
    const h = await run({ content: "throw new Error('boom')", continue: true });
    expect(h.execution().status).toBe(E.RESOLVED);
    expect(h.jobs().map((j) => [j.nodeKey, j.status, j.result])).toEqual([["n1", 1, "boom"], ["n2", 1, "boom"]]);
  });

  it("console output becomes the job's log", async () => {
    const h = await run({ content: "console.log('one'); console.error('two'); return 1;" });
    expect(h.jobs()[0]).toMatchObject({ status: J.RESOLVED, result: 1, log: "one\ntwo" });
  });
});

describe("script node in an async workflow", () => {
  it("saves a PENDING job holding the arguments, then a queued resume runs the script and the chain goes on", async () => {
    const h = harness(workflowOf(scriptNode({ arguments: [{ name: "aaa", value: "{{$context.data.title}}" }], content: "return aaa + 90;" })), { services });
    await h.trigger({ context: post });
    await runNext(h); // the start item: the run suspends at the script
    expect(h.execution().status).toBe(E.STARTED);
    expect(h.jobs().map((j) => [j.status, j.meta])).toEqual([[J.PENDING, { args: { aaa: "post" } }]]);
    await h.drain();
    expect(h.execution().status).toBe(E.RESOLVED);
    expect(h.jobs().map((j) => [j.nodeKey, j.status, j.result])).toEqual([["n1", 1, "post90"], ["n2", 1, "post90"]]);
  });

  it("a cancel before the script ran: the job is ABORTED and the script never runs", async () => {
    const h = harness(workflowOf(scriptNode({ content: "console.log('ran'); return 1;" })), { services });
    await h.trigger({ context: post });
    await runNext(h);
    cancelExecution(h.rt);
    await h.drain();
    expect(h.execution()).toMatchObject({ status: E.ABORTED, reason: "manual_cancel" });
    expect(h.jobs().map((j) => [j.status, j.result, j.log])).toEqual([[J.ABORTED, null, null]]);
  });

  it("a restart between the suspension and the script still runs it (the resume is queued work)", async () => {
    const h = harness(workflowOf(scriptNode({ content: "return 7;" })), { services });
    await h.trigger({ context: post });
    await runNext(h);
    h.restart();
    await h.drain();
    expect(h.jobs().map((j) => [j.nodeKey, j.status, j.result])).toEqual([["n1", 1, 7], ["n2", 1, 7]]);
  });
});

describe("script.validateConfig", () => {
  it("needs content; checks arguments, timeout and continue", () => {
    expect(script.validateConfig!({ content: "return 1", arguments: [{ name: "a", value: "{{x}}" }], timeout: 1000, continue: false })).toBeNull();
    expect(script.validateConfig!({ arguments: [{ value: 1 }], timeout: -1, continue: "yes" })).toEqual({
      content: '"content" is required and must be a string',
      arguments: '"arguments" must be an array of {name, value}',
      timeout: '"timeout" must be a number of milliseconds, 0 or more',
      continue: '"continue" must be a boolean',
    });
  });
});
