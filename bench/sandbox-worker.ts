/**
 * Bench-only Worker for `npm run bench:sandbox` (bench/sandbox.js bundles it and serves it with workerd).
 * Each route runs one measurement inside the Workers runtime and answers JSON; the Node driver prints the tables.
 * Times come from performance.now(), which advances during CPU work under local workerd (not on deployed Workers).
 */
import { Sandbox, DEFAULT_LIMITS, type Limits } from "../sandbox";
import { INTERRUPTS_PER_CPU_MS } from "../sandbox/limits";
import { manifestOf } from "../worker/project-cache";
import { registryOf, type Bindings } from "../worker/env";
import { FIREBOOM_CTX_DECORATOR, FIREBOOM_CTX_SOURCE } from "../worker/fireboom/context";

export { ProjectRegistry } from "../durable/project-registry";

interface Stats {
  readonly n: number;
  readonly p50: number;
  readonly p99: number;
  readonly mean: number;
  readonly min: number;
}

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return {
    n: sorted.length,
    p50: at(0.5),
    p99: at(0.99),
    mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
    min: sorted[0]!,
  };
}

/**
 * performance.now() in workerd ticks in whole milliseconds (a Spectre mitigation), so operations shorter than a
 * few ms are timed in batches of `perBatch` and each sample is the batch's mean per operation: p50/p99 are over
 * batch means, which hides the tail of single calls (a lone 4 ms GC pause is spread over the batch).
 */
async function batches(count: number, perBatch: number, op: (i: number) => Promise<unknown> | unknown): Promise<Stats & { perBatch: number }> {
  const samples: number[] = [];
  let i = 0;
  for (let b = 0; b < count; b++) {
    const t = performance.now();
    for (let k = 0; k < perBatch; k++) await op(i++);
    samples.push((performance.now() - t) / perBatch);
  }
  return { perBatch, ...stats(samples) };
}

const HUGE: Limits = { ...DEFAULT_LIMITS, cpuMs: 1e9, memoryBytes: 64 * 1024 * 1024 };

/** A Fireboom-ish mutatingPreResolve body of about `bytes` bytes of JSON. */
function payload(bytes: number): Record<string, unknown> {
  const items: unknown[] = [];
  const body = {
    __wg: {
      user: { provider: "token", providerId: "auth.example.com", userId: "u_1", name: "Ada", roles: ["user"], email: "ada@example.com" },
      clientRequest: { method: "POST", requestURI: "/operations/Todo/CreateOne", headers: { "Content-Type": "application/json", "X-Request-Id": "3f1c2d7e-8a4b-4c1e-9b7a-2d5e6f708192" } },
    },
    input: { title: "hello", tags: ["a", "b"], items },
    cycleCounter: 1,
  };
  let i = 0;
  while (JSON.stringify(body).length < bytes) {
    items.push({ id: i, name: `item-${i}`, done: i % 2 === 0, price: i * 1.25 });
    i++;
  }
  return body;
}

function script(path: string, source: string) {
  let h = 0;
  for (let i = 0; i < source.length; i++) h = (Math.imul(h, 31) + source.charCodeAt(i)) | 0;
  return { path, sha256: `${h >>> 0}-${source.length}`, source };
}

/** The smallest step performance.now() takes here. */
function clockResolution(): { resolutionMs: number; advances: boolean } {
  let smallest = Infinity;
  let last = performance.now();
  const start = last;
  for (let i = 0; i < 200_000 && smallest > 0.000_5; i++) {
    const now = performance.now();
    if (now !== last) {
      smallest = Math.min(smallest, now - last);
      last = now;
    }
  }
  return { resolutionMs: smallest, advances: last !== start };
}

const HOOK = script("operation/Todo/CreateOne/mutatingPreResolve", `export default function (ctx) { return { ...ctx.input, createdBy: ctx.__wg.user.userId }; }`);

/** What the Fireboom route passes for a mutatingPreResolve: ctx built from the payload, and the headers flag. */
function fireboomArgs(body: ReturnType<typeof payload>): unknown[] {
  const wg = body.__wg as { user: unknown; clientRequest: unknown };
  return [{ user: wg.user, clientRequest: wg.clientRequest, input: body.input, operation: { path: "Todo/CreateOne", name: "Todo__CreateOne" }, cycleCounter: 1 }, true];
}
const FIREBOOM_HOOK = script("operation/Todo/CreateOne/mutatingPreResolve", `export default function (ctx) { return { ...ctx.input, createdBy: ctx.user.userId }; }`);

async function warmCall(): Promise<unknown> {
  const sandbox = new Sandbox({ decorators: { [FIREBOOM_CTX_DECORATOR]: FIREBOOM_CTX_SOURCE } });
  const body = payload(1024);
  const request = { project: "warm", script: HOOK, args: [body], limits: DEFAULT_LIMITS };
  const fireboom = { project: "warm-fireboom", script: FIREBOOM_HOOK, args: fireboomArgs(body), decorate: FIREBOOM_CTX_DECORATOR, limits: DEFAULT_LIMITS };
  const first = await sandbox.invoke(request);
  if (!first.ok) throw new Error(JSON.stringify(first.error));
  const outBytes = JSON.stringify(first.result).length;
  const tinyRequest = { project: "warm-tiny", script: HOOK, args: [{ __wg: { user: { userId: "u_1" } }, input: { title: "hello" } }], limits: DEFAULT_LIMITS };
  for (const r of [request, fireboom, tinyRequest]) for (let i = 0; i < 500; i++) await sandbox.invoke(r);
  const tiny = await batches(100, 100, () => sandbox.invoke(tinyRequest));
  const kb = await batches(100, 50, () => sandbox.invoke(request));
  const viaFireboom = await batches(100, 50, () => sandbox.invoke(fireboom));
  return { inBytes: JSON.stringify(body).length, outBytes, ...kb, tiny, fireboom: viaFireboom };
}

function moduleOf(bytes: number): string {
  const parts: string[] = ['import { helper } from "../lib/util";', "export const permissions = { net: [] };"];
  let i = 0;
  while (parts.join("\n").length < bytes) {
    parts.push(`export function step${i}(ctx, n) {\n  const out = { id: ctx.id + ${i}, label: "step-${i}", tags: [] };\n  for (let k = 0; k < n; k++) { if (k % 3 === 0) out.tags.push("t" + k); else out.id += k * ${i}; }\n  return ctx.flag ? helper(out) : out;\n}`);
    i++;
  }
  parts.push("export default (ctx) => step0(ctx, 3);");
  return parts.join("\n");
}

async function compile(): Promise<unknown> {
  const sandbox = new Sandbox();
  const source = moduleOf(10 * 1024);
  const first = await sandbox.compile("function/big", source);
  if (!first.ok) throw new Error(JSON.stringify(first));
  for (let i = 0; i < 20; i++) await sandbox.compile("function/big", source);
  return { sourceBytes: source.length, ...(await batches(40, 10, () => sandbox.compile("function/big", source))) };
}

async function fresh(): Promise<unknown> {
  // No idle slots: every call builds a runtime + context, runs the prelude and lockdown, loads the module,
  // and disposes the runtime afterwards (disposal is inside the timing too).
  const sandbox = new Sandbox({ maxIdleSlots: 0 });
  const body = payload(1024);
  const request = (i: number) => ({ project: `fresh-${i}`, script: HOOK, args: [body], limits: DEFAULT_LIMITS });
  for (let i = 0; i < 5; i++) await sandbox.invoke(request(i));
  const samples: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t = performance.now();
    const outcome = await sandbox.invoke(request(i));
    samples.push(performance.now() - t);
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.error));
  }
  return stats(samples);
}

/**
 * Session 1's design, for comparison with the lazy views the sandbox uses now: the arguments cross as one JSON
 * text, which the guest parses and deep-freezes up front, and the result crosses back as JSON text.
 */
const FROZEN_COPY = script(
  "function/frozen-copy",
  `
function deepFreeze(value) {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze(value[key]);
  }
  return value;
}
export default (text) => { const ctx = deepFreeze(JSON.parse(text)); return JSON.stringify({ ...ctx.input, createdBy: ctx.__wg.user.userId }); };
`,
);

/** The same hook through both designs, whole calls, interleaved so drift affects them alike. */
async function readOnly(): Promise<unknown> {
  const sandbox = new Sandbox();
  const out: Record<string, unknown> = {};
  for (const size of [1024, 100 * 1024]) {
    const body = payload(size);
    const text = JSON.stringify(body);
    const lazy = { project: `lazy-${size}`, script: HOOK, args: [body], limits: HUGE };
    const frozen = { project: `frozen-${size}`, script: FROZEN_COPY, args: [text], limits: HUGE };
    const viewed = await sandbox.invoke(lazy);
    const copy = await sandbox.invoke(frozen);
    if (!viewed.ok || !copy.ok || JSON.stringify(JSON.parse(copy.result as string)) !== JSON.stringify(viewed.result)) {
      throw new Error("the two designs disagree");
    }
    const perRound = size <= 1024 ? 50 : 4;
    const rounds = size <= 1024 ? 60 : 30;
    const samples: Record<string, number[]> = { frozen: [], lazy: [] };
    for (let i = 0; i < perRound * 4; i++) { await sandbox.invoke(frozen); await sandbox.invoke(lazy); }
    for (let r = 0; r < rounds; r++) {
      for (const [name, request] of [["frozen", frozen], ["lazy", lazy]] as const) {
        const t = performance.now();
        for (let i = 0; i < perRound; i++) {
          const outcome = await sandbox.invoke(request);
          if (name === "frozen" && outcome.ok) JSON.parse(outcome.result as string);
        }
        samples[name]!.push((performance.now() - t) / perRound);
      }
    }
    out[String(size)] = { bytes: text.length, perRound, frozen: stats(samples.frozen!), lazy: stats(samples.lazy!) };
  }
  return out;
}

/** Workloads for calibrating INTERRUPTS_PER_CPU_MS; each export runs `n` iterations. */
const WORKLOADS = script(
  "function/workloads",
  `
const doc = { id: 1, title: "hello world", tags: ["a", "b", "c"], user: { id: "u_1", name: "Ada", roles: ["user", "admin"] },
  items: Array.from({ length: 12 }, (_, i) => ({ id: i, name: "item-" + i, done: i % 2 === 0, price: i * 1.25 })) };
export function spin(n) { for (let i = 0; i < n; i++) {} return n; }
export function arith(n) { let x = 0; for (let i = 0; i < n; i++) x = (x + i * 7) % 1000003; return x; }
export function objects(n) {
  let a = [], total = 0;
  for (let i = 0; i < n; i++) { a.push({ i, s: i * 2, t: [i, i + 1] }); if (a.length > 1000) { total += a.length; a = []; } }
  return total + a.length;
}
export function calls(n) { const f = (a, b) => a + b; let x = 0; for (let i = 0; i < n; i++) x = f(x, i) & 0xffff; return x; }
export function arrays(n) {
  const base = Array.from({ length: 100 }, (_, i) => i); let s = 0;
  for (let i = 0; i < n; i++) s += base.map((v) => v * 2).filter((v) => v % 3 === 0).reduce((a, b) => a + b, 0);
  return s;
}
export function strings(n) {
  let s = "", total = 0;
  for (let i = 0; i < n; i++) { s += String.fromCharCode(65 + (i % 26)) + i; if (s.length > 4096) { total += s.length; s = ""; } }
  return total + s.length;
}
export function templates(n) { const parts = []; for (let i = 0; i < n; i++) { parts.push("<li id=" + i + ">" + doc.title.toUpperCase() + "</li>"); if (parts.length > 200) parts.length = 0; } return parts.length; }
export function json(n) { let s = 0; for (let i = 0; i < n; i++) s += JSON.parse(JSON.stringify(doc)).items.length; return s; }
export function regex(n) {
  const re = /^([a-z0-9._-]+)@([a-z0-9-]+)\\.(com|org|net)$/i; let s = 0;
  for (let i = 0; i < n; i++) { const m = re.exec("user" + i + ".name@example.com"); if (m) s += m[2].length; }
  return s;
}
export function regexBig(n) {
  const text = "lorem ipsum dolor sit amet ".repeat(2000) + "needle@example.com"; let s = 0;
  for (let i = 0; i < n; i++) s += text.replace(/[aeiou]/g, "_").length;
  return s;
}
`,
);

/**
 * How much budget each workload is charged per ms of real CPU (usage.cpuMs: bytecode polls plus the cost model's
 * charges): 1 is the aim, above 1 a script is stopped before it has used its budget in real time, below 1 after.
 */
async function calibrate(names: string[]): Promise<unknown> {
  const sandbox = new Sandbox();
  const rows: unknown[] = [];
  const run = async (name: string, n: number) => {
    const t = performance.now();
    const outcome = await sandbox.invoke({ project: "calibrate", script: WORKLOADS, exportName: name, args: [n], limits: HUGE });
    const ms = performance.now() - t;
    if (!outcome.ok) throw new Error(`${name}: ${JSON.stringify(outcome.error)}`);
    return { ms, cpuMs: outcome.usage.cpuMs };
  };
  for (const name of names) {
    // Size n so one call takes ~100 ms, then run it 7 times; the median ratio is reported with its range.
    let n = 100;
    for (let tries = 0; ; tries++) {
      const { ms } = await run(name, n);
      if (ms > 40 || tries === 12) {
        n = Math.max(1, Math.round((n * 100) / ms));
        break;
      }
      n *= 4;
    }
    const measured: { ms: number; cpuMs: number; rate: number }[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await run(name, n);
      measured.push({ ...r, rate: r.cpuMs / r.ms });
    }
    measured.sort((a, b) => a.rate - b.rate);
    const median = measured[3]!;
    rows.push({ workload: name, n, ms: median.ms, cpuMs: median.cpuMs, perMs: median.rate, minPerMs: measured[0]!.rate, maxPerMs: measured[6]!.rate });
  }
  return { interruptsPerCpuMs: INTERRUPTS_PER_CPU_MS, rows };
}

async function manifest(env: Bindings): Promise<unknown> {
  const project = "bench-manifest";
  await registryOf(env, project).create(project);
  for (let i = 0; i < 200; i++) await registryOf(env, project).manifest();
  const rpc = await batches(100, 40, () => registryOf(env, project).manifest());
  await manifestOf(env, project);
  const hit = await batches(100, 5000, () => manifestOf(env, project));
  return { rpc, hit };
}

export default {
  async fetch(request: Request, env: Bindings): Promise<Response> {
    const what = new URL(request.url).pathname.slice(1);
    try {
      const result =
        what === "clock" ? clockResolution()
        : what === "warm" ? await warmCall()
        : what === "compile" ? await compile()
        : what === "fresh" ? await fresh()
        : what === "readonly" ? await readOnly()
        : what === "calibrate" ? await calibrate(new URL(request.url).searchParams.getAll("workload"))
        : what === "manifest" ? await manifest(env)
        : undefined;
      if (result === undefined) return new Response("unknown bench", { status: 404 });
      return Response.json(result);
    } catch (error) {
      return Response.json({ error: error instanceof Error ? `${error.message}\n${error.stack}` : String(error) }, { status: 500 });
    }
  },
};
