// Helpers shared by the bench drivers (Node side).
import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
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
  return {
    main: files.find((f) => f.endsWith(".js")),
    wasm: files.filter((f) => f.endsWith(".wasm")),
  };
}

/** Writes a workerd capnp config serving the bundle in `dir` on 127.0.0.1:port, with one SQLite DO namespace. */
export function writeWorkerdConfig(dir, { main, wasm }, port, { className, binding, compatibilityDate, flags }) {
  const modules = [`(name = "${main}", esModule = embed "${main}")`, ...wasm.map((w) => `(name = "${w}", wasm = embed "${w}")`)];
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
