import { describe, expect, inject, it } from "vitest";
import { loadEngine } from "./engine";
import corpus from "../test/fixtures/containment-corpus.json";
import { DEFAULT_LIMITS, Sandbox, type Limits, type ScriptVersion } from "./index";

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

/**
 * One case of the corpus (test/fixtures/containment-corpus.json, shared with `npm run bench:containment`): `body`
 * is the body of an async function of (mode, call) that runs away; `call(name, value)` reaches a host call, and
 * `{{slowUrl}}` is a URL that answers after 2 s.
 */
interface ContainmentCase {
  readonly name: string;
  readonly code: "cpu_budget_exceeded" | "memory_limit_exceeded" | "wall_clock_exceeded";
  readonly body: string;
  readonly limits?: Partial<Limits>;
  readonly slowServer?: boolean;
  readonly hostCalls?: boolean;
}

const CONTAINMENT_CASES = corpus as ContainmentCase[];

let counter = 0;
const caseScript = (c: ContainmentCase): ScriptVersion => ({
  path: `function/${c.name}`,
  sha256: `c${counter++}`,
  source: `export default async (mode, call) => {
  if (mode !== "breach") return "fine";
  ${c.body.replaceAll("{{slowUrl}}", `${origin}/api/timeout`)}
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
        sandbox.invoke({ project, script, args: [mode], limits, decorate: "withHostCalls", hostCalls, implicitHosts: c.slowServer ? ["127.0.0.1"] : [] });

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

  it("charges a large JSON.stringify ahead, so it is refused before it serializes anything", async () => {
    // Estimated ahead: two elements like the first, 300,000 characters each, 36 ms at 60 ns: past the 30 ms budget.
    // Charged only after it ran, it would cost 18 ms, reach the last element's toJSON, and the call would succeed.
    const source = `export default (doc) => {
      const last = { toJSON() { console.log("serialized to the end"); return 1; } };
      try { JSON.stringify([doc.text, last]); } catch {}
      return 1;
    }`;
    const outcome = await sandbox.invoke({
      project: "cost",
      script: { path: "function/stringify", sha256: `k${counter++}`, source },
      args: [{ text: "x".repeat(300_000) }],
      limits: { ...DEFAULT_LIMITS, cpuMs: 30 },
    });
    expect(outcome).toMatchObject({ ok: false, error: { code: "cpu_budget_exceeded" } });
    expect(outcome.logs).toEqual([]);
  });

  it("charges each host call", async () => {
    const logs = await run('export default () => { for (let i = 0; i < 1000; i++) console.log(i); return 1; }', { cpuMs: 5000 });
    expect(logs).toMatchObject({ ok: true, result: 1 });
    expect(logs.usage.cpuMs).toBeGreaterThanOrEqual(14); // 1,000 crossings at 14 µs
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
