// `npm run bench:workflows`: NocoBase workflow executions on hookflow's production local runtime (`node scripts/start.js`:
// the built bundle on workerd serve, one Durable Object per execution).
//
//   1. sync executions/s: a three-node sync workflow (condition → calculation → an `instruction/echo` script uploaded
//      through the API), `POST /v1/projects/{p}/workflows/{key}/execute`, autocannon at 16 connections and at 1;
//      every answer's execution is counted back from the project's registry afterwards (all RESOLVED?)
//   2. a 1,000-node chain of `calculation` nodes (math.js, each `{{$jobsMapByNodeKey.<previous>}} + 1`): execute →
//      RESOLVED, sync (the request's own duration) and async (202, then polling the workflow's execution list); the
//      workflow PUT of 1,000 nodes (and the node-count limit), and once a 5,000-node chain
//   3. resume latency: 100 executions each suspended on a pending job of an `instruction/prompt` script, resumed
//      (`POST /executions/{id}/jobs/{jobId}/resume`) one at a time and then 100 others at once; resume → RESOLVED
//      by workerd's clock (the execution's RESOLVED event) and as the client sees it (polling GET /executions/{id})
//
// Loopback only; a snapshot of HEAD (git archive) so dist/ of the checkout is left alone; temp data dir; a global
// deadline; stops what it started. workerd pinned to core 1 and this client (autocannon included) to core 0.
//
//   node bench/workflows.js [--quick]
//   --quick    one round, 3 s load runs, no 5,000-node chain (a smoke run)
//   env: BENCH_ROUNDS (3), BENCH_DURATION_S (10), BENCH_WARMUP_S (3), BENCH_DEADLINE_S (900),
//        BENCH_PIN (1: workerd on core 1, this client on core 0, when taskset exists), BENCH_IN_PLACE=1,
//        BENCH_APP_ROOT (a prepared tree instead of the snapshot; see bench/lib.js appRootFor)
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  appLabel, benchSession, check, createBenchProject, serverErrorSummary, autocannonRun, canPin, cpuMs, fmt, httpClient, loadAverage, median, memory, percentile, pinSelf, sleep, startHookflow, workerdVersionOf,
  table, wallNow,
} from "./lib.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const argv = process.argv.slice(2);
for (const a of argv) if (!["--quick"].includes(a)) throw new Error(`unknown argument ${a} (usage: node bench/workflows.js [--quick])`);
const QUICK = argv.includes("--quick");
const ROUNDS = QUICK ? 1 : Number(process.env.BENCH_ROUNDS ?? 3);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? (QUICK ? 3 : 10));
const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? (QUICK ? 2 : 3));
const DEADLINE_S = Number(process.env.BENCH_DEADLINE_S ?? 900);
const PIN = canPin();
const CONNECTIONS = 16;
const CHAIN = 1000;
const RESUMES = 100;
/** n8n's published figure (its docs' scaling benchmark: one 2-vCPU instance); not measured here. */
const N8N_PUBLISHED_PER_S = 220;

/** The scripts of test/fixtures/nocobase-instructions.ts (nocobase-scenarios.md "Conventions") the bench uses. */
const SCRIPTS = {
  "instruction/echo": `// bench: resolves with its input's result (or config.path of it)
const get = (value, path) => path.split(".").reduce((v, k) => (v == null ? undefined : v[k]), value);
export default {
  run(node, input) {
    const result = input == null ? undefined : input.result;
    return { status: JOB_STATUS.RESOLVED, result: node.config.path ? get(result, node.config.path) : result };
  },
};
`,
  "instruction/prompt": `// bench: waits (PENDING) until resumed; resolves with what the resume set on the job
export default {
  run() { return { status: JOB_STATUS.PENDING }; },
  resume(node, job) { return { ...job, status: JOB_STATUS.RESOLVED }; },
};
`,
};

/** condition (continue only if $context.n > 0) → calculation ($context.n * 2 + 1) → echo: answers 2n + 1. */
const THREE = {
  sync: true,
  trigger: { type: "manual" },
  nodes: [
    { key: "check", type: "condition", config: { rejectOnFalse: true, calculation: { calculator: "gt", operands: ["{{$context.n}}", 0] } } },
    { key: "double", type: "calculation", upstream: "check", config: { engine: "math.js", expression: "{{$context.n}} * 2 + 1" } },
    { key: "reply", type: "echo", upstream: "double" },
  ],
};
const THREE_CONTEXT = { n: 20 };

/** `n` calculation nodes, each the previous one's result + 1: the last job's result is n. */
const chain = (n, sync) => ({
  sync,
  trigger: { type: "manual" },
  nodes: Array.from({ length: n }, (_, i) => ({
    key: `c${i}`,
    type: "calculation",
    upstream: i === 0 ? null : `c${i - 1}`,
    config: { engine: "math.js", expression: i === 0 ? "1" : `{{$jobsMapByNodeKey.c${i - 1}}} + 1` },
  })),
});

/** An async workflow that waits on a `prompt` job, then echoes what the resume set. */
const WAIT = {
  sync: false,
  trigger: { type: "manual" },
  nodes: [
    { key: "ask", type: "prompt" },
    { key: "reply", type: "echo", upstream: "ask" },
  ],
};

/** An async workflow that waits 1 s on a `delay` node (the alarm), then echoes. */
const DELAYS = 50;
const DELAY_MS = 1000;
const NAP = {
  sync: false,
  trigger: { type: "manual" },
  nodes: [
    { key: "nap", type: "delay", config: { duration: DELAY_MS / 1000, unit: 1000 } },
    { key: "after", type: "echo", upstream: "nap" },
  ],
};

const STATUS = { QUEUEING: null, STARTED: 0, RESOLVED: 1 };
const JOB_PENDING = 0;

const { dataDir, appRoot, processes, cleanup, elapsedS, log } = benchSession("workflows", root, DEADLINE_S);
const mb = (kb) => (kb === undefined ? "?" : `${fmt(kb / 1024)} MiB`);

// ---------------------------------------------------------------------------------------------------------------
// hookflow client

let hf; // base URL
let hfPort;
let server;
let workerdPid;
let adminToken;
const { call, withAgent, keepAlive, resets } = httpClient(() => hfPort);

/** A new project with the bench's instruction scripts; its name and API key. */
const project = (name) => createBenchProject(call, adminToken, name, SCRIPTS);

/** PUT a workflow; its answer, time and body size. */
async function putWorkflow(p, key, def) {
  const body = JSON.stringify(def);
  const t0 = performance.now();
  const res = await call("PUT", `/v1/projects/${p.name}/workflows/${key}`, { key: p.key, body });
  return { status: res.status, ms: performance.now() - t0, bodyBytes: Buffer.byteLength(body), answer: res.text.slice(0, 300), json: res.json };
}

async function saveWorkflow(p, key, def) {
  const put = await putWorkflow(p, key, def);
  if (put.status !== 201 && put.status !== 200) throw new Error(`PUT workflow ${key} (${def.nodes.length} nodes, ${put.bodyBytes} B) answered ${put.status} ${put.answer}`);
  return put;
}

const execute = (p, key, context, agent) => call("POST", `/v1/projects/${p.name}/workflows/${key}/execute`, { key: p.key, body: { context }, agent });
const getExecution = (p, id, agent) => call("GET", `/v1/projects/${p.name}/executions/${id}`, { key: p.key, agent });

/** Every execution of workflow `key` the registry lists (paged, newest first): id → status. */
async function listExecutions(p, key) {
  const out = new Map();
  let cursor;
  for (;;) {
    const res = check(await call("GET", `/v1/projects/${p.name}/workflows/${key}/executions${cursor === undefined ? "" : `?cursor=${cursor}`}`, { key: p.key }), [200], "GET executions");
    for (const e of res.json.executions) out.set(e.id, e.status);
    if (res.json.next === null || res.json.executions.length === 0) return out;
    cursor = res.json.next;
  }
}

/** An execution's whole event log, paged. */
async function events(p, id) {
  const out = [];
  let after = 0;
  for (;;) {
    const res = check(await call("GET", `/v1/projects/${p.name}/executions/${id}/events?after=${after}&limit=1000`, { key: p.key }), [200], "GET events");
    out.push(...res.json.events);
    if (res.json.next === null || res.json.events.length === 0) return out;
    after = res.json.next;
  }
}

/** When (workerd's `Date.now()`, whole ms) the execution was created, and when it became RESOLVED. */
function engineTimes(log) {
  const created = log.find((e) => e.event_type === "execution" && e.data?.status === null);
  const resolved = log.find((e) => e.event_type === "execution" && e.data?.status === STATUS.RESOLVED);
  if (created === undefined || resolved === undefined) throw new Error(`event log lacks the execution's ${created ? "RESOLVED" : "creation"} event`);
  return { createdAt: Date.parse(created.at), resolvedAt: Date.parse(resolved.at), ms: Date.parse(resolved.at) - Date.parse(created.at), events: log.length };
}

/** Why an execution is not RESOLVED: its status, reason and non-resolved jobs. */
async function whyNot(p, id) {
  const res = await getExecution(p, id);
  if (res.status !== 200) return `GET answered ${res.status}`;
  const bad = (res.json.jobs ?? []).filter((j) => j.status !== STATUS.RESOLVED).slice(0, 3);
  return `status ${res.json.status}, reason ${res.json.reason}${bad.length ? `; jobs ${JSON.stringify(bad).slice(0, 300)}` : ""}`;
}

// ---------------------------------------------------------------------------------------------------------------
// 1. sync executions per second

async function loadRun(p, key, connections, duration) {
  const cpu0 = cpuMs(workerdPid);
  const t0 = performance.now();
  const r = await autocannonRun({
    url: `${hf}/v1/projects/${p.name}/workflows/${key}/execute`,
    connections,
    duration,
    body: JSON.stringify({ context: THREE_CONTEXT }),
    headers: { "content-type": "application/json", authorization: `Bearer ${p.key}` },
  });
  const wallMs = performance.now() - t0;
  const workerdCpuMs = cpuMs(workerdPid) - cpu0;
  // Every answer should be an execution that ran: count them back from the registry.
  const listed = await listExecutions(p, key);
  const resolved = [...listed.values()].filter((s) => s === STATUS.RESOLVED).length;
  return {
    ...r,
    key,
    listed: listed.size,
    resolved,
    workerdCpuMs,
    cpuPerExecutionMs: workerdCpuMs / Math.max(1, listed.size),
    workerdBusy: workerdCpuMs / wallMs,
    littleMs: (connections / r.reqPerSec) * 1000,
    // Executions that ran, per second: a 5xx answers fast, so autocannon's req/s overstates a round that has any.
    okPerSec: (r.total - r.non2xx) / duration,
  };
}

async function throughput(p) {
  const put = await saveWorkflow(p, "three-warm", THREE);
  const one = check(await execute(p, "three-warm", THREE_CONTEXT), [200], "execute three-warm");
  const e = one.json.execution;
  if (e.status !== STATUS.RESOLVED || e.jobs.length !== 3 || e.jobs[2].result !== THREE_CONTEXT.n * 2 + 1) {
    throw new Error(`the three-node workflow did not answer as expected: ${one.text.slice(0, 600)}`);
  }
  log(`sync executions: warm-up ${WARMUP_S} s at ${CONNECTIONS} connections …`);
  await loadRun(p, "three-warm", CONNECTIONS, WARMUP_S);
  const runs = { many: [], one: [] };
  for (let r = 0; r < ROUNDS; r++) {
    for (const connections of r % 2 === 0 ? [CONNECTIONS, 1] : [1, CONNECTIONS]) {
      const key = `three-c${connections}-r${r + 1}`;
      await saveWorkflow(p, key, THREE);
      log(`sync executions: ${connections} connection(s), ${DURATION_S} s, round ${r + 1}/${ROUNDS} …`);
      (connections === 1 ? runs.one : runs.many).push(await loadRun(p, key, connections, DURATION_S));
    }
  }
  return { runs, putMs: put.ms, answerBytes: one.text.length };
}

// ---------------------------------------------------------------------------------------------------------------
// 2. long chains

async function chainSync(p, key, nodes) {
  const t0 = performance.now();
  const res = await execute(p, key, {});
  const ms = performance.now() - t0;
  check(res, [200], `execute ${key}`);
  const e = res.json.execution;
  if (e.status !== STATUS.RESOLVED || e.jobs.length !== nodes || e.jobs.at(-1).result !== nodes) {
    throw new Error(`${key}: status ${e.status}, ${e.jobs.length} jobs, last result ${JSON.stringify(e.jobs.at(-1)?.result)} (expected RESOLVED, ${nodes}, ${nodes})`);
  }
  const engine = engineTimes(await events(p, e.id));
  return { mode: "sync", nodes, wallMs: ms, engineMs: engine.ms, answerBytes: res.text.length };
}

async function chainAsync(p, key, nodes) {
  const t0 = performance.now();
  const res = check(await execute(p, key, {}), [202], `execute ${key}`);
  const answeredMs = performance.now() - t0;
  const id = res.json.execution.id;
  let seenMs;
  for (const until = performance.now() + 60_000; ; ) {
    if (server.exited) throw new Error(`hookflow exited:\n${server.output.slice(-2000)}`);
    const status = (await listExecutions(p, key)).get(id);
    if (status === STATUS.RESOLVED) {
      seenMs = performance.now() - t0;
      break;
    }
    if (status !== undefined && status !== STATUS.QUEUEING && status !== STATUS.STARTED) throw new Error(`${key} ${id} ended ${status}: ${await whyNot(p, id)}`);
    if (performance.now() > until) throw new Error(`${key} ${id} not RESOLVED after 60 s: ${await whyNot(p, id)}`);
    await sleep(5);
  }
  const view = check(await getExecution(p, id), [200], "GET execution").json;
  if (view.jobs.length !== nodes || view.jobs.at(-1).result !== nodes) throw new Error(`${key}: ${view.jobs.length} jobs, last result ${JSON.stringify(view.jobs.at(-1)?.result)}`);
  const engine = engineTimes(await events(p, id));
  return { mode: "async", nodes, wallMs: seenMs, answeredMs, engineMs: engine.ms };
}

async function chains(p) {
  const putSync = await saveWorkflow(p, "chain-sync", chain(CHAIN, true));
  const putAsync = await saveWorkflow(p, "chain-async", chain(CHAIN, false));
  // The node-count limit of the workflow schema (5,000): one over it.
  const over = await putWorkflow(p, "chain-over", chain(5001, true));
  log("1,000-node chain: warm-up …");
  await chainSync(p, "chain-sync", CHAIN);
  await chainAsync(p, "chain-async", CHAIN);
  const runs = { sync: [], async: [] };
  for (let r = 0; r < ROUNDS; r++) {
    for (const mode of r % 2 === 0 ? ["sync", "async"] : ["async", "sync"]) {
      log(`1,000-node chain, ${mode}, round ${r + 1}/${ROUNDS} …`);
      runs[mode].push(mode === "sync" ? await chainSync(p, "chain-sync", CHAIN) : await chainAsync(p, "chain-async", CHAIN));
    }
  }
  let big;
  if (!QUICK) {
    log("5,000-node chain, sync …");
    const put = await saveWorkflow(p, "chain-5000", chain(5000, true));
    try {
      big = { put, ...(await chainSync(p, "chain-5000", 5000)), rss: memory(workerdPid) };
    } catch (error) {
      big = { put, failure: error.message, rss: memory(workerdPid) };
    }
  }
  return { putSync, putAsync, over: { status: over.status, bodyBytes: over.bodyBytes, answer: over.answer }, runs, big };
}

// ---------------------------------------------------------------------------------------------------------------
// 3. resume latency

/** Starts `count` executions of the `wait` workflow at once; resolves once every one holds its pending job. */
async function suspended(p, count) {
  const started = await withAgent((agent) => Promise.all(Array.from({ length: count }, () => execute(p, "wait", {}, agent))));
  const ids = started.map((res) => check(res, [202], "execute wait").json.execution.id);
  const jobs = new Map();
  for (const until = performance.now() + 60_000; jobs.size < count; ) {
    if (performance.now() > until) throw new Error(`${count - jobs.size} executions never reached their pending job`);
    for (const id of ids) {
      if (jobs.has(id)) continue;
      const v = (await getExecution(p, id)).json;
      const pending = v?.jobs?.find((j) => j.nodeKey === "ask" && j.status === 0);
      if (v?.status === STATUS.STARTED && pending !== undefined) jobs.set(id, pending.id);
    }
    if (jobs.size < count) await sleep(20);
  }
  await sleep(200); // let every execution's drain and report settle
  return jobs;
}

/**
 * Resumes one pending job and polls the execution until RESOLVED: the first GET right after the 202, then every
 * `pollMs` (0: back to back). Times are from just before the resume request is written.
 */
async function resumeOne(p, id, jobId, i, agent, pollMs) {
  const sentAt = wallNow();
  const t0 = performance.now();
  const res = await call("POST", `/v1/projects/${p.name}/executions/${id}/jobs/${jobId}/resume`, { key: p.key, body: { result: { answer: i } }, agent });
  const answeredMs = performance.now() - t0;
  check(res, [202], "resume");
  let polls = 0;
  let lastGetMs;
  for (const until = t0 + 30_000; ; ) {
    const g0 = performance.now();
    const v = check(await getExecution(p, id, agent), [200], "GET execution").json;
    lastGetMs = performance.now() - g0;
    polls++;
    if (v.status === STATUS.RESOLVED) {
      if (v.jobs.at(-1)?.result?.answer !== i) throw new Error(`execution ${id} RESOLVED with ${JSON.stringify(v.jobs.at(-1))}, not the resume's result`);
      break;
    }
    if (v.status !== STATUS.STARTED) throw new Error(`execution ${id} ended ${v.status} after its resume: ${await whyNot(p, id)}`);
    if (performance.now() > until) throw new Error(`execution ${id} not RESOLVED 30 s after its resume`);
    if (pollMs > 0) await sleep(pollMs);
  }
  const observedMs = performance.now() - t0;
  return { id, sentAt, answeredMs, observedMs, polls, lastGetMs };
}

async function resumes(p, label, concurrent) {
  log(`resume: ${RESUMES} executions to suspend (${label}) …`);
  const jobs = await suspended(p, RESUMES);
  log(`resume: ${RESUMES} ${label} …`);
  const entries = [...jobs.entries()];
  let results;
  if (concurrent) {
    results = await withAgent((agent) => Promise.all(entries.map(([id, jobId], i) => resumeOne(p, id, jobId, i, agent, 5))));
  } else {
    results = [];
    await withAgent(async (agent) => {
      for (const [i, [id, jobId]] of entries.entries()) {
        results.push(await resumeOne(p, id, jobId, i, agent, 0));
        await sleep(5);
      }
    });
  }
  // workerd's clock: the RESOLVED event's `at` (whole ms) − the client's send time (same host clock).
  for (const r of results) r.engineMs = engineTimes(await events(p, r.id)).resolvedAt - r.sentAt;
  const pick = (k) => results.map((r) => r[k]);
  const stats = (xs) => ({ p50: percentile(xs, 50), p99: percentile(xs, 99), max: Math.max(...xs), min: Math.min(...xs) });
  return {
    label,
    count: results.length,
    engine: stats(pick("engineMs")),
    observed: stats(pick("observedMs")),
    answered: stats(pick("answeredMs")),
    lastGet: stats(pick("lastGetMs")),
    resolvedAtFirstGet: results.filter((r) => r.polls === 1).length,
    maxPolls: Math.max(...pick("polls")),
  };
}

/**
 * How late a `delay` fires: DELAYS executions started at once, each waiting DELAY_MS on its alarm; lateness = the
 * delay job's RESOLVED event − its PENDING event − DELAY_MS (both `at` by workerd's clock, whole ms).
 */
async function delays(p) {
  log(`delay: ${DELAYS} executions waiting ${DELAY_MS} ms …`);
  const started = await withAgent((agent) => Promise.all(Array.from({ length: DELAYS }, () => execute(p, "nap", {}, agent))));
  const ids = started.map((res) => check(res, [202], "execute nap").json.execution.id);
  const late = [];
  for (const id of ids) {
    for (const until = performance.now() + 30_000; ; await sleep(50)) {
      const v = check(await getExecution(p, id), [200], "GET execution").json;
      if (v.status === STATUS.RESOLVED) break;
      if (v.status !== STATUS.STARTED && v.status !== STATUS.QUEUEING) throw new Error(`execution ${id} ended ${v.status}: ${await whyNot(p, id)}`);
      if (performance.now() > until) throw new Error(`execution ${id} not RESOLVED 30 s after its delay`);
    }
    const jobEvents = (await events(p, id)).filter((e) => e.event_type === "job" && e.data?.node_key === "nap");
    const at = (status) => Date.parse(jobEvents.find((e) => e.data.status === status).at);
    late.push(at(STATUS.RESOLVED) - at(JOB_PENDING) - DELAY_MS);
  }
  return { count: late.length, p50: percentile(late, 50), p99: percentile(late, 99), max: Math.max(...late), min: Math.min(...late) };
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
  const p = await project("bench-workflows");
  await saveWorkflow(p, "wait", WAIT);
  await saveWorkflow(p, "nap", NAP);

  results.throughput = await throughput(p);
  results.memoryAfterLoad = memory(workerdPid);
  results.chains = await chains(p);
  results.resumeSequential = await resumes(p, "one at a time", false);
  results.resumeConcurrent = await resumes(p, "at once", true);
  results.delays = await delays(p);
  results.memoryAtEnd = memory(workerdPid);
  results.getResets = resets.get;
  keepAlive.destroy();
  await server.stop();
  report(results);
  const serverErrors = serverErrorSummary(server, "workflows");
  if (serverErrors !== undefined) console.log(`\nthe server logged ${serverErrors}`);
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
    `\nhookflow ${appLabel(root, appRoot)} on npm start (workerd serve), ${ROUNDS} round(s), medians; Node ${process.version}, ` +
      `wrangler ${pkg.devDependencies.wrangler}, workerd ${workerdVersionOf(server)}, autocannon ${pkg.devDependencies.autocannon}` +
      `${PIN ? "; workerd pinned to core 1, this client (autocannon included) to core 0" : ""}\n`,
  );
  const med = (xs, k) => median(xs.map((x) => x[k]));
  const { many, one } = r.throughput.runs;
  const rate = med(many, "okPerSec");
  const rows = [
    [`sync executions/s, 3 nodes (condition → calculation → echo script), ${CONNECTIONS} connections`, `${fmt(rate, 4)}/s`, "≥ 1,000/s", rate >= 1000 ? "met" : "NOT met"],
    [`  latency p50 / p99 / mean (max)`, `${fmt(med(many, "p50"))} / ${fmt(med(many, "p99"))} / ${fmt(med(many, "mean"))} ms (${fmt(Math.max(...many.map((x) => x.max)))})`, "", ""],
    [`  Little's law: ${CONNECTIONS} / req/s`, `${fmt(med(many, "littleMs"))} ms (vs the mean above)`, "", ""],
    [`  workerd CPU per execution; workerd busy`, `${fmt(med(many, "cpuPerExecutionMs"))} ms; ${fmt(100 * med(many, "workerdBusy"))}% of one core`, "", ""],
    [`  vs n8n's published ${N8N_PUBLISHED_PER_S}/s (1 instance, 2 vCPU; published, not measured here)`, `${fmt(rate / N8N_PUBLISHED_PER_S)}x`, "", ""],
    [`same, 1 connection: executions/s (2xx answers)`, `${fmt(med(one, "okPerSec"), 4)}/s`, "", ""],
    [`  latency p50 / p99 / mean (max)`, `${fmt(med(one, "p50"))} / ${fmt(med(one, "p99"))} / ${fmt(med(one, "mean"))} ms (${fmt(Math.max(...one.map((x) => x.max)))})`, "", ""],
    [`  1 / req/s; workerd CPU per execution`, `${fmt(med(one, "littleMs"))} ms; ${fmt(med(one, "cpuPerExecutionMs"))} ms`, "", ""],
  ];
  const c = r.chains;
  const cs = c.runs.sync;
  const ca = c.runs.async;
  rows.push(
    [`${CHAIN.toLocaleString("en-US")}-node calculation chain, sync: execute → 200 RESOLVED (request duration)`, `${fmt(med(cs, "wallMs"))} ms`, "≤ 500 ms", med(cs, "wallMs") <= 500 ? "met" : "NOT met"],
    [`  engine span (created → RESOLVED events)`, `${fmt(med(cs, "engineMs"))} ms = ${fmt(CHAIN / (med(cs, "engineMs") / 1000))} nodes/s`, "", ""],
    [`same, async: execute → first list poll showing RESOLVED`, `${fmt(med(ca, "wallMs"))} ms`, "≤ 500 ms", med(ca, "wallMs") <= 500 ? "met" : "NOT met"],
    [`  engine span; execute answered 202 after`, `${fmt(med(ca, "engineMs"))} ms; ${fmt(med(ca, "answeredMs"))} ms`, "", ""],
  );
  for (const x of [r.resumeSequential, r.resumeConcurrent]) {
    const met = x.engine.p50 <= 5 && x.engine.p99 <= 25;
    rows.push(
      [`resume → RESOLVED, ${x.count} ${x.label}, workerd clock: p50 / p99 (max)`, `${fmt(x.engine.p50)} / ${fmt(x.engine.p99)} ms (${fmt(x.engine.max)})`, "p50 ≤ 5, p99 ≤ 25 ms", met ? "met" : "NOT met"],
      [`  as the client sees it (polling GET): p50 / p99 (max)`, `${fmt(x.observed.p50)} / ${fmt(x.observed.p99)} ms (${fmt(x.observed.max)})`, "p50 ≤ 5, p99 ≤ 25 ms", x.observed.p50 <= 5 && x.observed.p99 <= 25 ? "met" : "NOT met"],
      [`  resume answered 202: p50 / p99; RESOLVED at the first GET after it`, `${fmt(x.answered.p50)} / ${fmt(x.answered.p99)} ms; ${x.resolvedAtFirstGet}/${x.count}`, "", ""],
    );
  }
  const d = r.delays;
  rows.push([
    `delay of ${DELAY_MS} ms, ${d.count} at once: fired late by p50 / p99 (max)`,
    `${fmt(d.p50)} / ${fmt(d.p99)} ms (${fmt(d.max)})`,
    "within 1 s",
    d.max <= 1000 ? "met" : "NOT met",
  ]);
  console.log(table(["measure", "hookflow", "goal", ""], rows));

  const round = (x) => `${fmt(x.okPerSec, 4)}/s (${x.non2xx} non-2xx) p50 ${x.p50} p99 ${x.p99} ms`;
  console.log(`\nper round: ${CONNECTIONS} connections ${many.map(round).join("; ")}`);
  console.log(`           1 connection ${one.map(round).join("; ")}`);
  const counted = [...many, ...one].map((x) => `${x.total} answered / ${x.listed} listed / ${x.resolved} RESOLVED, ${x.non2xx} non-2xx${x.non2xx ? ` (${Object.entries(x.statusCodes).filter(([code]) => !code.startsWith("2")).map(([code, n]) => `${n} × ${code}`).join(", ")})` : ""}, ${x.errors} errors, ${x.timeouts} timeouts`);
  console.log(`           executions: ${counted.join("; ")}`);
  console.log(`           ${CHAIN.toLocaleString("en-US")}-node chain sync ${cs.map((x) => fmt(x.wallMs)).join(", ")} ms (engine ${cs.map((x) => fmt(x.engineMs)).join(", ")}); async ${ca.map((x) => fmt(x.wallMs)).join(", ")} ms (engine ${ca.map((x) => fmt(x.engineMs)).join(", ")})`);
  console.log(
    `\nworkflow PUT of ${CHAIN.toLocaleString("en-US")} nodes: ${c.putSync.status} in ${fmt(c.putSync.ms)} ms (${fmt(c.putSync.bodyBytes / 1024)} KiB body); the request body limit is 16 MiB, ` +
      `the schema's node limit 5,000: a 5,001-node PUT (${fmt(c.over.bodyBytes / 1024)} KiB) answered ${c.over.status} ${c.over.answer.slice(0, 160)}`,
  );
  if (c.big) {
    console.log(
      c.big.failure
        ? `5,000-node chain: PUT ${c.big.put.status} in ${fmt(c.big.put.ms)} ms; execute FAILED: ${c.big.failure}`
        : `5,000-node chain, sync: PUT ${c.big.put.status} in ${fmt(c.big.put.ms)} ms (${fmt(c.big.put.bodyBytes / 1024)} KiB); execute → RESOLVED ${fmt(c.big.wallMs)} ms, ` +
            `engine ${fmt(c.big.engineMs)} ms (${fmt(5000 / (c.big.engineMs / 1000))} nodes/s), answer ${fmt(c.big.answerBytes / 1024)} KiB`,
    );
  }
  console.log(
    "resume latency, workerd clock = the execution's RESOLVED event `at` (workerd's Date.now(), whole ms) − the client's send time (same host clock): ±1 ms; " +
      "as the client sees it = from sending the resume to the answer of the first GET /executions/{id} showing RESOLVED, so it includes the 202 " +
      "(released only once the resume's writes are durable) and one GET round trip",
  );
  for (const x of [r.resumeSequential, r.resumeConcurrent]) {
    console.log(
      `resume ${x.label}: min ${fmt(x.engine.min)} ms by workerd's clock; the GET that saw RESOLVED took p50 ${fmt(x.lastGet.p50)} ms; ` +
        `at most ${x.maxPolls} GET(s) per execution (polling ${x.label === "at once" ? "every 5 ms after the first GET" : "back to back"})`,
    );
  }
  console.log(
    `\nworkerd RSS at start ${mb(r.memoryAtStart.rss)}, after the load runs ${mb(r.memoryAfterLoad.rss)}, at end ${mb(r.memoryAtEnd.rss)} (VmHWM ${mb(r.memoryAtEnd.hwm)}); ` +
      `every execution is its own Durable Object (a SQLite database) that stays on disk`,
  );
  if (r.getResets > 0) console.log(`note: ${r.getResets} GET(s) were retried after a reset connection`);
  const busy = Number(loadBefore.split(" ")[0]) > cpus().length / 2;
  console.log(
    `\nmachine: ${cpus().length} x ${cpus()[0]?.model}; load average before ${loadBefore}, after ${loadAverage()}` +
      (busy ? " — the machine was busy: numbers are pessimistic, re-run when it is idle" : "") + `; took ${fmt(elapsedS())} s`,
  );
  console.log("\n" + JSON.stringify(r));
}
