// `npm run bench:pipelines`: bamboo pipeline runs on hookflow's production local runtime (`node scripts/start.js`:
// the built bundle on workerd serve, one Durable Object per run), and the real bamboo-engine peer side by side
// where it is set up (/work/shared/peers/bamboo).
//
//   1. a 1,000-node linear pipeline whose nodes run a component script (POST → FINISHED), nodes/s
//   2. the same with the built-in `noop` component (no sandbox): the engine's own ceiling
//   3. 100 pipelines of 17 nodes (start → 15 × component → end) started at once
//   4. callback latency: 100 runs waiting at a CALLBACK node; callback POST → next node's node_enter
//   5. big runs: a 10,000-node chain and a 1,000-branch parallel gateway (noop and component), a 30,000-node
//      chain (about the most a 16 MiB body holds) and a tree just over 16 MiB; workerd's resident memory
//   6. the peer's bench.sh --nodes 1000 --pipelines 100, and hookflow/peer ratios
//
// Engine-side times come from each run's event log (`at` = when the engine emitted the event, ms); client-side
// wall times from POST to the first poll of the project's run list that shows FINISHED. Loopback only; a snapshot of
// HEAD (git archive) so dist/ of the checkout is left alone; temp data dir; a global deadline; stops what it started.
//
//   node bench/pipelines.js [--peer] [--no-peer] [--quick]
//   --peer     set the peer up first (setup.sh into BENCH_PEER_DIR; needs Python 3.11, and BAMBOO_SRC without PyPI)
//   --no-peer  skip the peer even if it is set up
//   --quick    one round; big runs with noop only, no 30,000-node chain, no idle wait (a smoke run)
//   env: BENCH_ROUNDS (3), BENCH_DEADLINE_S (1500), BENCH_PEER_DIR (~/.cache/hookflow-bench/bamboo),
//        BENCH_PIN (1: workerd and the peer on core 1, this client on core 0, when taskset exists), BENCH_IN_PLACE=1,
//        BENCH_APP_ROOT (a prepared tree instead of the snapshot; see bench/lib.js appRootFor)
import { existsSync, readFileSync } from "node:fs";
import { cpus, homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  appLabel, benchSession, check, createBenchProject, serverErrorSummary, canPin, fmt, httpClient, loadAverage, median, memory, percentile, pinSelf, sleep, startHookflow, workerdVersionOf, startProcess, table, wallNow,
} from "./lib.js";
import { chain, linear, parallel } from "./pipeline-trees.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const argv = process.argv.slice(2);
for (const a of argv) if (!["--peer", "--no-peer", "--quick"].includes(a)) throw new Error(`unknown argument ${a} (usage: node bench/pipelines.js [--peer] [--no-peer] [--quick])`);
const QUICK = argv.includes("--quick");
const ROUNDS = QUICK ? 1 : Number(process.env.BENCH_ROUNDS ?? 3);
const DEADLINE_S = Number(process.env.BENCH_DEADLINE_S ?? 1500);
const PEER_DIR = process.env.BENCH_PEER_DIR ?? join(homedir(), ".cache/hookflow-bench/bamboo");
const PEER_SRC = join(root, "..", "shared/peers/bamboo");
const PEER_HOME = existsSync(PEER_SRC) ? PEER_SRC : "/work/shared/peers/bamboo";
const PIN = canPin();
const PASS = "bench_pass";
const CALLBACK = "bench_cb";
const COMPONENTS = {
  [PASS]: "// bench: execute returns true\nexport default { execute() { return true; } };\n",
  [CALLBACK]: "// bench: waits for one callback\nexport default { needSchedule: true, execute() { return true; }, schedule() { return true; } };\n",
};

const { dataDir, appRoot, processes, cleanup, elapsedS, log, remainingMs } = benchSession("pipelines", root, DEADLINE_S);
const mb = (kb) => (kb === undefined ? "?" : `${fmt(kb / 1024)} MiB`);

// ---------------------------------------------------------------------------------------------------------------
// hookflow client

let hf; // base URL
let hfPort;
let server; // startProcess handle of scripts/start.js
let workerdPid;
let adminToken;

// The client of lib.js (fresh connections per burst, GETs retried on a reset: see httpClient there).
const { call, withAgent, keepAlive, resets } = httpClient(() => hfPort);

/** A new project with the bench's two component scripts; its API key. */
const project = (name) =>
  createBenchProject(call, adminToken, name, Object.fromEntries(Object.entries(COMPONENTS).map(([code, source]) => [`component/${code}`, source])));

let projects = 0;
const freshProject = (label) => project(`bench-${label.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-${++projects}`);

/** POSTs a tree; the client times of the send and the answer. Throws (with the answer) unless 201. */
async function start(p, tree, agent) {
  const body = JSON.stringify({ pipeline: tree });
  const sentAt = wallNow();
  const t0 = performance.now();
  const res = await call("POST", `/v1/projects/${p.name}/pipelines`, { key: p.key, body, agent });
  const t1 = performance.now();
  if (res.status !== 201) {
    const error = new Error(`POST /pipelines (${body.length} B body) answered ${res.status} ${res.text.slice(0, 400)}`);
    error.status = res.status;
    throw error;
  }
  return { id: tree.id, sentAt, t0, answeredMs: t1 - t0, bodyBytes: body.length };
}

/** Every run's root state, from the project's run list (the registry object: polling it does not touch the runs). */
async function listStates(p) {
  const states = new Map();
  let cursor;
  for (;;) {
    const res = await call("GET", `/v1/projects/${p.name}/pipelines${cursor === undefined ? "" : `?cursor=${cursor}`}`, { key: p.key });
    if (res.status !== 200) throw new Error(`GET /pipelines answered ${res.status} ${res.text.slice(0, 300)}`);
    for (const run of res.json.pipelines) states.set(run.id, run.state);
    if (res.json.next === null || res.json.pipelines.length === 0) return states;
    cursor = res.json.next;
  }
}

/** Why a run ended other than FINISHED: its failed nodes and their ex_data. */
async function whyNotFinished(p, id) {
  const run = await call("GET", `/v1/projects/${p.name}/pipelines/${id}`, { key: p.key });
  if (run.status !== 200) return `GET answered ${run.status}`;
  const failed = Object.values(run.json.children ?? {}).filter((c) => c.state === "FAILED");
  const details = [];
  for (const node of failed.slice(0, 3)) {
    const d = await call("GET", `/v1/projects/${p.name}/pipelines/${id}/nodes/${node.id}`, { key: p.key });
    details.push(`${node.id}: ${JSON.stringify(d.json?.execution_data?.outputs?.ex_data ?? d.json).slice(0, 300)}`);
  }
  return `state ${run.json.state}, ${failed.length} failed node(s)${details.length ? `: ${details.join("; ")}` : ""}`;
}

/**
 * Polls until every run in `ids` is FINISHED; the performance.now() each was first seen so. The run list is updated
 * by the run itself after its drain; every 2 s the runs still pending are also asked directly, in case the list lags.
 */
async function waitFinished(p, ids, timeoutMs, pollMs = 5) {
  const pending = new Set(ids);
  const seenAt = new Map();
  const began = performance.now();
  const until = began + Math.min(timeoutMs, remainingMs() - 60_000);
  let direct = performance.now();
  let listLagged = 0;
  while (pending.size > 0) {
    if (server.exited) throw new Error(`hookflow exited during the run:\n${server.output.slice(-2000)}`);
    const states = await listStates(p);
    const now = performance.now();
    for (const id of [...pending]) {
      const state = states.get(id);
      if (state === "FINISHED") {
        pending.delete(id);
        seenAt.set(id, now);
      } else if (state === "FAILED" || state === "REVOKED" || state === "SUSPENDED") {
        throw new Error(`run ${id} ended ${state}: ${await whyNotFinished(p, id)}`);
      }
    }
    if (pending.size === 0) break;
    if (now > until) {
      const some = [...pending][0];
      throw new Error(`${pending.size} of ${ids.length} runs not FINISHED after ${fmt((now - began) / 1000)} s (e.g. ${some}: ${await whyNotFinished(p, some)})`);
    }
    if (now - direct > 2000) {
      direct = now;
      for (const id of [...pending].slice(0, 10)) {
        const res = await call("GET", `/v1/projects/${p.name}/pipelines/${id}`, { key: p.key });
        if (res.json?.state === "FINISHED") {
          listLagged++;
          pending.delete(id);
          seenAt.set(id, performance.now());
        }
      }
    }
    await sleep(pollMs);
  }
  return { seenAt, listLagged };
}

/** A run's whole event log, paged. */
async function events(p, id) {
  const out = [];
  let after = 0;
  for (;;) {
    const res = await call("GET", `/v1/projects/${p.name}/pipelines/${id}/events?after=${after}&limit=1000`, { key: p.key });
    if (res.status !== 200) throw new Error(`GET events answered ${res.status} ${res.text.slice(0, 300)}`);
    out.push(...res.json.events);
    if (res.json.next === null || res.json.events.length === 0) return out;
    after = res.json.next;
  }
}

/** Engine-side span of a run: first pre_prepare_run_pipeline → pipeline_finish, in ms (the engine's clock). */
function engineSpan(log) {
  const first = log.find((e) => e.event_type === "pre_prepare_run_pipeline");
  const finish = log.findLast((e) => e.event_type === "pipeline_finish");
  if (first === undefined || finish === undefined) throw new Error(`event log lacks ${first ? "pipeline_finish" : "pre_prepare_run_pipeline"}`);
  return { startAt: Date.parse(first.at), finishAt: Date.parse(finish.at), ms: Date.parse(finish.at) - Date.parse(first.at), events: log.length };
}

// ---------------------------------------------------------------------------------------------------------------
// workerd's memory

/** Samples workerd's VmRSS every 20 ms until stopped: the peak sampled, and VmHWM (peak since workerd started). */
function sampleMemory() {
  const before = memory(workerdPid);
  let peak = before.rss ?? 0;
  const timer = setInterval(() => {
    const m = memory(workerdPid);
    if (m.rss !== undefined) peak = Math.max(peak, m.rss);
  }, 20);
  return () => {
    clearInterval(timer);
    const after = memory(workerdPid);
    return { beforeKb: before.rss, peakKb: Math.max(peak, after.rss ?? 0), afterKb: after.rss, hwmKb: after.hwm };
  };
}

// ---------------------------------------------------------------------------------------------------------------
// the scenarios

/** One run of `shape`, POST → FINISHED: client wall time, engine span from the event log, memory. */
async function single(label, shape, timeoutMs) {
  const p = await freshProject(label);
  const stop = sampleMemory();
  const started = await start(p, shape.tree);
  const { seenAt, listLagged } = await waitFinished(p, [started.id], timeoutMs, 5);
  const wallMs = seenAt.get(started.id) - started.t0;
  const mem = stop();
  const span = engineSpan(await events(p, started.id));
  return { label, nodes: shape.nodes, wallMs, engineMs: span.ms, answeredMs: started.answeredMs, bodyBytes: started.bodyBytes, events: span.events, listLagged, mem };
}

/** `count` runs of `makeShape()` POSTed at once; wall time until all FINISHED; the engine's first start → last finish. */
async function many(label, count, makeShape, timeoutMs) {
  const p = await freshProject(label);
  const shapes = Array.from({ length: count }, makeShape);
  await sleep(50);
  const t0 = performance.now();
  const started = await withAgent((agent) => Promise.all(shapes.map((s) => start(p, s.tree, agent))));
  const postedMs = performance.now() - t0;
  const { seenAt, listLagged } = await waitFinished(p, started.map((s) => s.id), timeoutMs, 10);
  const wallMs = Math.max(...seenAt.values()) - t0;
  const spans = await Promise.all(started.map(async (s) => engineSpan(await events(p, s.id))));
  const engineMs = Math.max(...spans.map((s) => s.finishAt)) - Math.min(...spans.map((s) => s.startAt));
  return { label, count, nodes: shapes[0].nodes, wallMs, engineMs, postedMs, perRunMedianMs: median(spans.map((s) => s.ms)), listLagged };
}

/**
 * `count` runs of start → C (callback) → A → end, each waiting at C; then callbacks, all at once or one at a time.
 * Latency = node_enter of A in the event log (engine clock, whole ms) − the client's send time (same machine clock).
 */
async function callbacks(label, count, concurrent) {
  const p = await freshProject(label);
  const shapes = Array.from({ length: count }, () => chain([CALLBACK, PASS]));
  await withAgent((agent) => Promise.all(shapes.map((s) => start(p, s.tree, agent))));
  // Wait until every C has executed and holds its schedule; take its state version.
  const versions = new Map();
  const until = performance.now() + 60_000;
  while (versions.size < count) {
    if (performance.now() > until) throw new Error(`${count - versions.size} runs never reached their callback node`);
    for (const s of shapes) {
      if (versions.has(s.tree.id)) continue;
      const c = s.activities[0];
      const res = await call("GET", `/v1/projects/${p.name}/pipelines/${s.tree.id}/nodes/${c}`, { key: p.key });
      if (res.status === 200 && res.json.schedule && res.json.state?.version) versions.set(s.tree.id, res.json.state.version);
    }
    if (versions.size < count) await sleep(20);
  }
  await sleep(200); // let every run's drain settle
  const sends = new Map();
  const answers = [];
  const send = async (s, agent) => {
    const path = `/v1/projects/${p.name}/pipelines/${s.tree.id}/nodes/${s.activities[0]}/callback`;
    const body = { version: versions.get(s.tree.id), data: { ok: true } };
    const sentAt = wallNow();
    sends.set(s.tree.id, sentAt);
    const res = await call("POST", path, { key: p.key, body, agent });
    answers.push(wallNow() - sentAt);
    if (res.status !== 200) throw new Error(`callback answered ${res.status} ${res.text.slice(0, 300)}`);
  };
  await withAgent(async (agent) => {
    if (concurrent) await Promise.all(shapes.map((s) => send(s, agent)));
    else
      for (const s of shapes) {
        await send(s, agent);
        await sleep(5);
      }
  });
  await waitFinished(p, shapes.map((s) => s.tree.id), 60_000, 10);
  const latencies = [];
  for (const s of shapes) {
    const log = await events(p, s.tree.id);
    const enter = log.find((e) => e.event_type === "node_enter" && e.data?.node_id === s.activities[1]);
    if (enter === undefined) throw new Error(`run ${s.tree.id} has no node_enter of its node after the callback`);
    latencies.push(Date.parse(enter.at) - sends.get(s.tree.id));
  }
  return {
    label,
    count,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: Math.max(...latencies),
    min: Math.min(...latencies),
    answerP50: percentile(answers, 50),
    answerP99: percentile(answers, 99),
  };
}

/** A big shape: its result, or how it failed (POST refused, run failed, timeout, workerd gone). */
async function big(label, makeShape, timeoutMs) {
  if (server.exited) return { label, failure: "not run: hookflow had already exited" };
  if (remainingMs() < timeoutMs / 2 + 90_000) return { label, failure: "not run: too little time left before the deadline" };
  log(`${label} …`);
  const shape = makeShape();
  try {
    return await single(label, shape, timeoutMs);
  } catch (error) {
    const mem = memory(workerdPid);
    const exited = server.exited ? ` — hookflow EXITED; last output:\n${server.output.slice(-1500)}` : "";
    return { label, nodes: shape.nodes, failure: `${error.message}${exited}`, mem: { peakKb: mem.rss, hwmKb: mem.hwm } };
  }
}

/** POSTs a chain whose body is just over the 16 MiB request limit: how it is refused. */
async function limitProbe() {
  if (server.exited) return { failure: "not run: hookflow had already exited" };
  const p = await freshProject("limit");
  let n = 31_000;
  let body = JSON.stringify({ pipeline: linear(n, "noop").tree });
  while (body.length <= 16 * 1048576) {
    n += 1000;
    body = JSON.stringify({ pipeline: linear(n, "noop").tree });
  }
  const t0 = performance.now();
  try {
    const res = await call("POST", `/v1/projects/${p.name}/pipelines`, { key: p.key, body });
    return { nodes: n + 2, bodyBytes: body.length, status: res.status, answer: res.text.slice(0, 200), ms: performance.now() - t0 };
  } catch (error) {
    return { nodes: n + 2, bodyBytes: body.length, failure: error.message, ms: performance.now() - t0 };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// the peer

function waitExit(proc, ms) {
  return new Promise((resolve) => {
    if (proc.exited) return resolve(proc.child.exitCode);
    const timer = setTimeout(() => resolve("timeout"), ms);
    proc.child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? signal);
    });
  });
}

async function peer() {
  if (argv.includes("--no-peer")) return { skipped: "--no-peer given" };
  const benchSh = join(PEER_DIR, "bench.sh");
  if (!existsSync(benchSh)) {
    if (!argv.includes("--peer")) return { skipped: `not set up (no ${benchSh}); run with --peer to set it up (needs Python 3.11; BAMBOO_SRC without PyPI)` };
    log(`peer: ${PEER_HOME}/setup.sh ${PEER_DIR} …`);
    const setup = startProcess(join(PEER_HOME, "setup.sh"), [PEER_DIR], { env: process.env });
    processes.push(setup);
    const code = await waitExit(setup, Math.max(10_000, remainingMs() - 300_000));
    await setup.stop();
    if (code !== 0 || !existsSync(benchSh)) return { skipped: `setup.sh failed (${code}): ${setup.output.trim().split("\n").slice(-4).join(" | ")}` };
  }
  const args = ["--nodes", "1000", "--pipelines", "100"];
  const budget = remainingMs() - 30_000;
  if (budget < 60_000) return { skipped: "too little time left before the deadline" };
  log(`peer: bench.sh ${args.join(" ")} (up to ${fmt(budget / 1000)} s) …`);
  const [cmd, cmdArgs] = PIN ? ["taskset", ["-c", "1", benchSh, ...args]] : [benchSh, args];
  const t0 = performance.now();
  const proc = startProcess(cmd, cmdArgs, { env: process.env });
  processes.push(proc);
  const code = await waitExit(proc, budget);
  await proc.stop();
  const out = proc.output;
  const m = /bamboo-engine: (\d+) nodes in ([\d.]+) s \((\d+) nodes\/s\); (\d+)x17 in ([\d.]+) s/.exec(out);
  if (code !== 0 || !m) return { skipped: `bench.sh ended ${code} after ${fmt((performance.now() - t0) / 1000)} s: ${out.trim().split("\n").slice(-4).join(" | ")}` };
  const sanity = /sanity S1.*$/m.exec(out)?.[0];
  return { linearMs: Number(m[2]) * 1000, nodes: Number(m[1]), manyMs: Number(m[5]) * 1000, pipelines: Number(m[4]), sanity, line: m[0] };
}

// ---------------------------------------------------------------------------------------------------------------

const loadBefore = loadAverage();
const results = {};
try {
  if (PIN) pinSelf();
  log(`hookflow: node scripts/start.js (build + workerd serve)${PIN ? ", pinned to core 1" : ""} …`);
  const started = await startHookflow({ appRoot, dataDir, pin: PIN, onProcess: (p) => processes.push(p) });
  ({ server, port: hfPort, base: hf, adminToken, workerdPid } = started);
  results.memoryAtStart = memory(workerdPid);

  // Warm-up: compile the component, warm the routes and the engine code paths.
  log("warm-up …");
  await many("warmup", 10, () => linear(15, PASS), 60_000);
  await single("warmup-noop", linear(200, "noop"), 60_000);
  await single("warmup-pass", linear(200, PASS), 60_000);

  // 1 + 2: the 1,000-node chain, with the component and with noop, alternating, ROUNDS rounds.
  results.linear = { [PASS]: [], noop: [] };
  for (let r = 0; r < ROUNDS; r++) {
    for (const code of r % 2 === 0 ? [PASS, "noop"] : ["noop", PASS]) {
      log(`1,000-node chain, ${code}, round ${r + 1}/${ROUNDS} …`);
      results.linear[code].push(await single(`linear-${code}`, linear(1000, code), 120_000));
    }
  }

  // 3: 100 × 17 started at once (and the same with noop, for reference).
  results.many = { [PASS]: [], noop: [] };
  for (let r = 0; r < ROUNDS; r++) {
    log(`100 × 17 at once, round ${r + 1}/${ROUNDS} …`);
    results.many[PASS].push(await many("many-pass", 100, () => linear(15, PASS), 120_000));
    if (r === 0) results.many.noop.push(await many("many-noop", 100, () => linear(15, "noop"), 120_000));
  }

  // 4: callback latency.
  log("callbacks: 100 at once …");
  results.callbackConcurrent = await callbacks("cb-at-once", 100, true);
  log("callbacks: 100 one at a time …");
  results.callbackSequential = await callbacks("cb-one-by-one", 100, false);

  // 5: big runs (noop first; with the component if there is time), memory sampled throughout.
  results.big = [];
  results.big.push(await big("10,000-node chain, noop", () => linear(10_000, "noop"), 240_000));
  results.big.push(await big("1,000-branch parallel, noop", () => parallel(1000, "noop"), 240_000));
  if (!QUICK) {
    results.big.push(await big("10,000-node chain, component", () => linear(10_000, PASS), 300_000));
    results.big.push(await big("1,000-branch parallel, component", () => parallel(1000, PASS), 240_000));
    // About the largest linear tree whose body (ids as bamboo makes them) fits the 16 MiB request limit.
    results.big.push(await big("30,000-node chain, noop", () => linear(30_000, "noop"), 300_000));
  }
  // The request body limit: a tree just over 16 MiB.
  results.limitProbe = await limitProbe();
  results.memoryAtEnd = memory(workerdPid);
  // Whether workerd gives memory back once every run is idle.
  if (!QUICK && remainingMs() > 120_000 && !server.exited) {
    log("idle 30 s, then workerd's RSS again …");
    await sleep(30_000);
    results.memoryAfterIdle = memory(workerdPid);
  }
  results.getResets = resets.get;
  keepAlive.destroy();
  await server.stop();

  // 6: the peer, after hookflow is stopped so that the two never share the machine.
  results.peer = await peer();

  report(results);
} catch (error) {
  console.error(error instanceof Error ? error.stack ?? error.message : error);
  if (error?.cause) console.error("cause:", error.cause);
  if (server && !server.exited) console.error(`hookflow output (tail):\n${server.output.slice(-2000)}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}

function report(r) {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  console.log(
    `\nhookflow ${appLabel(root, appRoot)} on npm start (workerd serve), ${ROUNDS} round(s), medians; ` +
      `Node ${process.version}, wrangler ${pkg.devDependencies.wrangler}, workerd ${workerdVersionOf(server)}${PIN ? "; workerd and the peer pinned to core 1, the client to core 0" : ""}\n`,
  );
  const lp = r.linear[PASS];
  const ln = r.linear.noop;
  const mp = r.many[PASS];
  const mn = r.many.noop;
  const med = (xs, k) => median(xs.map((x) => x[k]));
  const linPassEngine = med(lp, "engineMs");
  const linNoopEngine = med(ln, "engineMs");
  const manyWall = med(mp, "wallMs");
  const peer = r.peer;
  const hasPeer = peer && peer.skipped === undefined;
  const ratio = (hookflowMs, peerMs) => (hasPeer ? `${fmt(peerMs / hookflowMs)}x` : "—");
  const rows = [
    ["1,000-node chain, component: POST → FINISHED (client wall)", `${fmt(med(lp, "wallMs"))} ms`, "≤ 500 ms", med(lp, "wallMs") <= 500 ? "met" : "NOT met", hasPeer ? `${fmt(peer.linearMs)} ms` : "—", ratio(med(lp, "wallMs"), peer?.linearMs)],
    ["  same, engine span (event log)", `${fmt(linPassEngine)} ms = ${fmt(1000 / (linPassEngine / 1000))} nodes/s`, "≤ 500 ms", linPassEngine <= 500 ? "met" : "NOT met", "", ""],
    ["  POST /pipelines answered after", `${fmt(med(lp, "answeredMs"))} ms`, "", "", "", ""],
    ["1,000-node chain, noop: engine span (nodes/s; 2 state transitions each)", `${fmt(linNoopEngine)} ms = ${fmt(1002 / (linNoopEngine / 1000))} nodes/s`, "≥ 5,000/s", 1002 / (linNoopEngine / 1000) >= 5000 ? "met" : "NOT met", "", ""],
    ["  same, client wall", `${fmt(med(ln, "wallMs"))} ms`, "", "", "", ""],
    ["100 × 17 at once, component: wall until all FINISHED", `${fmt(manyWall)} ms`, "≤ 1,000 ms", manyWall <= 1000 ? "met" : "NOT met", hasPeer ? `${fmt(peer.manyMs)} ms` : "—", ratio(manyWall, peer?.manyMs)],
    ["  same, engine first start → last finish", `${fmt(med(mp, "engineMs"))} ms`, "", "", "", ""],
    ["  all 100 POSTs answered after", `${fmt(med(mp, "postedMs"))} ms`, "", "", "", ""],
    ["  one run's own span (median of 100)", `${fmt(med(mp, "perRunMedianMs"))} ms`, "", "", "", ""],
    ["100 × 17 at once, noop: wall / engine", `${fmt(med(mn, "wallMs"))} / ${fmt(med(mn, "engineMs"))} ms`, "", "", "", ""],
  ];
  for (const c of [r.callbackConcurrent, r.callbackSequential]) {
    rows.push([
      `callback → next node_enter, ${c.label === "cb-at-once" ? "100 at once" : "one at a time"}: p50 / p99 (max)`,
      `${fmt(c.p50)} / ${fmt(c.p99)} ms (${fmt(c.max)})`,
      "p50 ≤ 5, p99 ≤ 25 ms",
      c.p50 <= 5 && c.p99 <= 25 ? "met" : "NOT met",
      "",
      "",
    ]);
    rows.push([`  callback POST answered: p50 / p99`, `${fmt(c.answerP50)} / ${fmt(c.answerP99)} ms`, "", "", "", ""]);
  }
  console.log(table(["measure", "hookflow", "goal", "", "bamboo peer", "peer s / hookflow s"], rows));
  console.log(`\nper round: 1,000 component wall ${lp.map((x) => fmt(x.wallMs)).join(", ")} ms; engine ${lp.map((x) => fmt(x.engineMs)).join(", ")} ms; ` +
    `noop engine ${ln.map((x) => fmt(x.engineMs)).join(", ")} ms; 100×17 wall ${mp.map((x) => fmt(x.wallMs)).join(", ")} ms`);
  console.log(`callback latency = node_enter(A).at (workerd's clock, whole ms) − client send time (same host clock): ±1 ms; min seen ${fmt(r.callbackConcurrent.min)} / ${fmt(r.callbackSequential.min)} ms`);

  console.log("\nbig runs (workerd RSS: VmRSS sampled every 20 ms during the run; VmHWM = peak since workerd started):\n");
  const bigRows = r.big.map((b) =>
    b.failure
      ? [b.label, b.nodes ?? "", "FAILED", "", "", mb(b.mem?.peakKb), mb(b.mem?.hwmKb), b.failure.split("\n")[0].slice(0, 160)]
      : [b.label, b.nodes, `${fmt(b.wallMs)} ms`, `${fmt(b.engineMs)} ms`, `${fmt(b.nodes / (b.engineMs / 1000))}/s`, `${mb(b.mem.beforeKb)} → ${mb(b.mem.peakKb)}`, mb(b.mem.hwmKb), `body ${fmt(b.bodyBytes / 1048576)} MiB, POST ${fmt(b.answeredMs)} ms, ${b.events} events`],
  );
  console.log(table(["shape", "nodes", "wall", "engine", "nodes/s", "RSS before → peak", "VmHWM", "notes"], bigRows));
  for (const b of r.big) if (b.failure) console.log(`\n${b.label} failed: ${b.failure}`);
  const probe = r.limitProbe;
  console.log(
    `request limit probe: a ${fmt(probe.nodes)}-node chain, ${fmt(probe.bodyBytes / 1048576, 4)} MiB body → ` +
      (probe.failure ? `no answer: ${probe.failure}` : `${probe.status} ${probe.answer}`) + ` (${fmt(probe.ms)} ms)`,
  );
  console.log(
    `workerd RSS at start ${mb(r.memoryAtStart.rss)}, at end ${mb(r.memoryAtEnd.rss)} (VmHWM ${mb(r.memoryAtEnd.hwm)})` +
      (r.memoryAfterIdle ? `, after 30 s idle ${mb(r.memoryAfterIdle.rss)}` : "") +
      `; the isolate limit on Workers is 128 MB (this RSS is the whole workerd process: every run object of the bench, the registry, and the runtime itself)`,
  );

  if (hasPeer) {
    console.log(`\npeer (bamboo-engine, Django + eager Celery + SQLite, one process): ${peer.line}${peer.sanity ? `; ${peer.sanity}` : ""}`);
    console.log(`hookflow speed / peer speed (peer s / hookflow s, client wall): 1,000-node chain ${ratio(med(lp, "wallMs"), peer.linearMs)}, 100×17 ${ratio(manyWall, peer.manyMs)}`);
  } else {
    console.log(`\npeer skipped: ${peer?.skipped}`);
  }
  const lagged = [...lp, ...ln, ...mp, ...mn].reduce((n, x) => n + x.listLagged, 0);
  if (r.getResets > 0) console.log(`note: ${r.getResets} GET(s) were retried after a reset connection`);
  if (lagged > 0) console.log(`note: ${lagged} run(s) were FINISHED before the project's run list said so (found by asking the run directly)`);
  const busy = Number(loadBefore.split(" ")[0]) > cpus().length / 2;
  console.log(`\nmachine: ${cpus().length} x ${cpus()[0]?.model}; load average before ${loadBefore}, after ${loadAverage()}` +
    (busy ? " — the machine was busy: numbers are pessimistic, re-run when it is idle" : "") + `; took ${fmt(elapsedS())} s`);
  console.log("\n" + JSON.stringify(r));
}
