// Helpers shared by the bench drivers (Node side).
import { execFileSync, spawn, spawnSync } from "node:child_process";
import http from "node:http";
import { createServer } from "node:net";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";

export const QUIET_ENV = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" };

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `url` until it answers at all (any status), or throws after `ms`. */
export async function waitForHttp(url, ms, isDead = () => false) {
  const until = Date.now() + ms;
  for (;;) {
    if (isDead()) throw new Error(`the server exited before ${url} answered`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      return res.status;
    } catch {
      if (Date.now() > until) throw new Error(`${url} did not answer within ${ms} ms`);
      await sleep(100);
    }
  }
}

/** `wrangler deploy --dry-run` of `config` into `outdir`; returns the bundle's file names. */
export function bundle(root, config, outdir) {
  const result = spawnSync(join(root, "node_modules/.bin/wrangler"), ["deploy", "--dry-run", "--outdir", outdir, "--config", config], {
    cwd: root,
    env: QUIET_ENV,
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`wrangler failed:\n${result.stdout}\n${result.stderr}`);
  const files = readdirSync(outdir);
  const main = files.find((f) => /^[a-z-]+\.js$/.test(f));
  return {
    main,
    wasm: files.filter((f) => f.endsWith(".wasm")),
    // Modules of wrangler's Text rules (the formula.js bundle), emitted beside the main module with a hash prefix.
    text: files.filter((f) => f.endsWith(".js") && f !== main),
  };
}

/** Writes a workerd capnp config serving the bundle in `dir` on 127.0.0.1:port, with one SQLite DO namespace. */
export function writeWorkerdConfig(dir, { main, wasm, text: textModules }, port, { className, binding, compatibilityDate, flags }) {
  const modules = [
    `(name = "${main}", esModule = embed "${main}")`,
    ...wasm.map((w) => `(name = "${w}", wasm = embed "${w}")`),
    ...textModules.map((t) => `(name = "${t}", text = embed "${t}")`),
  ];
  const text = `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .bench), (name = "do-storage", disk = (path = "${join(dir, "do")}", writable = true)) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const bench :Workerd.Worker = (
  modules = [ ${modules.join(",\n    ")} ],
  compatibilityDate = "${compatibilityDate}",
  compatibilityFlags = [ ${flags.map((f) => `"${f}"`).join(", ")} ],
  bindings = [ (name = "${binding}", durableObjectNamespace = "${className}") ],
  durableObjectNamespaces = [ (className = "${className}", uniqueKey = "hookflow-bench-${className}", enableSql = true) ],
  durableObjectStorage = (localDisk = "do-storage"),
);
`;
  mkdirSync(join(dir, "do"), { recursive: true });
  const path = join(dir, "bench.capnp");
  writeFileSync(path, text);
  return path;
}

/** Starts a child process in its own process group; `stop()` kills that group only. */
export function startProcess(command, args, options) {
  const child = spawn(command, args, { ...options, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  let exited = false;
  child.on("exit", () => (exited = true));
  return {
    child,
    get output() {
      return output;
    },
    get exited() {
      return exited;
    },
    async stop() {
      if (exited) return;
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        return;
      }
      for (let i = 0; i < 30 && !exited; i++) await sleep(100);
      if (!exited) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {}
      }
    },
  };
}

export const fmt = (value, digits = 3) => (typeof value === "number" ? Number(value.toPrecision(digits)).toString() : String(value));
export const us = (ms) => `${fmt(ms * 1000)} µs`;
export const msf = (ms) => `${fmt(ms)} ms`;

export function table(headers, rows) {
  const cells = [headers, ...rows].map((r) => r.map(String));
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  return [line(cells[0]), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...cells.slice(1).map(line)].join("\n");
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
export const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
/** Wall-clock ms with sub-ms precision (the host clock workerd's `Date.now()` also reads). */
export const wallNow = () => performance.timeOrigin + performance.now();
export const loadAverage = () => loadavg().map((l) => l.toFixed(2)).join(" ");

// ---------------------------------------------------------------------------------------------------------------
// the hookflow tree a bench runs

const snapshots = new Set();

/**
 * The tree whose `scripts/start.js` a bench runs: a snapshot of HEAD (`git archive`, node_modules symlinked), so the
 * bench neither rebuilds the dist/ other processes in the checkout use nor runs half-edited files.
 * BENCH_IN_PLACE=1: the checkout itself. BENCH_APP_ROOT=<dir>: a tree prepared by hand (e.g. another commit's
 * `git worktree` with node_modules linked); it is left alone.
 */
export function appRootFor(root) {
  if (process.env.BENCH_APP_ROOT) return process.env.BENCH_APP_ROOT;
  if (process.env.BENCH_IN_PLACE === "1") return root;
  const dir = mkdtempSync(join(tmpdir(), "hookflow-bench-app-"));
  execFileSync("sh", ["-c", `git -C "${root}" archive HEAD | tar -x -C "${dir}"`]);
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
  snapshots.add(dir);
  return dir;
}

/** Removes `appRoot` if appRootFor made it. */
export function removeAppRoot(appRoot) {
  if (snapshots.delete(appRoot)) rmSync(appRoot, { recursive: true, force: true });
}

/**
 * What a hookflow bench owns while it runs: a temp data dir, the app tree (appRootFor), the processes it starts and
 * a deadline. cleanup() stops and removes them all; the deadline and SIGINT/SIGTERM call it too.
 */
export function benchSession(name, root, deadlineS) {
  const startedAt = performance.now();
  const dataDir = mkdtempSync(join(tmpdir(), `hookflow-bench-${name}-`));
  const appRoot = appRootFor(root);
  const processes = [];
  let cleaned = false;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    clearTimeout(deadline);
    for (const p of processes) await p.stop();
    rmSync(dataDir, { recursive: true, force: true });
    removeAppRoot(appRoot);
  };
  const deadline = setTimeout(() => {
    console.error(`bench:${name}: giving up after ${deadlineS} s (BENCH_DEADLINE_S)`);
    void cleanup().then(() => process.exit(1));
  }, deadlineS * 1000);
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => void cleanup().then(() => process.exit(130)));
  const elapsedS = () => (performance.now() - startedAt) / 1000;
  return {
    dataDir,
    appRoot,
    processes,
    cleanup,
    elapsedS,
    remainingMs: () => deadlineS * 1000 - (performance.now() - startedAt),
    log: (line) => process.stderr.write(`[${elapsedS().toFixed(0).padStart(4)} s] ${line}\n`),
  };
}

/** How a report names what ran. */
export function appLabel(root, appRoot) {
  if (snapshots.has(appRoot)) return `snapshot of HEAD ${execFileSync("git", ["-C", root, "rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim()}`;
  return appRoot === root ? "checkout" : `tree ${appRoot} (BENCH_APP_ROOT)`;
}

/** Whether to pin: workerd on core 1, the bench on core 0 (BENCH_PIN=0 turns it off; needs taskset and 2 cores). */
export const canPin = () => process.env.BENCH_PIN !== "0" && spawnSync("taskset", ["-V"]).status === 0 && cpus().length >= 2;

/** Pins this process (all its threads) to core 0. */
export const pinSelf = () => execFileSync("taskset", ["-a", "-p", "-c", "0", String(process.pid)], { stdio: "ignore" });

/**
 * `node scripts/start.js` of `appRoot` (build + workerd serve) on a free loopback port with a temp data dir and a
 * random admin token, pinned to core 1 if `pin`; resolves once /healthz answers 200 (throws with its output if it
 * exits or takes over `readyMs`). The caller stops `server`.
 */
export async function startHookflow({ appRoot, dataDir, pin, readyMs = 120_000, onProcess = () => {} }) {
  const port = await freePort();
  const adminToken = `bench-${Math.random().toString(36).slice(2)}`;
  const env = { ...QUIET_ENV, PORT: String(port), HOOKFLOW_DATA_DIR: dataDir, HOOKFLOW_ADMIN_TOKEN: adminToken };
  const startJs = join(appRoot, "scripts/start.js");
  const server = pin ? startProcess("taskset", ["-c", "1", process.execPath, startJs], { cwd: appRoot, env }) : startProcess(process.execPath, [startJs], { cwd: appRoot, env });
  onProcess(server);
  const base = `http://127.0.0.1:${port}`;
  for (const until = performance.now() + readyMs; ; ) {
    if (server.exited) throw new Error(`hookflow exited:\n${server.output.slice(-3000)}`);
    if ((await fetch(`${base}/healthz`).then((r) => r.status).catch(() => 0)) === 200) break;
    if (performance.now() > until) throw new Error(`hookflow not ready within ${readyMs / 1000} s:\n${server.output.slice(-3000)}`);
    await sleep(200);
  }
  const workerdPid = workerdOf(server.child.pid);
  return { server, port, base, adminToken, workerdPid };
}

/** The workerd version scripts/start.js printed in its ready line (read it late: the line may follow /healthz). */
export const workerdVersionOf = (server) => /\(workerd ([\d.]+)\)/.exec(server.output)?.[1] ?? "?";

// ---------------------------------------------------------------------------------------------------------------
// a small HTTP client

/** `res` when its status is one of `expected`, else an error naming `what` and the answer. */
export function check(res, expected, what) {
  if (!expected.includes(res.status)) throw new Error(`${what} answered ${res.status} ${res.text.slice(0, 400)}`);
  return res;
}

/** A new project (admin token) with `scripts` uploaded (path → source); its name and API key. */
export async function createBenchProject(call, adminToken, name, scripts) {
  const created = check(await call("PUT", `/v1/projects/${name}`, { key: adminToken }), [201], `PUT /v1/projects/${name}`);
  const key = created.json.apiKey;
  for (const [path, source] of Object.entries(scripts)) {
    check(await call("PUT", `/v1/projects/${name}/scripts/${path}`, { key, body: source, contentType: "application/javascript" }), [200, 201], `${path} upload`);
  }
  return { name, key };
}

/**
 * The distinct lines the server logged with "error" in them; when there are any, all its output is kept in
 * `<tmpdir>/hookflow-bench-<name>-server.log`. Answers a summary line, or undefined.
 */
export function serverErrorSummary(server, name) {
  const errors = [...new Set(server.output.split("\n").filter((line) => /error/i.test(line)))];
  if (errors.length === 0) return undefined;
  const logFile = join(tmpdir(), `hookflow-bench-${name}-server.log`);
  writeFileSync(logFile, server.output);
  return `${errors.length} distinct error line(s) (all its output: ${logFile}), e.g.:\n${errors.slice(0, 5).join("\n")}`;
}

/**
 * A client over node:http for `port()` (a function: benches learn the port after they define their helpers).
 * Each burst of concurrent requests should get its own agent (`withAgent`: fresh connections, closed after): under
 * load `workerd serve` closes a kept-alive connection whose next request it has not read within its pipeline timeout
 * (~5 s after the previous answer), and a POST sent on such a connection ends in ECONNRESET (seen as 16-35 of 100
 * concurrent POSTs on reused connections, 0 on fresh ones). `call` retries a GET on such a reset (counted in
 * `resets.get`). Answers are `{status, json, text}`. Without `key` no Authorization header is sent (signed links).
 */
export function httpClient(port) {
  const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const resets = { get: 0 };

  function request(method, path, { key, body, contentType = "application/json", agent = keepAlive, headers: extra = {} } = {}) {
    return new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
      const headers = { ...(key === undefined ? {} : { authorization: `Bearer ${key}` }), ...extra };
      if (data !== undefined) Object.assign(headers, { "content-type": contentType, "content-length": Buffer.byteLength(data) });
      const req = http.request({ host: "127.0.0.1", port: port(), method, path, agent, headers }, (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let json;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode, json, text });
        });
      });
      req.on("error", (error) => reject(Object.assign(error, { message: `${method} ${path}: ${error.message}${req.reusedSocket ? " (on a reused connection)" : ""}` })));
      req.end(data);
    });
  }

  async function call(method, path, options) {
    for (let attempt = 0; ; attempt++) {
      try {
        return await request(method, path, options);
      } catch (error) {
        if (method !== "GET" || attempt >= 2 || !["ECONNRESET", "EPIPE"].includes(error.code)) throw error;
        resets.get++;
      }
    }
  }

  /** Runs `fn(agent)` with a fresh keep-alive agent, destroyed after. */
  async function withAgent(fn, options = {}) {
    const agent = new http.Agent({ keepAlive: true, ...options });
    try {
      return await fn(agent);
    } finally {
      agent.destroy();
    }
  }

  return { request, call, withAgent, keepAlive, resets };
}

/**
 * A Server-Sent Events reader of `GET path` (`Accept: text/event-stream`) on its own connection. `ready` resolves once
 * the answer's headers are in (the server has read the log up to `after` and holds the next read open); each event's
 * parsed `data` is handed to `onEvent(data, receivedAt)` with the client's wall clock (wallNow) at its arrival;
 * `closed` resolves when the stream ends; `close()` drops it.
 */
export function sseStream(port, path, { key, onEvent }) {
  let req;
  let closedResolve;
  const closed = new Promise((r) => (closedResolve = r));
  const ready = new Promise((resolve, reject) => {
    req = http.request(
      { host: "127.0.0.1", port, method: "GET", path, agent: false, headers: { authorization: `Bearer ${key}`, accept: "text/event-stream" } },
      (res) => {
        if (res.statusCode !== 200) {
          let text = "";
          res.on("data", (c) => (text += c));
          res.on("end", () => reject(new Error(`SSE ${path} answered ${res.statusCode} ${text.slice(0, 300)}`)));
          return;
        }
        resolve();
        let buffer = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => {
          const receivedAt = wallNow();
          buffer += chunk;
          for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = frame.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n");
            if (data !== "") onEvent(JSON.parse(data), receivedAt);
          }
        });
        res.on("end", closedResolve);
        res.on("error", closedResolve);
      },
    );
    req.on("error", (error) => {
      closedResolve();
      reject(error);
    });
    req.end();
  });
  return { ready, closed, close: () => req.destroy() };
}

// ---------------------------------------------------------------------------------------------------------------
// workerd's process

/** The workerd child of scripts/start.js (pid `pid`), or undefined. */
export function workerdOf(pid) {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
    return children.map(Number).find((c) => readFileSync(`/proc/${c}/comm`, "utf8").includes("workerd"));
  } catch {
    return undefined;
  }
}

/** VmRSS and VmHWM of `pid`, kB. */
export function memory(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, "m").exec(text)?.[1]);
    return { rss: kb("VmRSS"), hwm: kb("VmHWM") };
  } catch {
    return { rss: undefined, hwm: undefined };
  }
}

/** CPU time `pid` has used (user + system), ms, from /proc/<pid>/stat (clock ticks of 10 ms). */
export function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /, "").split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// load

/**
 * One autocannon run (autocannon is a devDependency; imported here only when used). Its latency figures are per
 * request, in whole milliseconds (it rounds), so they are only meaningful above a few ms; `mean` should agree with
 * connections / req/s (Little's law) when the client itself is not the bottleneck.
 */
export async function autocannonRun({ url, method = "POST", connections, duration, body, headers = {}, bodyOf }) {
  const { default: autocannon } = await import("autocannon");
  // bodyOf: a function giving each request its own body (autocannon 8's own `idReplacement` completed no request
  // here: its Content-Length counts 27 more bytes per `[<id>]` where its 24-character ids add 18, so the server
  // waits for body bytes that never come).
  const perRequest = bodyOf === undefined ? {} : { requests: [{ method, headers, setupRequest: (req) => ({ ...req, body: bodyOf() }) }] };
  const r = await new Promise((resolve, reject) => {
    autocannon({ url, method, connections, duration, body, headers, ...perRequest }, (error, result) => (error ? reject(error) : resolve(result)));
  });
  return {
    connections,
    durationS: duration,
    reqPerSec: r.requests.average,
    p50: r.latency.p50,
    p90: r.latency.p90,
    p99: r.latency.p99,
    mean: r.latency.average,
    max: r.latency.max,
    total: r.requests.total,
    non2xx: r.non2xx,
    statusCodes: Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([code, v]) => [code, v.count])),
    errors: r.errors,
    timeouts: r.timeouts,
  };
}
