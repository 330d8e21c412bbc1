import { describe, expect, it } from "vitest";
import { loadEngine } from "./engine";
import { DEFAULT_LIMITS, Sandbox, type ScriptVersion } from "./index";

const sandbox = new Sandbox();
let counter = 0;
const script = (source: string, path = "function/t"): ScriptVersion => ({ path, sha256: `h${counter++}`, source });
const run = (source: string, args: unknown[] = [], extra: object = {}) =>
  sandbox.invoke({ project: "p1", script: script(source), args, limits: DEFAULT_LIMITS, ...extra });

describe("sandbox basics", () => {
  it("runs a default export with args", async () => {
    const out = await run("export default (a, b) => ({ sum: a.x + b })", [{ x: 2 }, 3]);
    expect(out).toMatchObject({ ok: true, result: { sum: 5 } });
  });
  it("compiles and reports syntax errors", async () => {
    expect(await sandbox.compile("function/x", "export default 1")).toEqual({ ok: true });
    const bad = await sandbox.compile("function/x", "const a = 1;\nexport default (x => {\n  return x +;\n});");
    expect(bad).toMatchObject({ ok: false, line: 3 });
    console.log(bad);
  });
});

describe("compile", () => {
  it("accepts valid modules under every kind of path", async () => {
    for (const path of ["global/onOriginRequest", "authentication/postLogout", "operation/Todo/CreateOne/preResolve", "lib/util", "function/a/b/c"]) {
      expect(await sandbox.compile(path, "import { x } from '../lib/x';\nexport default () => x"), path).toEqual({ ok: true });
      // This source length with names of 21-23 characters is where QuickJS's compile-only path misreports.
      expect(await sandbox.compile(path, "export default () => null"), path).toEqual({ ok: true });
      expect(await sandbox.compile(path, "export default () => {}"), path).toEqual({ ok: true });
    }
  });
});


describe("memory limit", () => {
  it("stops a loop of large native allocations when the heap would grow past the limit, not gigabytes later", async () => {
    const engine = await loadEngine();
    const before = engine.module.getWasmMemory().buffer.byteLength;
    // A CPU budget that the charges for the repeats do not reach before the memory limit.
    const limits = { ...DEFAULT_LIMITS, memoryBytes: 16 * 1024 * 1024, cpuMs: 30_000 };
    // Each iteration is a few interrupt ticks and a megabyte: the interrupt handler alone would first look after
    // about a gigabyte.
    const out = await run("export default () => { const keep = []; for (;;) keep.push('x'.repeat(1e6) + keep.length) }", [], { limits });
    expect(out).toMatchObject({ ok: false, error: { code: "memory_limit_exceeded" } });
    expect(engine.module.getWasmMemory().buffer.byteLength - before).toBeLessThanOrEqual(limits.memoryBytes + 8 * 1024 * 1024);
    expect(await run("export default () => 'x'.repeat(1e6).length")).toMatchObject({ ok: true, result: 1e6 });
  });
});

describe("heap retention", () => {
  it("gives an oversized wasm heap back once no call is running, and keeps a small one", async () => {
    const small = await loadEngine();
    expect(await run("export default () => 1")).toMatchObject({ ok: true });
    expect((await loadEngine()).generation).toBe(small.generation);

    const limits = { ...DEFAULT_LIMITS, memoryBytes: 128 * 1024 * 1024, cpuMs: 5000 };
    const big = await run("export default () => { const keep = []; for (let i = 0; i < 100; i++) keep.push('x'.repeat(1e6) + i); return keep.length }", [], { limits });
    expect(big).toMatchObject({ ok: true, result: 100 });
    expect(small.module.getWasmMemory().buffer.byteLength).toBeGreaterThan(96 * 1024 * 1024);
    const fresh = await loadEngine();
    expect(fresh.generation).toBeGreaterThan(small.generation);
    expect(fresh.module.getWasmMemory().buffer.byteLength).toBeLessThan(96 * 1024 * 1024);
    expect(await run("export default (x) => x.n + 1", [{ n: 1 }])).toMatchObject({ ok: true, result: 2 });
  });
});
