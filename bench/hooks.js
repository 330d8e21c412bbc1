// `npm run bench:hooks`: hookflow's Fireboom hook path under its production local runtime (`node scripts/start.js`:
// the built bundle on workerd serve) against two peers running the same mutatingPreResolve hook:
//   - a sandboxed peer: Fastify 4 + quickjs-emscripten, a warm context per script (bench/fastify-sandboxed-hooks.js);
//   - native Fastify 4 on Node (bench/fastify-hooks.js);
// and hookflow once more in a project that records 1% of its successful hook calls (the cost of sampling).
// The ~1 KB Fireboom body with 20 tags, 16 connections, autocannon as the load generator on loopback. All servers
// run at once, pinned to core 1, the client on core 0 (where taskset allows); the servers take turns, several
// rounds, each round one run per server, and the ratios are medians over the rounds.
//
// BENCH_ROUNDS (default 3), BENCH_DURATION_S (default 5 per run), BENCH_WARMUP_S (default 3) shape the run.
import { cpus } from "node:os";
import { join } from "node:path";
import { appLabel, autocannonRun, benchSession, canPin, check, createBenchProject, fmt, freePort, httpClient, loadAverage, median, pinSelf, serverErrorSummary, startHookflow, startProcess, table, sleep, workerdVersionOf } from "./lib.js";

const root = new URL("..", import.meta.url).pathname;
const CONNECTIONS = 16;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 3);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);
const HOOK_PATH = "operation/Todo/CreateOne/mutatingPreResolve";
const HOOK_SOURCE = `// bench: the Fireboom mutatingPreResolve of spec vector V3
export default function (ctx) {
  return { ...ctx.input, createdBy: ctx.user.userId };
}
`;
const HEADERS = { "content-type": "application/json", "x-request-id": "3f1c2d7e-8a4b-4c1e-9b7a-2d5e6f708192" };

/** The Fireboom body of a mutatingPreResolve call (spec vector V3), padded to about 1 KB with input fields, and 20 tags. */
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
  for (let i = 0; i < 20; i++) body.input.tags.push(`tag-${i}`);
  return JSON.stringify(body);
}

/** A Fastify peer on core 1 (when pinned), ready once it prints "ready". */
async function startPeer(session, script, pin) {
  const port = await freePort();
  const args = [join(root, "bench", script)];
  const peer = pin ? startProcess("taskset", ["-c", "1", process.execPath, ...args], { cwd: root, env: { ...process.env, PORT: String(port) } }) : startProcess(process.execPath, args, { cwd: root, env: { ...process.env, PORT: String(port) } });
  session.processes.push(peer);
  for (const until = Date.now() + 20_000; !peer.output.includes("ready"); await sleep(100)) {
    if (peer.exited || Date.now() > until) throw new Error(`${script} did not start:\n${peer.output.slice(-2000)}`);
  }
  return port;
}

/** One checked request: a bench of error replies would be meaningless. */
async function checkReply(name, url, body) {
  const res = await fetch(url, { method: "POST", headers: HEADERS, body });
  const reply = await res.json();
  if (res.status !== 200 || reply.input?.createdBy !== "u_1" || reply.hook !== "mutatingPreResolve" || reply.input.tags.length !== 22) {
    throw new Error(`${name} answered ${res.status} ${JSON.stringify(reply)}`);
  }
}

async function main() {
  const session = benchSession("hooks", root, Number(process.env.BENCH_DEADLINE_S ?? 600));
  const pin = canPin();
  if (pin) pinSelf();
  try {
    const body = fireboomBody();
    const { server, port, adminToken } = await startHookflow({ appRoot: session.appRoot, dataDir: session.dataDir, pin, onProcess: (p) => session.processes.push(p) });
    const { call } = httpClient(() => port);
    const project = await createBenchProject(call, adminToken, "bench", { [HOOK_PATH]: HOOK_SOURCE });
    const hookKey = check(await call("POST", `/v1/projects/bench/hook-key`, { key: project.key }), [201], "hook key").json.hookKey;
    const hookflowUrl = `http://127.0.0.1:${port}/fireboom/bench/${hookKey}/${HOOK_PATH}`;
    // The same hook in a project that records 1% of its successful calls (issue 10: sampling at 1% costs <= 3%).
    const sampled = await createBenchProject(call, adminToken, "bench-sampled", { [HOOK_PATH]: HOOK_SOURCE });
    check(await call("PATCH", "/v1/projects/bench-sampled", { key: sampled.key, body: { invocations: { sampleRate: 0.01 } } }), [200], "sample rate");
    const sampledKey = check(await call("POST", `/v1/projects/bench-sampled/hook-key`, { key: sampled.key }), [201], "hook key").json.hookKey;
    const sampledUrl = `http://127.0.0.1:${port}/fireboom/bench-sampled/${sampledKey}/${HOOK_PATH}`;
    const healthUrl = `http://127.0.0.1:${port}/healthz`;
    const sandboxedUrl = `http://127.0.0.1:${await startPeer(session, "fastify-sandboxed-hooks.js", pin)}/${HOOK_PATH}`;
    const nativeUrl = `http://127.0.0.1:${await startPeer(session, "fastify-hooks.js", pin)}/${HOOK_PATH}`;
    for (const [name, url] of [["hookflow", hookflowUrl], ["hookflow, 1% recorded", sampledUrl], ["sandboxed peer", sandboxedUrl], ["native Fastify", nativeUrl]]) {
      await checkReply(name, url, body);
    }

    const targets = [
      { name: "hookflow", url: hookflowUrl, body },
      { name: "sandboxed peer (Fastify + QuickJS)", url: sandboxedUrl, body },
      { name: "native Fastify", url: nativeUrl, body },
      { name: "hookflow GET /healthz", url: healthUrl, method: "GET" },
      { name: "hookflow, 1% of calls recorded", url: sampledUrl, body },
    ];
    const run = (t, duration, connections = CONNECTIONS) =>
      autocannonRun({ url: t.url, method: t.method ?? "POST", body: t.body, headers: t.method === "GET" ? {} : HEADERS, connections, duration });
    for (const t of targets) {
      session.log(`warm-up ${t.name}, ${WARMUP_S} s`);
      await run(t, WARMUP_S);
    }
    const rounds = [];
    for (let r = 0; r < ROUNDS; r++) {
      const round = {};
      for (const t of targets) {
        session.log(`round ${r + 1}/${ROUNDS}: ${t.name}, ${DURATION_S} s`);
        round[t.name] = await run(t, DURATION_S);
      }
      rounds.push(round);
    }
    session.log("hookflow at 1 connection (service time)");
    const single = await run(targets[0], DURATION_S, 1);

    const [hf, sandboxed, native, health, recorded] = targets.map((t) => t.name);
    console.log(`\nbench:hooks: hookflow ${appLabel(root, session.appRoot)} (workerd ${workerdVersionOf(server)}); Fireboom mutatingPreResolve, ${body.length} B body,` +
      ` ${CONNECTIONS} connections, autocannon ${DURATION_S} s per run after ${WARMUP_S} s warm-up, ${ROUNDS} rounds${pin ? "; servers pinned to core 1, client to core 0" : ""}\n`);
    const rows = [];
    rounds.forEach((round, i) => {
      for (const name of Object.keys(round)) {
        const x = round[name];
        rows.push([i + 1, name, fmt(x.reqPerSec, 4), `${x.p50} ms`, `${x.p99} ms`, `${x.max} ms`, x.total, x.non2xx, x.errors + x.timeouts]);
      }
    });
    console.log(table(["round", "server", "req/s", "p50", "p99", "max", "requests", "non-2xx", "errors"], rows));
    const ratio = (a, b) => median(rounds.map((round) => round[a].reqPerSec / round[b].reqPerSec));
    const p99 = median(rounds.map((round) => round[hf].p99));
    const maxStall = Math.max(...rounds.map((round) => round[hf].max));
    const goal = (met) => (met ? "met" : "NOT met");
    console.log("\nmedians over the rounds:");
    console.log(table(["measure", "value", "goal", ""], [
      ["hookflow / sandboxed peer, req/s", `${fmt(ratio(hf, sandboxed))}x`, ">= 1.0x", goal(ratio(hf, sandboxed) >= 1)],
      ["hookflow / native Fastify, req/s", `${fmt(ratio(hf, native))}x`, ">= 0.3x", goal(ratio(hf, native) >= 0.3)],
      ["hookflow / its own /healthz, req/s", `${fmt(ratio(hf, health))}x`, "-", ""],
      ["hookflow recording 1% of calls / recording none, req/s", `${fmt(ratio(recorded, hf))}x`, ">= 0.97x", goal(ratio(recorded, hf) >= 0.97)],
      ["hookflow p99 at 16 connections", `${p99} ms`, "<= 15 ms", goal(p99 <= 15)],
      [`hookflow longest request in ${ROUNDS} x ${DURATION_S} s`, `${maxStall} ms`, "<= 50 ms", goal(maxStall <= 50)],
      ["hookflow service time (1 connection, 1 / req/s)", `${fmt(1000 / single.reqPerSec)} ms`, "-", ""],
    ]));
    console.log(`\nmachine: ${cpus().length} x ${cpus()[0]?.model}; load average at the end ${loadAverage()}`);
    const errors = serverErrorSummary(server, "hooks");
    if (errors) console.log(`\nserver log: ${errors}`);
    console.log("\n" + JSON.stringify({ rounds, single }));
  } finally {
    await session.cleanup();
  }
}

await main();
