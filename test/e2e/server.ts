/**
 * The e2e harness: runs the real production-mode runtime (`node scripts/start.js`, i.e. workerd serving the built
 * bundle) as a child process, and talks to it over real HTTP.
 *
 *   const server = await startServer();          // fresh temp data dir, known admin token, free port
 *   await fetch(`${server.url}/healthz`);
 *   await server.restart();                      // same data dir and port: state must survive
 *   await server.stop();                         // kills the whole process group (no orphan workerd)
 *
 * The bundle is built at most once per run (ensureBuilt: only when dist/ is older than the sources); servers then
 * start with --no-build.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { jsonRequest, type Reply, type RequestOptions } from "../fixtures/http";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const QUIET_ENV = { CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" };
const READY_TIMEOUT_MS = 90_000;

export interface StartOptions {
  /** Where the runtime keeps its state; a fresh temp dir (removed by stop()) when omitted. */
  readonly dataDir?: string;
  /** The admin token; a random one when omitted. */
  readonly adminToken?: string;
  /** Extra environment for the server process. */
  readonly env?: Record<string, string>;
}

export interface Server {
  /** e.g. http://127.0.0.1:41234 (no trailing slash) */
  readonly url: string;
  readonly adminToken: string;
  readonly dataDir: string;
  /** Everything the server printed so far (stdout and stderr), for failure messages. */
  output(): string;
  /** Stops the server (and workerd). Removes the data dir if the harness created it. Safe to call twice. */
  stop(): Promise<void>;
  /** Stops and starts again on the same data dir, port and token. */
  restart(): Promise<void>;
  /** Kills the server and workerd at once (SIGKILL, no shutdown), then starts again on the same data dir. */
  crashAndRestart(): Promise<void>;
}

let built = false;

/**
 * Builds dist/ with `wrangler deploy --dry-run` unless it is newer than every source file, so one vitest run
 * builds once however many e2e files start servers. Test files run in parallel workers: a lock directory
 * makes the others wait for the one that builds.
 */
export async function ensureBuilt(): Promise<void> {
  if (built) return;
  const lock = join(tmpdir(), `hookflow-build-${createHash("sha256").update(ROOT).digest("hex").slice(0, 12)}.lock`);
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Someone else is building (or crashed while building: a lock older than 3 minutes is stale).
      try {
        if (Date.now() - statSync(lock).mtimeMs > 180_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        // released meanwhile
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    if (!bundleIsFresh()) {
      const result = spawnSync(join(ROOT, "node_modules", ".bin", "wrangler"), ["deploy", "--dry-run", "--outdir", "dist"], {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, ...QUIET_ENV },
      });
      if (result.status !== 0) throw new Error(`wrangler deploy --dry-run failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
    }
    built = true;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function bundleIsFresh(): boolean {
  let bundled: number;
  try {
    bundled = statSync(join(ROOT, "dist", "index.js")).mtimeMs;
  } catch {
    return false;
  }
  const newest = (path: string): number => {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      return 0;
    }
    if (!stat.isDirectory()) return /\.test\.ts$/.test(path) ? 0 : stat.mtimeMs;
    return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
  };
  const sources = ["worker", "sandbox", "durable", "engine", "metrics", "console", "wrangler.toml", "package.json", "package-lock.json"];
  return sources.every((source) => newest(join(ROOT, source)) < bundled);
}

/** The TCP port a listening server got (e.g. after listen(0)). */
export function listeningPort(server: { address(): AddressInfo | string | null }): number {
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error(`not listening on a TCP port: ${String(address)}`);
  return address.port;
}

/** A port nobody listens on right now: listen on port 0, note the port, close. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

export async function startServer(options: StartOptions = {}): Promise<Server> {
  await ensureBuilt();
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "hookflow-e2e-"));
  const adminToken = options.adminToken ?? randomBytes(24).toString("base64url");
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let log = "";
  let child: ChildProcess | undefined;

  async function launch(): Promise<void> {
    const proc = spawn(process.execPath, [join(ROOT, "scripts", "start.js"), "--no-build"], {
      cwd: ROOT,
      // Its own process group, so stop() reaches workerd too.
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...QUIET_ENV, ...options.env, PORT: String(port), HOOKFLOW_DATA_DIR: dataDir, HOOKFLOW_ADMIN_TOKEN: adminToken },
    });
    child = proc;
    proc.stdout!.on("data", (chunk) => (log += chunk));
    proc.stderr!.on("data", (chunk) => (log += chunk));
    const exited = new Promise<never>((_, reject) =>
      proc.once("exit", (code, signal) => reject(new Error(`server exited (${code ?? signal}) before it was ready:\n${log}`))),
    );
    exited.catch(() => {});
    await Promise.race([waitForHealth(url), exited]);
  }

  async function kill(): Promise<void> {
    const proc = child;
    child = undefined;
    if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
    const gone = new Promise<void>((done) => proc.once("exit", () => done()));
    killGroup(proc.pid!, "SIGKILL");
    await gone;
  }

  async function halt(): Promise<void> {
    const proc = child;
    child = undefined;
    if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
    const gone = new Promise<void>((done) => proc.once("exit", () => done()));
    killGroup(proc.pid!, "SIGTERM");
    const timer = setTimeout(() => killGroup(proc.pid!, "SIGKILL"), 10_000);
    await gone;
    clearTimeout(timer);
    // start.js has exited; make sure nothing of its group (workerd) is left either.
    killGroup(proc.pid!, "SIGKILL");
  }

  try {
    await launch();
  } catch (error) {
    await halt();
    if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  live.add(halt);

  return {
    url,
    adminToken,
    dataDir,
    output: () => log,
    async stop() {
      await halt();
      live.delete(halt);
      if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
    async restart() {
      await halt();
      await launch();
    },
    async crashAndRestart() {
      await kill();
      await launch();
    },
  };
}

async function waitForHealth(url: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url}/healthz did not answer 200 within ${READY_TIMEOUT_MS / 1000} s`);
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Servers still running; killed if the test process exits without stopping them. */
const live = new Set<() => Promise<void>>();
process.once("exit", () => {
  for (const halt of live) void halt();
});

export type { Reply } from "../fixtures/http";

/** One HTTP request to a running server; JSON in and out, a `script` body is sent as application/javascript. */
export function request<T = any>(server: Pick<Server, "url" | "adminToken">, method: string, path: string, options: RequestOptions = {}): Promise<Reply<T>> {
  return jsonRequest<T>(fetch, method, `${server.url}${path}`, server.adminToken, options);
}

/**
 * Creates the project `<prefix>-<time>` and stores `scripts` (path → source) in it; returns its name and API key.
 * Throws unless every PUT answers 201.
 */
export async function createProject(
  server: Pick<Server, "url" | "adminToken">,
  prefix: string,
  scripts: Readonly<Record<string, string>> = {},
): Promise<{ project: string; token: string }> {
  const project = `${prefix}-${Date.now().toString(36)}`;
  const created = await request(server, "PUT", `/v1/projects/${project}`);
  if (created.status !== 201) throw new Error(`PUT /v1/projects/${project}: ${created.status} ${JSON.stringify(created.body)}`);
  const token: string = created.body.apiKey;
  for (const [path, script] of Object.entries(scripts)) {
    const stored = await request(server, "PUT", `/v1/projects/${project}/scripts/${path}`, { token, script });
    if (stored.status !== 201) throw new Error(`PUT script ${path}: ${stored.status} ${JSON.stringify(stored.body)}`);
  }
  return { project, token };
}

/**
 * Polls `get` until it answers 200 with a body `done` accepts, and returns that body. A failed request (the server
 * is between a kill and its restart) counts as not done. After timeoutMs, fails naming `what` (e.g. "run r1"),
 * with the last body and the end of the server's output.
 */
export async function pollUntil<T = any>(
  server: Pick<Server, "output">,
  what: string,
  get: () => Promise<Reply<T>>,
  done: (body: T) => boolean,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const reply = await get();
      last = reply.body;
      if (reply.status === 200 && done(reply.body)) return reply.body;
    } catch {
      // not answering right now
    }
    if (Date.now() > deadline) throw new Error(`${what}: not done after ${timeoutMs / 1000} s; last body: ${JSON.stringify(last)}\n${server.output().slice(-4000)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface StubRequest {
  readonly method: string;
  /** path and query, e.g. /operations/Todo/GetOne?x=1 */
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface StubReply {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  /** a string is sent as is; anything else as JSON */
  readonly body?: unknown;
}

export interface Stub {
  /** e.g. http://127.0.0.1:41235 */
  readonly url: string;
  /** every request received so far */
  readonly requests: StubRequest[];
  close(): Promise<void>;
}

/**
 * A plain HTTP server on 127.0.0.1 (a free port), e.g. a stand-in for Fireboom's internal API: the runtime's
 * outbound fetch may reach loopback.
 */
export async function startStub(respond: (request: StubRequest) => StubReply | Promise<StubReply>): Promise<Stub> {
  const requests: StubRequest[] = [];
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", async () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) headers[name] = Array.isArray(value) ? value.join(", ") : String(value);
      const request = { method: req.method ?? "GET", url: req.url ?? "/", headers, body: Buffer.concat(chunks).toString("utf8") };
      requests.push(request);
      try {
        const reply = await respond(request);
        const text = typeof reply.body === "string" ? reply.body : reply.body === undefined ? "" : JSON.stringify(reply.body);
        const type = typeof reply.body === "string" || reply.body === undefined ? {} : { "content-type": "application/json" };
        res.writeHead(reply.status ?? 200, { ...type, ...reply.headers });
        res.end(text);
      } catch (error) {
        res.writeHead(500, { "content-type": "text/plain" });
        res.end(String(error));
      }
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return {
    url: `http://127.0.0.1:${listeningPort(server)}`,
    requests,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections?.();
        server.close(() => done());
      }),
  };
}
