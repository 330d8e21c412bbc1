import { describe, expect, inject, it } from "vitest";
import { loadEngine } from "./engine";
import { DEFAULT_LIMITS, Sandbox, type InvokeRequest, type ScriptVersion } from "./index";

/**
 * A runtime that breached a limit is disposed right after the call. QuickJS asserts on JS_FreeRuntime that no
 * object is left, and aborts the wasm module otherwise: so after every breach, whatever the script held through
 * the host (pending fetches, digests and host calls, views, console), the module must not have aborted and must
 * not be rebuilt, and the next calls, of the same script and of another project, must work.
 */
const sandbox = new Sandbox();
const { origin } = inject("requestMock");
let counter = 0;

/** A script that breaches when called with "breach" and answers "fine" otherwise. */
const breaching = (name: string, breach: string, preamble = ""): ScriptVersion => ({
  path: `function/${name}`,
  sha256: `d${counter++}`,
  source: `${preamble}
export default async (mode, doc) => {
  if (mode !== "breach") return "fine";
  ${breach}
};`,
});

const invoke = (project: string, script: ScriptVersion, args: unknown[], extra: Partial<InvokeRequest> = {}) =>
  sandbox.invoke({ project, script, args, limits: DEFAULT_LIMITS, ...extra });

const other: ScriptVersion = { path: "function/other", sha256: "other", source: "export default (x) => x.n + 1" };

/** Lets host work that the breached call had started end (and settle into a runtime that is gone). */
const drain = () => new Promise((resolve) => setTimeout(resolve, 0));

interface Case {
  readonly name: string;
  readonly code: string;
  readonly breach: string;
  readonly preamble?: string;
  readonly extra?: Partial<InvokeRequest>;
  /** Waits until host work started by the breached call has ended. */
  readonly settleHostWork?: () => Promise<unknown>;
}

const DOC = { a: { b: { c: [1, 2, { d: "x".repeat(300) }] } }, list: Array.from({ length: 20 }, (_, i) => ({ i, deep: { i } })) };

/** Host work the script starts and that ends only when the test says so. */
function heldHostCall() {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let started!: () => void;
  const hasStarted = new Promise<void>((resolve) => (started = resolve));
  const emit = async (items: unknown) => {
    if (Array.isArray(items) && items.length === 0) return; // the probe that asks whether the caller streams
    started();
    await released;
  };
  return { emit, release, hasStarted };
}

const held = heldHostCall();
/** The mock answers /api/timeout after 2 s; a host fetch of it started after the guest's ends no sooner. */
const slowAnswer = () => fetch(`${origin}/api/timeout`).then((response) => response.arrayBuffer());

const CASES: Case[] = [
  { name: "cpu", code: "cpu_budget_exceeded", breach: "for (;;) {}" },
  // The memory cases get a CPU budget that the cost of their native calls does not reach first.
  { name: "memory-join", code: "memory_limit_exceeded", breach: 'return new Array(1e8).join("x").length;', extra: { limits: { ...DEFAULT_LIMITS, cpuMs: 30_000 } } },
  {
    name: "memory-unbounded",
    code: "memory_limit_exceeded",
    breach: "const keep = []; for (;;) keep.push({ n: keep.length, s: 'y' + keep.length });",
    extra: { limits: { ...DEFAULT_LIMITS, cpuMs: 30_000 } },
  },
  { name: "stack", code: "stack_overflow", preamble: "const deep = (n) => deep(n + 1) + 1;", breach: "return deep(0);" },
  { name: "job-loop", code: "cpu_budget_exceeded", breach: "for (;;) await null;" },
  {
    name: "views-and-console",
    code: "cpu_budget_exceeded",
    breach: "const keep = [doc.a, doc.a.b, doc.a.b.c, doc.list, doc.list[3].deep]; for (;;) console.log(keep[0].b.c[2].d.length, doc.list.length);",
  },
  {
    name: "digest-pending",
    code: "cpu_budget_exceeded",
    breach: 'const pending = [crypto.subtle.digest("SHA-256", new Uint8Array(64)), crypto.subtle.digest("SHA-1", new Uint8Array(8))]; for (;;) {}',
  },
  {
    name: "fetch-pending",
    code: "cpu_budget_exceeded",
    breach: `const pending = fetch("${origin}/api/timeout"); for (;;) {}`,
    extra: { implicitHosts: ["127.0.0.1"] },
    settleHostWork: slowAnswer,
  },
  {
    name: "fetch-pending-memory",
    code: "memory_limit_exceeded",
    breach: `const pending = fetch("${origin}/api/timeout"); const keep = []; for (;;) keep.push("z".repeat(1e5) + keep.length);`,
    extra: { implicitHosts: ["127.0.0.1"], limits: { ...DEFAULT_LIMITS, cpuMs: 30_000 } },
    settleHostWork: slowAnswer,
  },
  {
    // A streamed result: the host call "emit" of its first item is still running when a job of the script loops.
    name: "host-call-pending",
    code: "cpu_budget_exceeded",
    breach: 'return (async function* () { crypto.subtle.digest("SHA-256", new Uint8Array(8)).then(() => { for (;;) {} }); yield 1; })();',
    extra: { hostCalls: { emit: held.emit } },
    settleHostWork: async () => {
      await held.hasStarted;
      held.release();
    },
  },
];

describe("disposing a runtime after a breach", () => {
  for (const c of CASES) {
    it(`${c.name}: ends with ${c.code}, frees the runtime without aborting the module, and the next calls work`, async () => {
      const engine = await loadEngine();
      const script = breaching(c.name, c.breach, c.preamble);
      const project = `breach-${c.name}`;

      const breached = await invoke(project, script, ["breach", DOC], c.extra);
      expect(breached).toMatchObject({ ok: false, error: { code: c.code } });
      await c.settleHostWork?.();
      await drain();

      expect(await invoke(project, script, ["ok", DOC], c.extra)).toMatchObject({ ok: true, result: "fine" });
      expect(await invoke(`other-${c.name}`, other, [{ n: 1 }])).toMatchObject({ ok: true, result: 2 });
      expect(engine.aborted).toBe(false);
      expect((await loadEngine()).generation).toBe(engine.generation);
    });
  }
});

describe("disposing a runtime without a breach", () => {
  it("an idle runtime evicted while a fetch it started is in flight frees without aborting the module", async () => {
    const engine = await loadEngine();
    const small = new Sandbox({ maxIdleSlots: 1 });
    const script: ScriptVersion = { path: "function/unawaited", sha256: "unawaited", source: `export default (mode) => { if (mode === "fetch") fetch("${origin}/api/timeout"); return 1 }` };
    const started = await small.invoke({ project: "unawaited", script, args: ["fetch"], limits: DEFAULT_LIMITS, implicitHosts: ["127.0.0.1"] });
    expect(started).toMatchObject({ ok: true, result: 1 });
    // Another project's call takes the one idle place: the first runtime goes while its fetch is in flight.
    expect(await small.invoke({ project: "evicts", script: other, args: [{ n: 2 }], limits: DEFAULT_LIMITS })).toMatchObject({ ok: true, result: 3 });
    await slowAnswer();
    await drain();
    expect(await small.invoke({ project: "unawaited", script, args: [], limits: DEFAULT_LIMITS, implicitHosts: ["127.0.0.1"] })).toMatchObject({ ok: true, result: 1 });
    expect(engine.aborted).toBe(false);
    expect((await loadEngine()).generation).toBe(engine.generation);
  });

  it("a script that throws a promise fails with script_error and does not crash the sandbox", async () => {
    const engine = await loadEngine();
    const script: ScriptVersion = { path: "function/throws-promise", sha256: "throws-promise", source: "export default (mode) => { if (mode === 'throw') throw Promise.resolve(1); return 'fine' }" };
    expect(await invoke("throws-promise", script, ["throw"])).toMatchObject({ ok: false, error: { code: "script_error" } });
    expect(await invoke("throws-promise", script, ["ok"])).toMatchObject({ ok: true, result: "fine" });
    expect(engine.aborted).toBe(false);
    expect((await loadEngine()).generation).toBe(engine.generation);
  });
});
