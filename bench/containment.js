// npm run bench:containment: how well the sandbox's limits contain a runaway script.
//
// (a) The cost model's rates against this machine: each metered native built-in timed in QuickJS (the same wasm
//     build, in Node) per unit of its input, beside the rate sandbox/cost-model.ts charges.
// (b) Against `npm start` (a snapshot of HEAD, pinned to core 1 where taskset allows): each case of the adversarial
//     corpus (test/fixtures/containment-corpus.json) run through POST /invoke with the default limits, while a client
//     probes /healthz back to back. Printed: the code it ended with, its wall time against its budget, and the longest
//     wait of a probe meanwhile. Goal: both within 2x the budget, and no probe failing.
//
// BENCH_DEADLINE_S (default 900) bounds the run.
import http from "node:http";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import variant from "@jitl/quickjs-wasmfile-release-sync";
import { newQuickJSWASMModuleFromVariant } from "quickjs-emscripten-core";
import { appLabel, benchSession, canPin, check, createBenchProject, fmt, httpClient, loadAverage, msf, pinSelf, serverErrorSummary, startHookflow, table, workerdVersionOf } from "./lib.js";

const root = new URL("..", import.meta.url).pathname;
const corpus = JSON.parse(readFileSync(join(root, "test/fixtures/containment-corpus.json"), "utf8"));
const DEFAULT_CPU_MS = 50;

/** The rates of NATIVE_RATES in sandbox/cost-model.ts (read from the source: the bench runs plain Node). */
function modelRates() {
  const source = readFileSync(join(root, "sandbox/cost-model.ts"), "utf8");
  const block = source.slice(source.indexOf("export const NATIVE_RATES"), source.indexOf("} as const"));
  return Object.fromEntries([...block.matchAll(/^\s+(\w+): (\d+),/gm)].map(([, name, rate]) => [name, Number(rate)]));
}

/** Each rate's worst case, as QuickJS code and how many units one run of it is. */
const RATE_PROBES = {
  stringSearch: [`S.includes("ab")`, 1e7],
  stringReplace: [`S.replaceAll("a", "bb").length`, 1e7],
  stringSplit: [`SB.split(",").length`, 1e7],
  stringSplitChars: [`S.split("").length`, 1e7],
  stringBuild: [`"xy".repeat(5e6).length`, 1e7],
  stringCase: [`S.toUpperCase().length`, 1e7],
  stringNormalize: [`S.normalize("NFD").length`, 1e7],
  arrayJoin: [`A.join(",").length`, 1e6],
  arrayFill: [`new Array(1e6).fill(0).length`, 1e6],
  arraySort: [`A.slice().sort().length`, 1e6 * Math.log2(1e6)],
  arraySearch: [`A.indexOf(-1)`, 1e6],
  arrayCopy: [`A.concat(A).length`, 2e6],
  arrayIterate: [`A.map((x) => x).length`, 1e6],
  jsonParse: [`JSON.parse(J).length`, "J"],
  jsonStringify: [`JSON.stringify(JSON.parse(J)).length`, "J"],
};

async function measureRates() {
  const module = await newQuickJSWASMModuleFromVariant(variant);
  const runtime = module.newRuntime();
  runtime.setMemoryLimit(1024 * 1024 * 1024);
  const context = runtime.newContext();
  context.unwrapResult(
    context.evalCode(
      `globalThis.S = "a".repeat(1e7); globalThis.SB = "ab,".repeat(3333333); globalThis.A = Array.from({ length: 1e6 }, (_, i) => i);
       globalThis.J = JSON.stringify(Array.from({ length: 1e5 }, (_, i) => ({ id: i, t: "hello world" })));`,
    ),
  ).dispose();
  const jsonChars = context.unwrapResult(context.evalCode("J.length")).consume((h) => context.getNumber(h));
  const rows = {};
  for (const [name, [code, units]] of Object.entries(RATE_PROBES)) {
    const n = units === "J" ? jsonChars : units;
    let best = Infinity;
    for (let i = 0; i < 4; i++) {
      const started = performance.now();
      context.unwrapResult(context.evalCode(code)).dispose();
      best = Math.min(best, performance.now() - started);
    }
    rows[name] = (best * 1e6) / n;
  }
  context.dispose();
  runtime.dispose();
  return rows;
}

/** Probes /healthz back to back on its own connection until stop(); answers the longest wait and the failures. */
function probeHealth(port) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let running = true;
  let longest = 0;
  let failures = 0;
  let probes = 0;
  const one = () =>
    new Promise((resolve) => {
      const started = performance.now();
      const req = http.get({ host: "127.0.0.1", port, path: "/healthz", agent }, (res) => {
        res.resume();
        res.on("end", () => {
          if (res.statusCode !== 200) failures++;
          resolve(performance.now() - started);
        });
      });
      req.on("error", () => {
        failures++;
        resolve(performance.now() - started);
      });
    });
  const loop = (async () => {
    while (running) {
      longest = Math.max(longest, await one());
      probes++;
    }
  })();
  return async () => {
    running = false;
    await loop;
    agent.destroy();
    return { longest, failures, probes };
  };
}

/** A server that answers after 2 s: the far end of the slow-fetch case. */
function startSlowServer() {
  const server = http.createServer((req, res) => setTimeout(() => res.end("{}"), 2000));
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

async function main() {
  const session = benchSession("containment", root, Number(process.env.BENCH_DEADLINE_S ?? 900));
  const pin = canPin();
  if (pin) pinSelf();
  const slow = await startSlowServer();
  try {
    session.log("(a) timing the metered built-ins in QuickJS");
    const measured = await measureRates();
    const model = modelRates();
    console.log(`\n(a) the cost model's rates against this machine (the sandbox's QuickJS wasm, release-sync, in Node ${process.version}; best of 4)\n`);
    console.log(
      table(
        ["rate", "measured ns/unit", "charged ns/unit", "charged / measured"],
        Object.keys(RATE_PROBES).map((name) => [name, fmt(measured[name]), model[name], fmt(model[name] / measured[name])]),
      ),
    );

    session.log("(b) starting hookflow");
    const { server, port, adminToken } = await startHookflow({ appRoot: session.appRoot, dataDir: session.dataDir, pin, onProcess: (p) => session.processes.push(p) });
    const { call } = httpClient(() => port);
    const slowUrl = `http://127.0.0.1:${slow.address().port}/slow`;
    const cases = corpus.filter((c) => !c.hostCalls);
    // One project per distinct set of limits, each case its own script.
    const projects = new Map();
    for (const c of cases) {
      const limitsKey = JSON.stringify(c.limits ?? {});
      if (!projects.has(limitsKey)) {
        const name = `contain-${projects.size}`;
        const project = await createBenchProject(call, adminToken, name, {});
        if (c.limits) check(await call("PATCH", `/v1/projects/${name}`, { key: project.key, body: { limits: c.limits } }), [200], "PATCH limits");
        projects.set(limitsKey, project);
      }
      const project = projects.get(limitsKey);
      const source = `export const permissions = { net: ["127.0.0.1"] };
export default async (mode) => {
  if (mode !== "breach") return "fine";
  ${c.body.replaceAll("{{slowUrl}}", slowUrl)}
};`;
      check(await call("PUT", `/v1/projects/${project.name}/scripts/function/${c.name}`, { key: project.key, body: source, contentType: "application/javascript" }), [200, 201], `${c.name} upload`);
    }

    const rows = [];
    let met = 0;
    for (const c of cases) {
      const project = projects.get(JSON.stringify(c.limits ?? {}));
      const budget = c.code === "wall_clock_exceeded" ? c.limits.wallMs : (c.limits?.cpuMs ?? DEFAULT_CPU_MS);
      const stopProbes = probeHealth(port);
      await new Promise((r) => setTimeout(r, 20));
      const started = performance.now();
      const res = await call("POST", `/v1/projects/${project.name}/invoke`, { key: project.key, body: { path: `function/${c.name}`, args: ["breach"] } });
      const wall = performance.now() - started;
      const probes = await stopProbes();
      const next = await call("POST", `/v1/projects/${project.name}/invoke`, { key: project.key, body: { path: `function/${c.name}`, args: ["ok"] } });
      const code = res.json?.error?.code ?? (res.json?.ok ? "ok" : `HTTP ${res.status}`);
      const ok = code === c.code && next.json?.result === "fine" && wall <= 2 * budget && probes.longest <= 2 * budget && probes.failures === 0;
      if (ok) met++;
      rows.push([c.name, code, msf(wall), `${budget} ms`, fmt(wall / budget, 2), msf(probes.longest), probes.failures, res.json?.usage?.cpuMs ?? "-", ok ? "yes" : "NO"]);
      session.log(`${c.name}: ${code} in ${fmt(wall)} ms, longest probe ${fmt(probes.longest)} ms`);
    }
    console.log(`\n(b) each case against npm start (${appLabel(root, session.appRoot)}, workerd ${workerdVersionOf(server)}${pin ? ", pinned to core 1, client on core 0" : ""}; load ${loadAverage()})\n`);
    console.log(table(["case", "ended with", "wall time", "budget", "wall / budget", "longest /healthz wait", "probe failures", "usage.cpuMs", "within 2x"], rows));
    console.log(`\n${met} of ${cases.length} cases within 2x their budget, with no probe waiting longer or failing. Not run here: ${corpus.filter((c) => c.hostCalls).map((c) => c.name).join(", ")} (they need host calls the API does not give; the corpus test runs them).`);
    const errors = serverErrorSummary(server, "containment");
    if (errors) console.log(`\nserver log: ${errors}`);
  } finally {
    slow.close();
    await session.cleanup();
  }
}

await main();
