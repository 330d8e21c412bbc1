// `npm run bench:sandbox`: measures the QuickJS sandbox inside workerd (not Node).
// Bundles bench/sandbox-worker.ts with `wrangler deploy --dry-run`, serves it with `workerd serve` on loopback,
// asks it to run each measurement, prints the tables, and kills workerd. Runs in about a minute.
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { bundle, freePort, msf, QUIET_ENV, startProcess, table, us, waitForHttp, writeWorkerdConfig, fmt } from "./lib.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = mkdtempSync(join(tmpdir(), "hookflow-bench-sandbox-"));
const deadline = setTimeout(() => {
  console.error("bench:sandbox: giving up after 170 s");
  void cleanup().then(() => process.exit(1));
}, 170_000);

let workerd;
async function cleanup() {
  clearTimeout(deadline);
  await workerd?.stop();
  rmSync(outdir, { recursive: true, force: true });
}

const ratio = (a, b) => (b > 0 ? `${fmt(a / b)}x` : "n/a");
const goal = (value, limit) => (value <= limit ? "met" : "NOT met");

const loadAverage = () => loadavg().map((l) => l.toFixed(2)).join(" ");
const loadBefore = loadAverage();
try {
  const files = bundle(root, "bench/wrangler.sandbox.toml", outdir);
  const port = await freePort();
  const config = writeWorkerdConfig(outdir, files, port, {
    className: "ProjectRegistry",
    binding: "PROJECTS",
    compatibilityDate: "2026-04-20",
    flags: ["nodejs_compat"],
  });
  workerd = startProcess(join(root, "node_modules/.bin/workerd"), ["serve", config, "--experimental"], { cwd: outdir, env: QUIET_ENV });
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(`${base}/ready`, 20_000, () => workerd.exited).catch((e) => {
    throw new Error(`${e.message}\n${workerd.output}`);
  });
  const get = async (what) => {
    const started = Date.now();
    const res = await fetch(`${base}/${what}`);
    const body = await res.json();
    if (!res.ok) throw new Error(`${what}: ${body.error}`);
    process.stderr.write(`  ${what}: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    return body;
  };

  const clock = await get("clock");
  const warm = await get("warm");
  const compile = await get("compile");
  const fresh = await get("fresh");
  const readonly = await get("readonly");
  // One request per workload, so that one that fails (a workerd crash) names itself and the others still report.
  const calibration = { interruptsPerCpuMs: 0, rows: [] };
  for (const workload of ["spin", "arith", "calls", "objects", "arrays", "strings", "templates", "json", "regex", "regexBig"]) {
    try {
      const part = await get(`calibrate?workload=${workload}`);
      calibration.interruptsPerCpuMs = part.interruptsPerCpuMs;
      calibration.rows.push(...part.rows);
    } catch (error) {
      console.error(`calibration of ${workload} failed: ${error.message}`);
    }
  }
  const manifest = await get("manifest");

  console.log(`\nhookflow sandbox bench — inside workerd (performance.now() resolution ${us(clock.resolutionMs)})`);
  console.log("n = batches x operations per batch: p50/p99 are over per-batch means (the clock is too coarse for single calls)\n");
  console.log(
    table(
      ["measurement", "n", "p50", "p99", "mean", "goal", "p50 vs goal", "goal met (p50)"],
      [
        [`(a) warm call, cached hook, ${warm.inBytes} B in / ${warm.outBytes} B out`, `${warm.n}x${warm.perBatch}`, us(warm.p50), us(warm.p99), us(warm.mean), "<= 80 µs", ratio(warm.p50, 0.08), goal(warm.p50, 0.08)],
        [`(a) the same through the Fireboom ctx decorator (what a hook call runs)`, `${warm.fireboom.n}x${warm.fireboom.perBatch}`, us(warm.fireboom.p50), us(warm.fireboom.p99), us(warm.fireboom.mean), "<= 80 µs", ratio(warm.fireboom.p50, 0.08), goal(warm.fireboom.p50, 0.08)],
        [`(a') warm call, same hook, ~60 B in / out`, `${warm.tiny.n}x${warm.tiny.perBatch}`, us(warm.tiny.p50), us(warm.tiny.p99), us(warm.tiny.mean), "<= 50 µs", ratio(warm.tiny.p50, 0.05), goal(warm.tiny.p50, 0.05)],
        [`(b) Sandbox.compile of a ${compile.sourceBytes} B module`, `${compile.n}x${compile.perBatch}`, msf(compile.p50), msf(compile.p99), msf(compile.mean), "<= 2 ms", ratio(compile.p50, 2), goal(compile.p50, 2)],
        ["(c) fresh runtime: runtime + context + prelude + lockdown + module + call + dispose", fresh.n, msf(fresh.p50), msf(fresh.p99), msf(fresh.mean), "-", `${ratio(fresh.p50, warm.p50)} a warm call`, "-"],
      ],
    ),
  );

  console.log("\n(d) read-only inputs, whole call of the warm-call hook: frozen JSON copy (session 1) vs lazy views (now), interleaved\n");
  console.log(
    table(
      ["input", "frozen copy: parse + deep freeze + JSON back (p50)", "lazy read-only views (p50)", "frozen / lazy"],
      Object.values(readonly).map((r) => [`${r.bytes} B`, `${us(r.frozen.p50)} (p99 ${us(r.frozen.p99)})`, `${us(r.lazy.p50)} (p99 ${us(r.lazy.p99)})`, ratio(r.frozen.p50, r.lazy.p50)]),
    ),
  );

  const rows = calibration.rows;
  console.log(`\n(e) budget charged per ms of real CPU (usage.cpuMs / elapsed; one interrupt-handler call counts ${1 / calibration.interruptsPerCpuMs} ms, native work by the cost model)\n`);
  console.log(
    table(
      ["workload", "iterations", "elapsed", "usage.cpuMs", "budget ms per real ms (median)", "min..max", "real ms a 50 ms budget allows"],
      rows.map((r) => [r.workload === "spin" ? "spin (empty loop, a runaway, not typical)" : r.workload, r.n, msf(r.ms), fmt(r.cpuMs), fmt(r.perMs), `${fmt(r.minPerMs)}..${fmt(r.maxPerMs)}`, r.perMs > 0 ? msf(50 / r.perMs) : "unbounded"]),
    ),
  );

  console.log("\n(f) isolate manifest cache: Durable Object RPC vs cache hit\n");
  console.log(
    table(
      ["read", "n", "p50", "p99", "mean"],
      [
        ["registryOf(env, p).manifest() — DO RPC, same process", `${manifest.rpc.n}x${manifest.rpc.perBatch}`, us(manifest.rpc.p50), us(manifest.rpc.p99), us(manifest.rpc.mean)],
        ["manifestOf(env, p) — isolate cache hit", `${manifest.hit.n}x${manifest.hit.perBatch}`, us(manifest.hit.p50), us(manifest.hit.p99), us(manifest.hit.mean)],
        ["ratio RPC / hit", "", ratio(manifest.rpc.p50, manifest.hit.p50), ratio(manifest.rpc.p99, manifest.hit.p99), ratio(manifest.rpc.mean, manifest.hit.mean)],
      ],
    ),
  );
  console.log(`\nmachine: ${cpus().length} x ${cpus()[0]?.model}; load average before ${loadBefore}, after ${loadAverage()}` +
    (Number(loadBefore.split(" ")[0]) > cpus().length / 2 ? " — the machine was busy: numbers are pessimistic, re-run when it is idle" : ""));
  console.log("\n" + JSON.stringify({ clock, warm, compile, fresh, readonly, calibration, manifest }));
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  if (workerd) console.error(`workerd output:\n${workerd.output.slice(-4000)}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
