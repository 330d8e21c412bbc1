import { describe, expect, it } from "vitest";
import { Sandbox, resolveLimits } from "../sandbox";
import { WORKFLOW_SANDBOX_DECORATORS, v8SyntaxMessage, workflowSandboxServices } from "./workflow-sandbox";

/** The real QuickJS sandbox; a project CPU budget above S23d's 100 ms timeout, so the timeout is what binds. */
const sandbox = new Sandbox({ decorators: WORKFLOW_SANDBOX_DECORATORS });
const services = workflowSandboxServices(sandbox, "p-workflow", resolveLimits({ cpuMs: 1_000 }));

describe("formula", () => {
  it("evaluates JavaScript expressions with the formula.js functions as globals", async () => {
    expect(await services.formula("1 == 1", {})).toEqual({ ok: true, value: true, logs: [] });
    expect(await services.formula("Date.parse('2024-01-02T00:00:00Z')", {})).toMatchObject({ ok: true, value: 1704153600000 });
    expect(await services.formula("CONCATENATE('a', $$0)", { $$0: "t1" })).toMatchObject({ ok: true, value: "at1" });
    expect(await services.formula("SUM($$0) + ROUND(2.345, 2)", { $$0: [1, 2, 3] })).toMatchObject({ ok: true, value: 8.35 });
    expect(await services.formula("IF($$0.a > 1, UPPER('yes'), 'no')", { $$0: { a: 2 } })).toMatchObject({ ok: true, value: "YES" });
  });

  it("answers a statement list's completion value, as a script", async () => {
    expect(await services.formula("const x = 2; x * $$0", { $$0: 21 })).toMatchObject({ ok: true, value: 42 });
  });

  it("reports a syntax error by name", async () => {
    const outcome = await services.formula("CONCATENATE('a' 'b')", {});
    expect(outcome).toMatchObject({ ok: false, timedOut: false });
    expect(outcome.ok || outcome.message).toMatch(/^SyntaxError: /);
  });

  it("gives read-only scope values, and calls cannot change the functions later calls see", async () => {
    expect(await services.formula("$$0.a = 2; $$0.a", { $$0: { a: 1 } })).toMatchObject({ ok: true, value: 1 });
    expect(await services.formula("'use strict'; $$0.a = 2", { $$0: { a: 1 } })).toMatchObject({ ok: false, message: expect.stringMatching(/^TypeError/) });
    await services.formula("SUM.extra = 1; ABS = null", {});
    expect(await services.formula("[typeof SUM.extra, ABS(-2)]", {})).toMatchObject({ ok: true, value: ["undefined", 2] });
  });

  it("compiles the library within the default limits on a runtime's first call", async () => {
    const fresh = workflowSandboxServices(sandbox, "p-workflow-defaults", resolveLimits({}));
    expect(await fresh.formula("ABS(-1)", {})).toMatchObject({ ok: true, value: 1 });
  });

  it("is bounded by the project's CPU budget", async () => {
    const outcome = await services.formula("(() => { while (true) {} })()", {});
    expect(outcome).toMatchObject({ ok: false, timedOut: true });
  });
});

describe("javascript (the script node)", () => {
  it("S23a: arguments are globals; the returned value is the result", async () => {
    expect(await services.javascript("return aaa + 90;", { aaa: "post" }, 2)).toEqual({ ok: true, value: "post90", logs: [] });
  });

  it("S23b: a syntax error in NocoBase's (V8's) words", async () => {
    expect(await services.javascript('const\nreturn "Hello world!";', {}, undefined)).toMatchObject({ ok: false, message: "Unexpected token 'return'", timedOut: false });
    expect(await services.javascript("return 1 1", {}, undefined)).toMatchObject({ message: "Unexpected number" });
    expect(await services.javascript("let a = b c;", {}, undefined)).toMatchObject({ message: "Unexpected identifier 'c'" });
    expect(await services.javascript("foo(", {}, undefined)).toMatchObject({ message: "Unexpected token '}'" });
  });

  it("S23c: argument types arrive as JSON (a Date as its ISO string) in copies the script may change", async () => {
    const date = new Date("2024-09-30T16:00:00.000Z");
    const mixed = { boolean: true, number: 1, string: "abc", date, array: [1, 2, 3], object: { a: 1, b: 2, c: 3 }, nil: null };
    const args = { boolean: true, number: 1, string: "abc", date, array: [1, 2, 3], object: { a: 1, b: 2, c: 3 }, nil: null, mixed };
    const content = "array.push(4); return [boolean, number, string, typeof date, array.slice(0, 3).join(''), object.a, nil, mixed];";
    expect(await services.javascript(content, args, undefined)).toEqual({
      ok: true,
      value: [true, 1, "abc", "string", "123", 1, null, { ...mixed, date: "2024-09-30T16:00:00.000Z" }],
      logs: [],
    });
  });

  it("an argument whose value is undefined is still a global", async () => {
    expect(await services.javascript("return typeof missing;", { missing: undefined }, undefined)).toMatchObject({ ok: true, value: "undefined" });
  });

  it("S23d: a rejected promise gives its message; awaited values are summed", async () => {
    expect(await services.javascript("return Promise.reject(new Error('fail'))", {}, undefined)).toMatchObject({ ok: false, message: "fail", timedOut: false });
    const sum = "const a = await Promise.resolve(90); const b = await new Promise((resolve) => resolve(90)); return a + b;";
    expect(await services.javascript(sum, {}, undefined)).toMatchObject({ ok: true, value: 180 });
    expect(await services.javascript("throw 'plain'", {}, undefined)).toMatchObject({ ok: false, message: "plain" });
  });

  it("S23d: past its timeout (a CPU-bound loop: the sandbox has no timers), it reports NocoBase's message", async () => {
    expect(await services.javascript("while (true) {}", {}, 100)).toEqual({ ok: false, message: "Script execution timed out after 100ms", timedOut: true, logs: [] });
    // The project's budget caps a longer timeout.
    const capped = workflowSandboxServices(sandbox, "p-workflow", resolveLimits({ cpuMs: 20 }));
    expect(await capped.javascript("while (true) {}", {}, 5_000)).toMatchObject({ message: "Script execution timed out after 20ms", timedOut: true });
  });

  it("console output becomes the logs", async () => {
    expect(await services.javascript("console.log('a', 1); console.warn({ b: 2 }); return null;", {}, undefined)).toEqual({ ok: true, value: null, logs: ["a 1", '{"b": 2}'] });
  });

  it("sees no host: no bridge, no eval of the host, no fetch permission", async () => {
    const probe = "return [typeof host, typeof __scope, typeof process, typeof require, await fetch('https://example.com').then(() => 'fetched', (e) => e.message)];";
    const outcome = await services.javascript(probe, {}, undefined);
    expect(outcome).toMatchObject({ ok: true });
    expect(outcome.ok && outcome.value).toEqual(["undefined", "object", "undefined", "undefined", expect.stringMatching(/not allowed|permission/i)]);
  });

  it("runs sloppy code, as NocoBase's function body", async () => {
    expect(await services.javascript("undeclared = 1; return undeclared + (this === globalThis ? 1 : 0);", {}, undefined)).toMatchObject({ ok: true, value: 2 });
  });
});

describe("v8SyntaxMessage", () => {
  it("names the token QuickJS stopped at", () => {
    expect(v8SyntaxMessage("variable name expected", "return 1;")).toBe("Unexpected token 'return'");
    expect(v8SyntaxMessage("expecting ';'", "'x'")).toBe("Unexpected string");
    expect(v8SyntaxMessage("unexpected token in expression: '=>'", "=> 1")).toBe("Unexpected token '=>'");
    expect(v8SyntaxMessage("expecting ')'", "")).toBe("Unexpected end of input");
    expect(v8SyntaxMessage("expecting ';'", "`t`")).toBe("Unexpected template string");
  });
  it("maps the lexical errors and keeps what has no V8 counterpart", () => {
    expect(v8SyntaxMessage("invalid number literal", "1a")).toBe("Invalid or unexpected token");
    expect(v8SyntaxMessage("invalid assignment left-hand side", "")).toBe("Invalid left-hand side in assignment");
    expect(v8SyntaxMessage("return not in a function", "")).toBe("return not in a function");
  });
});
