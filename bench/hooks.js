// `npm run bench:hooks`: hookflow under its production local runtime (`node scripts/start.js`: the built bundle
// on workerd serve) vs a Fastify 4 server on Node running the same Fireboom mutatingPreResolve hook natively.
// Same ~1 KB Fireboom body, 16 connections, autocannon as the load generator, loopback only, a warm-up then a
// timed run for each. Temp data dir; stops both servers by itself.
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { appLabel, appRootFor, fmt, freePort, QUIET_ENV, removeAppRoot, sleep, startProcess, table } from "./lib.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const CONNECTIONS = 16;
const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 3);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const HOOK_PATH = "operation/Todo/CreateOne/mutatingPreResolve";
const HOOK_SOURCE = `// bench: the Fireboom mutatingPreResolve of spec vector V3
export default function (ctx) {
  return { ...ctx.input, createdBy: ctx.user.userId };
}
`;

const dataDir = mkdtempSync(join(tmpdir(), "hookflow-bench-hooks-"));
// scripts/start.js rebuilds <its root>/dist; run it from a snapshot of HEAD (git archive) so the bench neither
// clobbers the dist/ other processes in the checkout use nor picks up half-edited files. BENCH_IN_PLACE=1 runs
// the checkout's own scripts/start.js instead; BENCH_APP_ROOT=<dir> a tree prepared by hand (bench/lib.js appRootFor).
const appRoot = appRootFor(root);
const servers = [];
const deadline = setTimeout(() => {
  console.error("bench:hooks: giving up after 150 s");
  void cleanup().then(() => process.exit(1));
}, 150_000);

async function cleanup() {
  clearTimeout(deadline);
  for (const server of servers) await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
  removeAppRoot(appRoot);
}

/** The Fireboom body of a mutatingPreResolve call (spec vector V3), padded to about 1 KB with input fields. */
function fireboomBody() {
  const body = {
    __wg: {
      user: {
        provider: "token", providerId: "auth.example.com", userId: "u_1", name: "Ada Lovelace", email: "ada@example.com",
        roles: ["user"], customClaims: { tenant: "t_1" }, rawAccessToken: "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1XzEifQ.sig",
      },
      clientRequest: {
        method: "POST",
        requestURI: "/operations/Todo/CreateOne",
        headers: {
          Accept: "application/json", Authorization: "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1XzEifQ.sig",
          "Content-Type": "application/json", "X-Request-Id": "3f1c2d7e-8a4b-4c1e-9b7a-2d5e6f708192",
        },
      },
    },
    input: { title: "hello", description: "", tags: ["inbox", "bench"], items: [] },
    cycleCounter: 1,
  };
  for (let i = 0; JSON.stringify(body).length < 1000; i++) body.input.items.push({ id: i, name: `step ${i}`, done: i % 2 === 0 });
  return JSON.stringify(body);
}

async function waitFor(check, ms, server) {
  const until = Date.now() + ms;
  for (;;) {
    if (server.exited) throw new Error(`the server exited:\n${server.output.slice(-3000)}`);
    if (await check().catch(() => false)) return;
    if (Date.now() > until) throw new Error(`not ready within ${ms} ms:\n${server.output.slice(-3000)}`);
    await sleep(200);
  }
}

function load(url, body, duration, method = "POST", connections = CONNECTIONS) {
  return new Promise((resolve, reject) => {
    autocannon(
      { url, method, connections, duration, body, headers: { "content-type": "application/json", "x-request-id": "3f1c2d7e-8a4b-4c1e-9b7a-2d5e6f708192" } },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

async function measure(name, url, body, connections = CONNECTIONS) {
  if (body === undefined) {
    process.stderr.write(`  ${name}: warm-up ${WARMUP_S} s, run ${DURATION_S} s\n`);
    await load(url, undefined, WARMUP_S, "GET");
    const r = await load(url, undefined, DURATION_S, "GET");
    return summary(name, r, 0);
  }
  // One checked request first: a bench of error replies would be meaningless.
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
  const reply = await res.json();
  if (res.status !== 200 || reply.input?.createdBy !== "u_1" || reply.hook !== "mutatingPreResolve") {
    throw new Error(`${name} answered ${res.status} ${JSON.stringify(reply)}`);
  }
  process.stderr.write(`  ${name}: warm-up ${WARMUP_S} s, run ${DURATION_S} s\n`);
  await load(url, body, WARMUP_S, "POST", connections);
  const r = await load(url, body, DURATION_S, "POST", connections);
  return summary(name, r, JSON.stringify(reply).length);
}

function summary(name, r, replyBytes) {
  return {
    name,
    reqPerSec: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    mean: r.latency.average,
    max: r.latency.max,
    total: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    replyBytes,
  };
}

const loadAverage = () => loadavg().map((l) => l.toFixed(2)).join(" ");
const loadBefore = loadAverage();
try {
  const body = fireboomBody();

  // (a) hookflow: node scripts/start.js (builds dist/ and serves it with workerd serve).
  const hfPort = await freePort();
  const token = `bench-${Math.random().toString(36).slice(2)}`;
  const hookflow = startProcess(process.execPath, [join(appRoot, "scripts/start.js")], {
    cwd: appRoot,
    env: { ...QUIET_ENV, PORT: String(hfPort), HOOKFLOW_DATA_DIR: dataDir, HOOKFLOW_ADMIN_TOKEN: token },
  });
  servers.push(hookflow);
  const hf = `http://127.0.0.1:${hfPort}`;
  await waitFor(async () => (await fetch(`${hf}/healthz`)).status === 200, 90_000, hookflow);
  const auth = { authorization: `Bearer ${token}` };
  const created = await fetch(`${hf}/v1/projects/bench`, { method: "PUT", headers: auth });
  const project = await created.json();
  if (!project.fireboomBaseUrl) throw new Error(`PUT /v1/projects/bench answered ${created.status} ${JSON.stringify(project)}`);
  const uploaded = await fetch(`${hf}/v1/projects/bench/scripts/${HOOK_PATH}`, {
    method: "PUT",
    headers: { ...auth, "content-type": "application/javascript" },
    body: HOOK_SOURCE,
  });
  if (uploaded.status !== 201 && uploaded.status !== 200) throw new Error(`script upload answered ${uploaded.status} ${await uploaded.text()}`);
  const hookUrl = `${project.fireboomBaseUrl.replace(/\/$/, "")}/operation/Todo/CreateOne/mutatingPreResolve`;
  const a = await measure("hookflow (npm start: workerd serve)", hookUrl, body);
  // One connection: the service time of one request, without queueing behind 15 others.
  const single = await measure("hookflow, 1 connection (service time)", hookUrl, body, 1);
  // The same runtime without the hook: what Hono + workerd serve alone reach on this machine.
  const health = await measure("hookflow GET /healthz (no hook, for reference)", `${hf}/healthz`, undefined);
  await hookflow.stop();

  // (b) Fastify 4 on Node, the same hook natively.
  const fPort = await freePort();
  const fastify = startProcess(process.execPath, [join(root, "bench/fastify-hooks.js")], { cwd: root, env: { ...process.env, PORT: String(fPort) } });
  servers.push(fastify);
  await waitFor(async () => fastify.output.includes("ready"), 20_000, fastify);
  const b = await measure("Fastify 4 on Node (native hook)", `http://127.0.0.1:${fPort}/operation/Todo/CreateOne/mutatingPreResolve`, body);

  console.log(`\nhookflow ${appLabel(root, appRoot)}; Fireboom mutatingPreResolve, ${body.length} B body, ${CONNECTIONS} connections, autocannon ${DURATION_S} s after ${WARMUP_S} s warm-up\n`);
  const row = (r) => [r.name, fmt(r.reqPerSec, 4), `${r.p50} ms`, `${r.p99} ms`, `${fmt(r.mean)} ms`, `${r.max} ms`, r.total, r.non2xx, r.errors];
  console.log(table(["server", "req/s", "p50", "p99", "mean", "max", "requests", "non-2xx", "errors"], [row(a), row(b), row(single), row(health)]));
  const ratio = a.reqPerSec / b.reqPerSec;
  console.log(`\nhookflow / fastify throughput: ${fmt(ratio)}x (goal >= 1.0x: ${ratio >= 1 ? "met" : "NOT met"})`);
  console.log(
    `hookflow service time per request (1 connection, 1 / req/s): ${fmt(1000 / single.reqPerSec)} ms; /healthz at 16 connections: ` +
      `${fmt(1000 / health.reqPerSec)} ms (autocannon records whole milliseconds, so sub-ms latencies read as 0-1 ms)`,
  );
  console.log(`hookflow p99: ${a.p99} ms (goal <= 10 ms: ${a.p99 <= 10 ? "met" : "NOT met"}); p99 ratio hookflow/fastify ${fmt(a.p99 / b.p99)}x`);
  console.log(`\nmachine: ${cpus().length} x ${cpus()[0]?.model}; load average before ${loadBefore}, after ${loadAverage()}` +
    (Number(loadBefore.split(" ")[0]) > cpus().length / 2 ? " — the machine was busy: numbers are pessimistic, re-run when it is idle" : ""));
  console.log("\n" + JSON.stringify({ hookflow: a, fastify: b, hookflowOneConnection: single, healthz: health }));
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await cleanup();
}
