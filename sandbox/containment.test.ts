import { describe, expect, inject, it } from "vitest";
import { loadEngine } from "./engine";
import { DEFAULT_LIMITS, Sandbox, type InvokeRequest, type Limits, type ScriptVersion } from "./index";

/**
 * The adversarial corpus: work a script causes without running much bytecode (native built-ins on large inputs,
 * host calls, async host work, promise storms, timers) must end with its limit's code, and leave the sandbox fit
 * for the next call of that script and of another project. Nothing here is about time: `npm run bench:containment`
 * measures how long each case takes to breach and how long it stalls others.
 */
const { origin } = inject("requestMock");

/** `call(name, args)` reaches the request's host calls, as a decorator gives Fireboom hooks their internalClient. */
const WITH_HOST_CALLS = `(args, host) => [...args, (name, value) => host("call", name, JSON.stringify(value === undefined ? null : value))]`;
const sandbox = new Sandbox({ decorators: { withHostCalls: WITH_HOST_CALLS } });

export interface ContainmentCase {
  readonly name: string;
  readonly code: "cpu_budget_exceeded" | "memory_limit_exceeded" | "wall_clock_exceeded";
  /** The body of an async function of (mode, call) that runs away. */
  readonly body: string;
  readonly limits?: Partial<Limits>;
  readonly extra?: Partial<InvokeRequest>;
}

const slowFetch = { implicitHosts: ["127.0.0.1"] };

export const CONTAINMENT_CASES: ContainmentCase[] = [
  // Native built-ins on large inputs.
  { name: "array-join", code: "cpu_budget_exceeded", body: 'return new Array(1e8).join("x").length;' },
  { name: "repeat-replaceAll", code: "cpu_budget_exceeded", body: 'return "a".repeat(1e7).replaceAll("a", "bb").length;' },
  { name: "indexOf-10MB", code: "cpu_budget_exceeded", body: 'const s = "a".padEnd(1e7, "a"); let n = 0; for (let i = 0; i < 50; i++) n += s.indexOf("b"); return n;' },
  { name: "includes-loop-1MB", code: "cpu_budget_exceeded", body: 'const s = "ab".repeat(5e5); let n = 0; for (;;) n += s.includes("abc") ? 1 : 0;' },
  { name: "split-chars", code: "cpu_budget_exceeded", body: 'const s = "xy".repeat(1e5); for (;;) s.split("");' },
  { name: "regexp-replace", code: "cpu_budget_exceeded", body: 'const s = "a".repeat(1e6); for (;;) s.replace(/a/g, "b");' },
  { name: "regexp-symbol-split", code: "cpu_budget_exceeded", body: 'const s = "a,".repeat(5e5); for (;;) /,/[Symbol.split](s);' },
  { name: "string-object-receiver", code: "cpu_budget_exceeded", body: 'const s = new String("a".repeat(1e6)); for (;;) String.prototype.replaceAll.call(s, "a", "b");' },
  {
    name: "toString-receiver",
    code: "cpu_budget_exceeded",
    body: 'const big = "a".repeat(1e6); const o = { toString: () => big }; for (;;) String.prototype.lastIndexOf.call(o, "b");',
  },
  { name: "padEnd", code: "cpu_budget_exceeded", body: 'return "x".padEnd(1e8, "yz").length;' },
  { name: "toUpperCase", code: "cpu_budget_exceeded", body: 'const s = "a".repeat(1e6); for (;;) s.toUpperCase();' },
  { name: "array-sort", code: "cpu_budget_exceeded", body: "const a = Array.from({ length: 2e5 }, (_, i) => -i); for (;;) a.slice().sort();" },
  { name: "array-fill", code: "cpu_budget_exceeded", body: "const a = new Array(1e6); for (;;) a.fill(0);" },
  { name: "array-from-length", code: "cpu_budget_exceeded", body: "for (;;) Array.from({ length: 1e6 });" },
  { name: "array-flat", code: "cpu_budget_exceeded", body: "const inner = new Array(2e5).fill(1); for (;;) [inner, inner].flat();" },
  { name: "array-like-join", code: "cpu_budget_exceeded", body: 'return Array.prototype.join.call({ length: 1e9 }, "x").length;' },
  { name: "typed-array-join", code: "cpu_budget_exceeded", body: 'return String(new Uint8Array(1e7)).length;' },
  { name: "json-parse", code: "cpu_budget_exceeded", body: "const t = JSON.stringify(Array.from({ length: 1e5 }, (_, i) => i)); for (;;) JSON.parse(t);" },
  { name: "json-stringify", code: "cpu_budget_exceeded", body: "const v = Array.from({ length: 1e5 }, (_, i) => ({ i })); for (;;) JSON.stringify(v);" },
  { name: "refusal-caught", code: "cpu_budget_exceeded", body: 'try { "a".repeat(1e9); } catch {} return "escaped";' },
  // Host objects.
  { name: "text-encoder", code: "cpu_budget_exceeded", body: 'for (let i = 0; i < 1e6; i++) new TextEncoder().encode("x"); return 1;' },
  { name: "text-decoder-1MB", code: "cpu_budget_exceeded", body: "const b = new Uint8Array(1 << 20); for (;;) new TextDecoder().decode(b);" },
  { name: "console-log", code: "cpu_budget_exceeded", body: 'for (let i = 0; i < 1e6; i++) console.log("line", i); return 1;' },
  { name: "url-parse", code: "cpu_budget_exceeded", body: 'for (;;) new URL("https://api.example.com/a/b?c=d");' },
  { name: "btoa-atob", code: "cpu_budget_exceeded", body: 'const s = "x".repeat(1e5); for (;;) atob(btoa(s));' },
  { name: "random-values", code: "cpu_budget_exceeded", body: "const b = new Uint8Array(65536); for (;;) crypto.getRandomValues(b);" },
  { name: "structured-clone", code: "cpu_budget_exceeded", body: "const v = { list: Array.from({ length: 1000 }, (_, i) => ({ i })) }; for (;;) structuredClone(v);" },
  { name: "host-call-loop", code: "cpu_budget_exceeded", body: 'for (;;) await call("echo", { n: 1 });' },
  { name: "host-call-big-args", code: "cpu_budget_exceeded", body: 'const big = "x".repeat(1e6); for (;;) await call("echo", big);' },
  // Async host work.
  { name: "digest-1MB", code: "cpu_budget_exceeded", body: 'const b = new Uint8Array(1 << 20); for (let i = 0; i < 2000; i++) await crypto.subtle.digest("SHA-256", b); return 1;' },
  { name: "digest-storm", code: "cpu_budget_exceeded", body: 'const b = new Uint8Array(8); for (;;) await Promise.all([1, 2, 3, 4].map(() => crypto.subtle.digest("SHA-1", b)));' },
  // Promise storms.
  { name: "await-null", code: "cpu_budget_exceeded", body: "for (;;) await null;" },
  { name: "await-new-promise", code: "cpu_budget_exceeded", body: "for (;;) await new Promise((resolve) => resolve());" },
  { name: "promise-all", code: "cpu_budget_exceeded", body: "for (;;) await Promise.all([1, 2, 3].map((x) => Promise.resolve(x).then((y) => y)));" },
  { name: "microtask-chain", code: "cpu_budget_exceeded", body: "const spin = () => queueMicrotask(spin); spin(); await new Promise(() => {});" },
  { name: "then-chain", code: "cpu_budget_exceeded", body: "let p = Promise.resolve(); const step = () => { p = p.then(step); }; step(); await new Promise(() => {});" },
  // Waits, bounded by the wall-clock limit.
  { name: "sleep", code: "wall_clock_exceeded", body: "await new Promise((resolve) => setTimeout(resolve, 60_000));", limits: { wallMs: 100 } },
  { name: "interval-forever", code: "wall_clock_exceeded", body: "setInterval(() => {}, 5); await new Promise(() => {});", limits: { wallMs: 100 } },
  { name: "slow-fetch", code: "wall_clock_exceeded", body: `await fetch("${origin}/api/timeout");`, limits: { wallMs: 100 }, extra: slowFetch },
  { name: "slow-host-call", code: "wall_clock_exceeded", body: 'await call("hang", null);', limits: { wallMs: 100 } },
];

let counter = 0;
const caseScript = (c: ContainmentCase): ScriptVersion => ({
  path: `function/${c.name}`,
  sha256: `c${counter++}`,
  source: `export default async (mode, call) => {
  if (mode !== "breach") return "fine";
  ${c.body}
};`,
});

const hostCalls = {
  echo: async (value: unknown) => value,
  hang: () => new Promise<unknown>(() => {}),
};

describe("containment corpus", () => {
  for (const c of CONTAINMENT_CASES) {
    it(`${c.name}: ends with ${c.code}; the script's next call and another project's call work`, async () => {
      const script = caseScript(c);
      const project = `contain-${c.name}`;
      const invoke = (mode: string, limits: Limits) =>
        sandbox.invoke({ project, script, args: [mode], limits, decorate: "withHostCalls", hostCalls, ...c.extra });

      const breached = await invoke("breach", { ...DEFAULT_LIMITS, ...c.limits });
      expect(breached).toMatchObject({ ok: false, error: { code: c.code } });
      if (c.code === "cpu_budget_exceeded") expect(breached.usage.cpuMs).toBeGreaterThanOrEqual(DEFAULT_LIMITS.cpuMs);

      expect(await invoke("ok", DEFAULT_LIMITS)).toMatchObject({ ok: true, result: "fine" });
      const other = { path: "function/other", sha256: "other", source: "export default (x) => x.n + 1" };
      expect(await sandbox.invoke({ project: `other-${c.name}`, script: other, args: [{ n: 1 }], limits: DEFAULT_LIMITS })).toMatchObject({ ok: true, result: 2 });
      expect((await loadEngine()).aborted).toBe(false);
    });
  }
});

describe("the cost model", () => {
  const run = (source: string, limits: Partial<Limits> = {}) =>
    sandbox.invoke({ project: "cost", script: { path: "function/cost", sha256: `k${counter++}`, source }, args: [], limits: { ...DEFAULT_LIMITS, ...limits } });

  it("charges native work to usage.cpuMs by its input size", async () => {
    const small = await run('export default () => "ab".repeat(10).indexOf("c")');
    // 100 scans of a million characters at 8 ns each: 800 ms of budget.
    const big = await run('export default () => { const s = "a".repeat(1e6); let n = 0; for (let i = 0; i < 100; i++) n += s.indexOf("b"); return n; }', { cpuMs: 5000 });
    expect(small).toMatchObject({ ok: true, result: -1 });
    expect(big).toMatchObject({ ok: true, result: -100 });
    expect(small.usage.cpuMs).toBeLessThan(1);
    expect(big.usage.cpuMs).toBeGreaterThanOrEqual(800);
  });

  it("refuses a native call whose cost alone is past what is left, before it runs", async () => {
    // Were the repeat to run, the call would end with memory_limit_exceeded instead.
    const refused = await run('export default () => "a".repeat(1e9).length', { cpuMs: 10 });
    expect(refused).toMatchObject({ ok: false, error: { code: "cpu_budget_exceeded" } });
  });

  it("charges each host call", async () => {
    const logs = await run('export default () => { for (let i = 0; i < 1000; i++) console.log(i); return 1; }', { cpuMs: 5000 });
    expect(logs).toMatchObject({ ok: true, result: 1 });
    expect(logs.usage.cpuMs).toBeGreaterThanOrEqual(6); // 1,000 crossings at 6 µs
  });

  it("charges promise jobs", async () => {
    const jobs = await run("export default async () => { for (let i = 0; i < 10000; i++) await null; return 1; }", { cpuMs: 5000 });
    expect(jobs).toMatchObject({ ok: true, result: 1 });
    expect(jobs.usage.cpuMs).toBeGreaterThanOrEqual(20); // 10,000 jobs at 2 µs
  });
});

describe("timers", () => {
  const run = (source: string, limits: Partial<Limits> = {}) =>
    sandbox.invoke({ project: "timers", script: { path: "function/timers", sha256: `t${counter++}`, source }, args: [], limits: { ...DEFAULT_LIMITS, ...limits } });

  it("runs setTimeout callbacks in order of their delays, with their arguments", async () => {
    const out = await run(`export default async () => {
      const seen = [];
      await new Promise((resolve) => {
        setTimeout((x) => seen.push(x), 20, "late");
        setTimeout((x, y) => seen.push(x + y), 0, "soon", "!");
        setTimeout(() => resolve(), 40);
      });
      return seen;
    }`);
    expect(out).toMatchObject({ ok: true, result: ["soon!", "late"] });
  });

  it("clearTimeout cancels, and setInterval repeats until cleared", async () => {
    const out = await run(`export default async () => {
      let fired = false;
      const id = setTimeout(() => { fired = true; }, 0);
      clearTimeout(id);
      let ticks = 0;
      await new Promise((resolve) => {
        const every = setInterval(() => { if (++ticks === 3) { clearInterval(every); resolve(); } }, 1);
      });
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { fired, ticks, id: typeof id };
    }`);
    expect(out).toMatchObject({ ok: true, result: { fired: false, ticks: 3, id: "number" } });
  });

  it("queueMicrotask runs before the next timer; a throwing callback is logged, not fatal", async () => {
    const out = await run(`export default async () => {
      const order = [];
      setTimeout(() => order.push("timer"), 0);
      queueMicrotask(() => order.push("microtask"));
      setTimeout(() => { throw new Error("boom"); }, 0);
      await new Promise((resolve) => setTimeout(resolve, 10));
      return order;
    }`);
    expect(out).toMatchObject({ ok: true, result: ["microtask", "timer"] });
    expect(out.logs).toEqual([{ level: "error", message: "Uncaught (in a timer callback) Error: boom" }]);
  });

  it("a call that returns does not wait for its timers, and they never fire in a later call", async () => {
    const source = `let calls = 0;
    export default async () => {
      calls++;
      if (calls === 1) { setTimeout(() => console.log("from the first call"), 5); return "first"; }
      await new Promise((resolve) => setTimeout(resolve, 30));
      return "second";
    }`;
    const script = { path: "function/leftover", sha256: "leftover", source };
    const invoke = () => sandbox.invoke({ project: "timers-leftover", script, args: [], limits: DEFAULT_LIMITS });
    expect(await invoke()).toMatchObject({ ok: true, result: "first", logs: [] });
    expect(await invoke()).toMatchObject({ ok: true, result: "second", logs: [] });
  });

  it("refuses a callback that is not a function", async () => {
    const out = await run('export default () => setTimeout("code", 0)');
    expect(out).toMatchObject({ ok: false, error: { code: "script_error", message: "TypeError: the timer callback must be a function" } });
  });
});
