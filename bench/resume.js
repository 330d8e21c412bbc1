// `npm run bench:resume`: resumes from outside on hookflow's production local runtime (`node scripts/start.js`: the
// built bundle on workerd serve), and Restate's awakeable resume side by side when it installs from npm.
//
//   1. resume latency through signed resume URLs (no API key), 100 runs waiting at once, resumed one at a time and
//      then 100 others all at once:
//      - NocoBase: a workflow `prompt` → `echo` (the scripts of test/fixtures/nocobase-instructions.ts); POST the
//        pending job's `jobs[].resumeUrl`; the next node persisted = the `job` event of `echo`
//      - bamboo: a pipeline start → C (component/callback_node of test/fixtures/bamboo-components.ts) → end; POST
//        C's `callback_url` with {"bit": 1}; the next node persisted = the end event's `node_finish` (an end event logs no node_enter)
//      measured three ways: by workerd's clock (the event's `at`, whole ms, − the client's send time, same host
//      clock), as an SSE client of the run's events route sees the event arrive (stream opened before the POST), and
//      as a client polling `GET …/events` back to back after the 202 sees it
//   2. correlated events into one project: `POST /v1/projects/{p}/events` with autocannon (distinct correlation
//      keys, nobody waiting: every event is kept), accepted events/s and latency; then the time from an event to
//      its waiter running: executions of `event` → `echo` each waiting on their own key, one event each, to the
//      `event` job's RESOLVED event (and the echo's)
//   3. Restate (@restatedev/restate-server + @restatedev/restate-sdk from npm, installed into BENCH_RESTATE_DIR,
//      never into this repo): a service that creates an awakeable, hands its id out, awaits it, then runs one
//      `ctx.run` step; 100 invocations waiting, resolved through the ingress one at a time and then all at once;
//      the ratios to hookflow's figures. Skipped (with the command and its error) when it does not install or run.
//
// Loopback only; a snapshot of HEAD (git archive); temp data dirs; a global deadline; stops what it started.
// workerd (and later Restate's server and service) pinned to core 1, this client (autocannon included) to core 0.
//
//   node bench/resume.js [--quick] [--no-restate]
//   --quick       one round, 3 s load runs (a smoke run)
//   --no-restate  skip Restate
//   env: BENCH_ROUNDS (3), BENCH_DURATION_S (10), BENCH_DEADLINE_S (900), BENCH_RESTATE_DIR
//        (~/.cache/hookflow-bench/restate), BENCH_PIN (1), BENCH_IN_PLACE=1, BENCH_APP_ROOT (see bench/lib.js)
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import http from "node:http";
import { cpus, homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  appLabel, benchSession, check, createBenchProject, serverErrorSummary, autocannonRun, canPin, cpuMs, fmt, freePort, httpClient, loadAverage, median, memory, percentile, pinSelf, sleep, sseStream,
  startHookflow, startProcess, table, wallNow, workerdVersionOf,
} from "./lib.js";
import { chain } from "./pipeline-trees.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const argv = process.argv.slice(2);
for (const a of argv) if (!["--quick", "--no-restate"].includes(a)) throw new Error(`unknown argument ${a} (usage: node bench/resume.js [--quick] [--no-restate])`);
const QUICK = argv.includes("--quick");
const ROUNDS = QUICK ? 1 : Number(process.env.BENCH_ROUNDS ?? 3);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? (QUICK ? 3 : 10));
const DEADLINE_S = Number(process.env.BENCH_DEADLINE_S ?? 900);
const RESTATE_DIR = process.env.BENCH_RESTATE_DIR ?? join(homedir(), ".cache/hookflow-bench/restate");
const RESTATE_SERVER = "@restatedev/restate-server@1.7.12";
const RESTATE_SDK = "@restatedev/restate-sdk@1.17.2";
const PIN = canPin();
const RUNS = 100;
const CONNECTIONS = 16;

/** The scripts of test/fixtures/nocobase-instructions.ts and test/fixtures/bamboo-components.ts the bench uses. */
const SCRIPTS = {
  "instruction/echo": `
    const get = (value, path) => path.split(".").reduce((v, k) => (v == null ? undefined : v[k]), value);
    export default {
      run(node, input) {
        const result = input == null ? undefined : input.result;
        return { status: JOB_STATUS.RESOLVED, result: node.config.path ? get(result, node.config.path) : result };
      },
    };`,
  "instruction/prompt": `
    export default {
      run() { return { status: JOB_STATUS.PENDING }; },
      resume(node, job) { return { ...job, status: JOB_STATUS.RESOLVED }; },
    };`,
  "component/callback_node": `export default {
  needSchedule: true,
  execute() {
    return true;
  },
  schedule(data, parentData, callbackData) {
    const present = callbackData !== null && typeof callbackData === "object" && Object.keys(callbackData).length > 0;
    return !(present && parseInt(callbackData.bit || 0, 10) === 0);
  },
};
`,
};

const EVENT_NAME = "bench.paid";
const WORKFLOWS = {
  prompt: { sync: false, trigger: { type: "manual" }, nodes: [{ key: "ask", type: "prompt" }, { key: "reply", type: "echo", upstream: "ask" }] },
  event: {
    sync: false,
    trigger: { type: "manual" },
    nodes: [
      { key: "wait", type: "event", config: { name: EVENT_NAME, correlationKey: "{{$context.key}}" } },
      { key: "reply", type: "echo", upstream: "wait" },
    ],
  },
};
const RESOLVED = 1;
const PENDING = 0;

const { dataDir, appRoot, processes, cleanup, elapsedS, log, remainingMs } = benchSession("resume", root, DEADLINE_S);
const stats = (xs) => ({ p50: percentile(xs, 50), p99: percentile(xs, 99), max: Math.max(...xs), min: Math.min(...xs), n: xs.length });

// ---------------------------------------------------------------------------------------------------------------
// hookflow client

let hfPort;
let server;
let workerdPid;
let adminToken;
const { call, withAgent, keepAlive, resets } = httpClient(() => hfPort);

async function project(name) {
  const p = await createBenchProject(call, adminToken, name, SCRIPTS);
  for (const [wf, def] of Object.entries(WORKFLOWS)) check(await call("PUT", `/v1/projects/${name}/workflows/${wf}`, { key: p.key, body: def }), [200, 201], `PUT workflow ${wf}`);
  return p;
}

/** The path (and query) of an absolute signed URL: the bench talks to the loopback port it started. */
const pathOf = (url) => {
  const u = new URL(url);
  return u.pathname + u.search;
};

/** Polls `probe(run)` for each run until it returns a value; run → value. */
async function waitAll(runs, probe, what) {
  const found = new Map();
  for (const until = performance.now() + 60_000; found.size < runs.length; ) {
    if (server.exited) throw new Error(`hookflow exited:\n${server.output.slice(-2000)}`);
    if (performance.now() > until) throw new Error(`${runs.length - found.size} of ${runs.length} runs never ${what}`);
    for (const run of runs) {
      if (found.has(run)) continue;
      const value = await probe(run);
      if (value !== undefined) found.set(run, value);
    }
    if (found.size < runs.length) await sleep(20);
  }
  await sleep(200); // let every run's drain and report settle
  return found;
}

/** `count` executions of workflow `wf` started at once, each waiting on its `nodeKey` job: [{id, resumeUrl, ctxKey}]. */
async function waitingExecutions(p, wf, nodeKey, count, tag) {
  const contexts = Array.from({ length: count }, (_, i) => ({ key: `${tag}-${i}` }));
  const started = await withAgent((agent) =>
    Promise.all(contexts.map((context) => call("POST", `/v1/projects/${p.name}/workflows/${wf}/execute`, { key: p.key, body: { context }, agent }))),
  );
  const runs = started.map((res, i) => ({ id: check(res, [202], `execute ${wf}`).json.execution.id, ctxKey: contexts[i].key }));
  const jobs = await waitAll(
    runs,
    async (run) => {
      const v = (await call("GET", `/v1/projects/${p.name}/executions/${run.id}`, { key: p.key })).json;
      const job = v?.jobs?.find((j) => j.nodeKey === nodeKey && j.status === PENDING);
      return v?.status === 0 && job?.resumeUrl !== undefined ? job : undefined;
    },
    `reached their pending ${nodeKey} job`,
  );
  return runs.map((run) => ({ ...run, resumeUrl: jobs.get(run).resumeUrl }));
}

/** `count` pipelines start → callback_node → end started at once, each waiting at its callback node: [{id, end, resumeUrl}]. */
async function waitingPipelines(p, count) {
  const shapes = Array.from({ length: count }, () => chain(["callback_node"]));
  await withAgent((agent) =>
    Promise.all(shapes.map(async (s) => check(await call("POST", `/v1/projects/${p.name}/pipelines`, { key: p.key, body: { pipeline: s.tree }, agent }), [201], "POST /pipelines"))),
  );
  const urls = await waitAll(
    shapes,
    async (s) => (await call("GET", `/v1/projects/${p.name}/pipelines/${s.tree.id}/nodes/${s.activities[0]}`, { key: p.key })).json?.callback_url,
    "offered a callback_url",
  );
  return shapes.map((s) => ({ id: s.tree.id, end: s.tree.end_event.id, resumeUrl: urls.get(s) }));
}

/**
 * One resume of `run`: `fire(agent)` POSTs it, `isNext(event)` tells the event that marks the next node persisted.
 * mode "sse": a stream of the run's events is opened (and answered) before the POST; the event's arrival on it is the
 * client's time. mode "poll": after the 202, `GET …/events` back to back (every `pollMs` if set) until it lists the event.
 */
async function resumeOne(p, eventsPath, fire, isNext, { mode, agent, pollMs = 0, stream }) {
  const sentAt = wallNow();
  const res = await fire(agent);
  const answeredAt = wallNow();
  check(res, [202], "resume POST");
  let event;
  let seenAt;
  if (mode === "sse") {
    ({ event, seenAt } = await stream.next);
  } else {
    for (const until = performance.now() + 30_000; ; ) {
      const page = check(await call("GET", `${eventsPath}?after=0&limit=1000`, { key: p.key, agent }), [200], "GET events").json;
      event = page.events.find(isNext);
      if (event !== undefined) {
        seenAt = wallNow();
        break;
      }
      if (performance.now() > until) throw new Error(`${eventsPath}: the next node's event did not come within 30 s`);
      if (pollMs > 0) await sleep(pollMs);
    }
  }
  return { engineMs: Date.parse(event.at) - sentAt, seenMs: seenAt - sentAt, answeredMs: answeredAt - sentAt, answer: res.json };
}

/** Opens an SSE stream of `eventsPath`; `next` resolves with the first event `isNext` accepts (30 s at most). */
async function openStream(p, eventsPath, isNext) {
  let resolveNext;
  let rejectNext;
  const next = new Promise((resolve, reject) => {
    resolveNext = resolve;
    rejectNext = reject;
  });
  let done = false;
  const seen = [];
  const stream = sseStream(hfPort, `${eventsPath}?after=0`, {
    key: p.key,
    onEvent: (event, receivedAt) => {
      seen.push(`${event.event_type}${event.data?.node_key ? `:${event.data.node_key}` : ""}${event.data?.status !== undefined ? `:${event.data.status}` : ""}`);
      if (!done && isNext(event)) {
        done = true;
        resolveNext({ event, seenAt: receivedAt });
      }
    },
  });
  await stream.ready;
  const timer = setTimeout(() => rejectNext(new Error(`${eventsPath}: the next node's event did not arrive on the stream within 60 s of opening it (it sent: ${seen.join(", ")})`)), 60_000);
  next.finally(() => clearTimeout(timer)).catch(() => {});
  return { next, close: stream.close };
}

/**
 * Resumes every entry ({eventsPath, fire, isNext}): one at a time (5 ms apart) or all at once; stats of the three
 * measures. For "sse" every stream is open before the first POST.
 */
async function resumeSet(p, label, entries, { mode, concurrent }) {
  log(`${label}: ${entries.length} ${concurrent ? "at once" : "one at a time"}, ${mode} …`);
  let results;
  const streams = mode === "sse" ? await Promise.all(entries.map((e) => openStream(p, e.eventsPath, e.isNext))) : [];
  if (mode === "sse") await sleep(200);
  try {
    results = await withAgent(async (agent) => {
      if (concurrent) return Promise.all(entries.map((e, i) => resumeOne(p, e.eventsPath, e.fire, e.isNext, { mode, agent, pollMs: 5, stream: streams[i] })));
      const out = [];
      for (const [i, e] of entries.entries()) {
        out.push(await resumeOne(p, e.eventsPath, e.fire, e.isNext, { mode, agent, stream: streams[i] }));
        await sleep(5);
      }
      return out;
    });
  } finally {
    for (const s of streams) s.close();
  }
  const pick = (k) => results.map((r) => r[k]);
  return { label, mode, concurrent, count: results.length, engine: stats(pick("engineMs")), seen: stats(pick("seenMs")), answered: stats(pick("answeredMs")), answers: pick("answer") };
}

// The three kinds of resume, as entries for resumeSet.
const nocobaseEntries = (p, runs) =>
  runs.map((run, i) => ({
    eventsPath: `/v1/projects/${p.name}/executions/${run.id}/events`,
    fire: (agent) => call("POST", pathOf(run.resumeUrl), { body: { result: { answer: i } }, agent }),
    isNext: (e) => e.event_type === "job" && e.data?.node_key === "reply",
  }));
const bambooEntries = (p, runs) =>
  runs.map((run) => ({
    eventsPath: `/v1/projects/${p.name}/pipelines/${run.id}/events`,
    fire: (agent) => call("POST", pathOf(run.resumeUrl), { body: { bit: 1 }, agent }),
    isNext: (e) => e.event_type === "node_finish" && e.data?.node_id === run.end,
  }));
const eventEntries = (p, runs) =>
  runs.map((run, i) => ({
    eventsPath: `/v1/projects/${p.name}/executions/${run.id}/events`,
    fire: (agent) => call("POST", `/v1/projects/${p.name}/events`, { key: p.key, body: { name: EVENT_NAME, correlationKey: run.ctxKey, payload: { i }, ttlSeconds: 600 }, agent }),
    isNext: (e) => e.event_type === "job" && e.data?.node_key === "wait" && e.data?.status === RESOLVED,
  }));

let tags = 0;
async function nocobaseRound(p, mode, concurrent) {
  const runs = await waitingExecutions(p, "prompt", "ask", RUNS, `n${++tags}`);
  return resumeSet(p, "NocoBase resume URL", nocobaseEntries(p, runs), { mode, concurrent });
}
async function bambooRound(p, mode, concurrent) {
  const runs = await waitingPipelines(p, RUNS);
  return resumeSet(p, "bamboo callback_url", bambooEntries(p, runs), { mode, concurrent });
}
async function eventRound(p, mode, concurrent) {
  const runs = await waitingExecutions(p, "event", "wait", RUNS, `e${++tags}`);
  const r = await resumeSet(p, "correlated event", eventEntries(p, runs), { mode, concurrent });
  r.delivered = r.answers.filter((a) => a?.delivered === true).length;
  return r;
}

let loadKeys = 0;
/** Events accepted per second: autocannon POSTs distinct correlation keys that nobody waits for (each is kept). */
async function eventLoad(p, connections, duration) {
  const cpu0 = cpuMs(workerdPid);
  const t0 = performance.now();
  const r = await autocannonRun({
    url: `http://127.0.0.1:${hfPort}/v1/projects/${p.name}/events`,
    connections,
    duration,
    headers: { "content-type": "application/json", authorization: `Bearer ${p.key}` },
    bodyOf: () => JSON.stringify({ name: "bench.load", correlationKey: `k-${++loadKeys}`, payload: { amount: 40, currency: "EUR" }, ttlSeconds: 600 }),
  });
  const wallMs = performance.now() - t0;
  const workerdCpuMs = cpuMs(workerdPid) - cpu0;
  return { ...r, okPerSec: (r.total - r.non2xx) / duration, workerdCpuMs, cpuPerEventMs: workerdCpuMs / Math.max(1, r.total), workerdBusy: workerdCpuMs / wallMs };
}

// ---------------------------------------------------------------------------------------------------------------
// Restate

const RESTATE_SERVICE_TS = `// bench: a Restate service whose handler waits on an awakeable, then runs one step (TypeScript, stripped by esbuild)
import * as restate from "@restatedev/restate-sdk";

// @restatedev/restate-sdk 1.17 calls Promise.withResolvers (Node >= 22); this machine runs Node 20.
(Promise as any).withResolvers ??= function <T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((a, b) => { resolve = a; reject = b; });
  return { promise, resolve, reject };
};

const hook = process.env.BENCH_HOOK as string;

const waiter = restate.service({
  name: "waiter",
  handlers: {
    wait: async (ctx: restate.Context, key: string): Promise<{ key: string; value: unknown; at: number }> => {
      const { id, promise } = ctx.awakeable<unknown>();
      // hand the awakeable's id out, as a run hands out its resume URL
      await ctx.run("publish", async () => {
        await (await fetch(hook, { method: "POST", body: JSON.stringify({ key, id }) })).text();
      });
      const value = await promise;
      // the next step: its start is when the waiter runs again; its result is journaled
      const at = await ctx.run("next", () => performance.timeOrigin + performance.now());
      return { key, value, at };
    },
  },
});

restate.serve({ services: [waiter], port: Number(process.env.PORT) });
`;

/** Installs Restate's server and SDK into RESTATE_DIR if they are not there: undefined, or why not (command + error). */
function installRestate() {
  const bin = join(RESTATE_DIR, "node_modules/@restatedev/restate-server-linux-x64/bin/restate-server");
  if (existsSync(bin) && existsSync(join(RESTATE_DIR, "node_modules/@restatedev/restate-sdk/package.json"))) return { bin };
  mkdirSync(RESTATE_DIR, { recursive: true });
  if (!existsSync(join(RESTATE_DIR, "package.json"))) writeFileSync(join(RESTATE_DIR, "package.json"), '{"name": "hookflow-bench-restate", "private": true}\n');
  const command = `npm install --prefix ${RESTATE_DIR} --no-audit --no-fund ${RESTATE_SERVER} ${RESTATE_SDK}`;
  log(`restate: ${command} …`);
  const r = spawnSync("npm", ["install", "--prefix", RESTATE_DIR, "--no-audit", "--no-fund", RESTATE_SERVER, RESTATE_SDK], { encoding: "utf8", timeout: 300_000 });
  if (r.status !== 0) return { failure: `\`${command}\` ended ${r.status ?? r.signal}: ${`${r.stderr}\n${r.stdout}`.trim().split("\n").slice(-5).join(" | ")}` };
  if (!existsSync(bin)) return { failure: `\`${command}\` installed no ${bin} (no linux-x64 binary package)` };
  return { bin };
}

async function restate() {
  if (argv.includes("--no-restate")) return { skipped: "--no-restate given" };
  if (remainingMs() < 120_000) return { skipped: "too little time left before the deadline" };
  const installed = installRestate();
  if (installed.failure) return { skipped: installed.failure };
  const version = spawnSync(installed.bin, ["--version"], { encoding: "utf8" });
  if (version.status !== 0) return { skipped: `\`${installed.bin} --version\` ended ${version.status ?? version.signal}: ${`${version.stderr}${version.error ?? ""}`.trim().slice(0, 300)}` };
  const sdkVersion = JSON.parse(readFileSync(join(RESTATE_DIR, "node_modules/@restatedev/restate-sdk/package.json"), "utf8")).version;

  // The service: TypeScript, stripped by the repo's esbuild, run by this Node with the SDK of RESTATE_DIR.
  const work = mkdtempSync(join(tmpdir(), "hookflow-bench-restate-"));
  const { transformSync } = await import("esbuild");
  writeFileSync(join(work, "service.ts"), RESTATE_SERVICE_TS);
  writeFileSync(join(work, "service.mjs"), transformSync(RESTATE_SERVICE_TS, { loader: "ts", format: "esm" }).code);
  symlinkSync(join(RESTATE_DIR, "node_modules"), join(work, "node_modules"));

  // The bench's receiver of awakeable ids.
  const waiting = new Map();
  const published = new Map();
  const hook = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      const { key, id } = JSON.parse(body);
      published.set(key, id);
      waiting.get(key)?.(id);
      res.end("ok");
    });
  });
  const hookPort = await freePort();
  await new Promise((r) => hook.listen(hookPort, "127.0.0.1", r));

  const [ingress, admin, fabric, pgsql, svcPort] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
  const env = {
    ...process.env,
    RESTATE_INGRESS__BIND_ADDRESS: `127.0.0.1:${ingress}`,
    RESTATE_ADMIN__BIND_ADDRESS: `127.0.0.1:${admin}`,
    RESTATE_BIND_ADDRESS: `127.0.0.1:${fabric}`,
    RESTATE_ADMIN__QUERY_ENGINE__PGSQL_BIND_ADDRESS: `127.0.0.1:${pgsql}`,
    RESTATE_LOG_FILTER: "warn",
  };
  const pinned = (cmd, args) => (PIN ? ["taskset", ["-c", "1", cmd, ...args]] : [cmd, args]);
  const serverArgs = ["--base-dir", join(work, "data"), "--listen-mode", "tcp", "--no-logo"];
  const restateServer = startProcess(...pinned(installed.bin, serverArgs), { cwd: work, env });
  processes.push(restateServer);
  const service = startProcess(...pinned(process.execPath, [join(work, "service.mjs")]), { cwd: work, env: { ...process.env, PORT: String(svcPort), BENCH_HOOK: `http://127.0.0.1:${hookPort}/`, RESTATE_LOGGING: "WARN" } });
  processes.push(service);
  const ing = `http://127.0.0.1:${ingress}`;
  try {
    for (const until = performance.now() + 60_000; ; await sleep(200)) {
      if (restateServer.exited) throw new Error(`restate-server exited: ${restateServer.output.slice(-1500)}`);
      if (service.exited) throw new Error(`the service exited: ${service.output.slice(-1500)}`);
      const ok = await fetch(`http://127.0.0.1:${admin}/health`).then((r) => r.ok).catch(() => false);
      if (ok) break;
      if (performance.now() > until) throw new Error(`restate-server not healthy within 60 s: ${restateServer.output.slice(-1500)}`);
    }
    let registered;
    for (const until = performance.now() + 30_000; ; await sleep(200)) {
      registered = await fetch(`http://127.0.0.1:${admin}/deployments`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ uri: `http://127.0.0.1:${svcPort}` }) })
        .then(async (r) => ({ status: r.status, text: await r.text() }))
        .catch((e) => ({ status: 0, text: e.message }));
      if (registered.status === 201 || registered.status === 200) break;
      if (performance.now() > until) throw new Error(`registering the service answered ${registered.status} ${registered.text.slice(0, 300)}`);
    }
    await sleep(500);

    // N invocations waiting on their awakeable: [{invocationId, awakeable}]
    const waitingInvocations = async (count, tag) => {
      const keys = Array.from({ length: count }, (_, i) => `${tag}-${i}`);
      const ids = keys.map((key) => new Promise((resolve) => (published.has(key) ? resolve(published.get(key)) : waiting.set(key, resolve))));
      const sent = await Promise.all(
        keys.map((key) => fetch(`${ing}/waiter/wait/send`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(key) }).then((r) => r.json())),
      );
      let timer;
      const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error("Restate: not every invocation published its awakeable within 60 s")), 60_000);
      });
      const awakeables = await Promise.race([Promise.all(ids), timeout]).finally(() => clearTimeout(timer));
      await sleep(200);
      return sent.map((s, i) => ({ invocationId: s.invocationId, awakeable: awakeables[i] }));
    };
    const agentFetch = (agent, method, url, body) =>
      new Promise((resolve, reject) => {
        const u = new URL(url);
        const data = body === undefined ? undefined : JSON.stringify(body);
        const req = http.request(
          { host: u.hostname, port: u.port, path: u.pathname, method, agent, headers: data === undefined ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(data) } },
          (res) => {
            let text = "";
            res.on("data", (c) => (text += c));
            res.on("end", () => resolve({ status: res.statusCode, text, at: wallNow() }));
          },
        );
        req.on("error", reject);
        req.end(data);
      });
    const round = async (label, concurrent, tag) => {
      log(`restate: ${RUNS} awakeables, ${label} …`);
      const invs = await waitingInvocations(RUNS, tag);
      // attach to each (the handler's answer) before resolving, as the SSE stream is opened before the POST
      const attachAgent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
      const attached = invs.map((inv) => agentFetch(attachAgent, "GET", `${ing}/restate/invocation/${inv.invocationId}/attach`));
      await sleep(300);
      const agent = new http.Agent({ keepAlive: true });
      const one = async (inv, i) => {
        const sentAt = wallNow();
        const res = await agentFetch(agent, "POST", `${ing}/restate/awakeables/${inv.awakeable}/resolve`, { i });
        if (res.status !== 202 && res.status !== 200) throw new Error(`Restate resolve answered ${res.status} ${res.text.slice(0, 300)}`);
        const done = await attached[i];
        const out = JSON.parse(done.text);
        return { engineMs: out.at - sentAt, seenMs: done.at - sentAt, answeredMs: res.at - sentAt };
      };
      let results;
      try {
        if (concurrent) results = await Promise.all(invs.map(one));
        else {
          results = [];
          for (const [i, inv] of invs.entries()) {
            results.push(await one(inv, i));
            await sleep(5);
          }
        }
      } finally {
        agent.destroy();
        attachAgent.destroy();
      }
      const pick = (k) => results.map((r) => r[k]);
      return { label, count: results.length, engine: stats(pick("engineMs")), seen: stats(pick("seenMs")), answered: stats(pick("answeredMs")) };
    };
    await round("warm-up", false, "warm");
    const sequential = [];
    for (let r = 0; r < ROUNDS; r++) sequential.push(await round("one at a time", false, `seq${r}`));
    const concurrent = await round("at once", true, "all");
    return { version: version.stdout.trim(), sdkVersion, sequential, concurrent };
  } catch (error) {
    return { skipped: `ran but failed: ${error.message}` };
  } finally {
    hook.close();
    await service.stop();
    await restateServer.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------

const loadBefore = loadAverage();
const results = {};
try {
  if (PIN) pinSelf();
  log(`hookflow: node scripts/start.js (build + workerd serve)${PIN ? ", pinned to core 1" : ""} …`);
  const started = await startHookflow({ appRoot, dataDir, pin: PIN, onProcess: (p) => processes.push(p) });
  ({ server, port: hfPort, adminToken, workerdPid } = started);
  results.memoryAtStart = memory(workerdPid);
  const p = await project("bench-resume");

  log("warm-up …");
  await nocobaseRound(p, "sse", false);
  await bambooRound(p, "sse", false);
  await eventRound(p, "sse", false);

  // 1: resume URLs, one at a time: SSE-observed and GET-observed sets alternate per round; then 100 at once.
  results.nocobase = { sse: [], poll: [] };
  results.bamboo = { sse: [], poll: [] };
  for (let r = 0; r < ROUNDS; r++) {
    for (const mode of r % 2 === 0 ? ["sse", "poll"] : ["poll", "sse"]) {
      results.nocobase[mode].push(await nocobaseRound(p, mode, false));
      results.bamboo[mode].push(await bambooRound(p, mode, false));
    }
  }
  results.nocobaseAtOnce = await nocobaseRound(p, "sse", true);
  results.bambooAtOnce = await bambooRound(p, "sse", true);

  // 2: correlated events: throughput (nobody waiting), then event → waiter.
  log(`events: warm-up 2 s at ${CONNECTIONS} connections …`);
  await eventLoad(p, CONNECTIONS, 2);
  results.eventLoad = { many: [], one: [] };
  for (let r = 0; r < ROUNDS; r++) {
    for (const connections of r % 2 === 0 ? [CONNECTIONS, 1] : [1, CONNECTIONS]) {
      log(`events: ${connections} connection(s), ${DURATION_S} s, round ${r + 1}/${ROUNDS} …`);
      (connections === 1 ? results.eventLoad.one : results.eventLoad.many).push(await eventLoad(p, connections, DURATION_S));
    }
  }
  results.events = [];
  for (let r = 0; r < ROUNDS; r++) results.events.push(await eventRound(p, "sse", false));
  results.eventsAtOnce = await eventRound(p, "sse", true);
  results.memoryAtEnd = memory(workerdPid);
  results.getResets = resets.get;
  keepAlive.destroy();
  await server.stop();
  results.serverErrorSample = serverErrorSummary(server, "resume");

  // 3: Restate, after hookflow is stopped so that the two never share the machine.
  results.restate = await restate();
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
    `\nhookflow ${appLabel(root, appRoot)} on npm start (workerd serve), ${ROUNDS} round(s), medians of the rounds' percentiles; Node ${process.version}, ` +
      `wrangler ${pkg.devDependencies.wrangler}, workerd ${workerdVersionOf(server)}, autocannon ${pkg.devDependencies.autocannon}` +
      `${PIN ? "; workerd (and later Restate) pinned to core 1, this client to core 0" : ""}\n`,
  );
  const med = (xs, k, q) => median(xs.map((x) => x[k][q]));
  const pp = (xs, k) => `${fmt(med(xs, k, "p50"))} / ${fmt(med(xs, k, "p99"))} ms (max ${fmt(Math.max(...xs.map((x) => x[k].max)))})`;
  const one = (x, k) => `${fmt(x[k].p50)} / ${fmt(x[k].p99)} ms (max ${fmt(x[k].max)})`;
  const goal = (p50, p99) => (p50 <= 5 && p99 <= 25 ? "met" : "NOT met");
  const rows = [];
  for (const [name, sets, atOnce] of [
    ["NocoBase resumeUrl → echo job persisted", r.nocobase, r.nocobaseAtOnce],
    ["bamboo callback_url → end node_finish", r.bamboo, r.bambooAtOnce],
  ]) {
    const all = [...sets.sse, ...sets.poll];
    rows.push(
      [`${name}, ${RUNS} waiting, one at a time: workerd clock p50 / p99`, pp(all, "engine"), "≤ 5 / ≤ 25 ms", goal(med(all, "engine", "p50"), med(all, "engine", "p99"))],
      [`  SSE client sees the event (stream open before the POST)`, pp(sets.sse, "seen"), "≤ 5 / ≤ 25 ms", goal(med(sets.sse, "seen", "p50"), med(sets.sse, "seen", "p99"))],
      [`  GET …/events polled back to back after the 202 shows it`, pp(sets.poll, "seen"), "", ""],
      [`  the POST answered 202`, pp(all, "answered"), "", ""],
      [`same, all ${RUNS} at once: workerd clock / SSE client`, `${one(atOnce, "engine")}; ${one(atOnce, "seen")}`, "(secondary)", ""],
      [`  the 202s`, one(atOnce, "answered"), "", ""],
    );
  }
  const { many, one: single } = r.eventLoad;
  const rate = median(many.map((x) => x.okPerSec));
  rows.push(
    [`correlated events accepted, ${CONNECTIONS} connections, distinct keys, nobody waiting`, `${fmt(rate, 4)}/s`, "", ""],
    [`  latency p50 / p99 (autocannon, whole ms); workerd CPU per event`, `${fmt(median(many.map((x) => x.p50)))} / ${fmt(median(many.map((x) => x.p99)))} ms; ${fmt(median(many.map((x) => x.cpuPerEventMs)))} ms`, "", ""],
    [`same, 1 connection`, `${fmt(median(single.map((x) => x.okPerSec)), 4)}/s; p50 / p99 ${fmt(median(single.map((x) => x.p50)))} / ${fmt(median(single.map((x) => x.p99)))} ms`, "", ""],
    [`event → its waiter's job RESOLVED, ${RUNS} waiting, one at a time: workerd clock`, pp(r.events, "engine"), "", ""],
    [`  SSE client sees it; the POST answered 202`, `${pp(r.events, "seen")}; ${pp(r.events, "answered")}`, "", ""],
    [`same, all ${RUNS} at once: workerd clock / SSE client`, `${one(r.eventsAtOnce, "engine")}; ${one(r.eventsAtOnce, "seen")}`, "", ""],
  );
  const rs = r.restate;
  const hasRestate = rs && rs.skipped === undefined;
  if (hasRestate) {
    const nb = [...r.nocobase.sse, ...r.nocobase.poll];
    rows.push(
      [`Restate ${rs.version} (SDK ${rs.sdkVersion}): awakeable resolve → next ctx.run starts, one at a time`, pp(rs.sequential, "engine"), "", ""],
      [`  the client's attach answers (handler done); resolve answered`, `${pp(rs.sequential, "seen")}; ${pp(rs.sequential, "answered")}`, "", ""],
      [`  all ${RUNS} at once: next step / attach`, `${one(rs.concurrent, "engine")}; ${one(rs.concurrent, "seen")}`, "", ""],
      [
        `Restate p50 / hookflow NocoBase p50 (>1: hookflow faster): engine side; client side (attach vs SSE)`,
        `${fmt(med(rs.sequential, "engine", "p50") / med(nb, "engine", "p50"))}x; ${fmt(med(rs.sequential, "seen", "p50") / med(r.nocobase.sse, "seen", "p50"))}x`,
        "",
        "",
      ],
      [
        `Restate p50 / hookflow bamboo p50: engine side; client side`,
        `${fmt(med(rs.sequential, "engine", "p50") / med([...r.bamboo.sse, ...r.bamboo.poll], "engine", "p50"))}x; ${fmt(med(rs.sequential, "seen", "p50") / med(r.bamboo.sse, "seen", "p50"))}x`,
        "",
        "",
      ],
      [`  100 at once, client side: Restate / NocoBase; Restate / bamboo`, `${fmt(rs.concurrent.seen.p50 / r.nocobaseAtOnce.seen.p50)}x; ${fmt(rs.concurrent.seen.p50 / r.bambooAtOnce.seen.p50)}x`, "", ""],
    );
  }
  console.log(table(["measure", "figure", "goal", ""], rows));
  const perRound = (sets, k) => sets.map((x) => `${fmt(x[k].p50)}/${fmt(x[k].p99)}`).join(", ");
  console.log(`\nper round (p50/p99 ms): NocoBase engine sse ${perRound(r.nocobase.sse, "engine")}, poll ${perRound(r.nocobase.poll, "engine")}; bamboo engine sse ${perRound(r.bamboo.sse, "engine")}, poll ${perRound(r.bamboo.poll, "engine")}; events ${perRound(r.events, "engine")}`);
  console.log(`events/s per round: ${CONNECTIONS} connections ${many.map((x) => `${fmt(x.okPerSec, 4)} (${x.non2xx} non-2xx, ${x.errors} errors; ${fmt(100 * x.workerdBusy)}% of a core)`).join(", ")}; 1 connection ${single.map((x) => fmt(x.okPerSec, 4)).join(", ")}`);
  console.log(`events delivered to a waiter at once (answer delivered: true): ${r.events.map((x) => x.delivered).join(", ")}, at once ${r.eventsAtOnce.delivered} (of ${RUNS} each)`);
  console.log(
    "workerd clock = the event's `at` (workerd's Date.now(), whole ms) − the client's send time (same host clock): ±1 ms; SSE = the client's clock when the " +
      "event's frame arrived on a stream opened before the POST; poll = the answer of the first GET …/events listing it.",
  );
  if (hasRestate) {
    console.log(
      "Restate: next step = the handler's Date.now() inside the ctx.run after the awakeable − the client's send time (same host clock); attach = the answer of " +
        "GET /restate/invocation/{id}/attach opened before the resolve (the handler's end, after that step's result is journaled).",
    );
  } else {
    console.log(`\nRestate skipped: ${rs?.skipped}`);
  }
  console.log(`\nworkerd RSS at start ${fmt(r.memoryAtStart.rss / 1024)} MiB, at end ${fmt(r.memoryAtEnd.rss / 1024)} MiB (VmHWM ${fmt(r.memoryAtEnd.hwm / 1024)} MiB)`);
  if (r.getResets > 0) console.log(`note: ${r.getResets} GET(s) were retried after a reset connection`);
  if (r.serverErrorSample) console.log(`\nthe server logged ${r.serverErrorSample}\n(a "Connection reset by peer" or "Broken pipe" on write is workerd writing to an SSE stream the bench has dropped)`);
  const busy = Number(loadBefore.split(" ")[0]) > cpus().length / 2;
  console.log(
    `\nmachine: ${cpus().length} x ${cpus()[0]?.model}; load average before ${loadBefore}, after ${loadAverage()}` +
      (busy ? " — the machine was busy: numbers are pessimistic, re-run when it is idle" : "") + `; took ${fmt(elapsedS())} s`,
  );
  const slim = JSON.parse(JSON.stringify(r, (k, v) => (k === "answers" ? undefined : v)));
  console.log("\n" + JSON.stringify(slim));
}
