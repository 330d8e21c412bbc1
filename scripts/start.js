#!/usr/bin/env node
// `npm start`: the production-mode local runtime.
//
// Builds the Worker bundle exactly as `wrangler deploy` would (`wrangler deploy --dry-run --outdir dist`), then
// serves it with `workerd serve` (the workerd that wrangler itself depends on) from a generated config: the
// ProjectRegistry Durable Object is SQLite-backed and persisted on local disk, so state survives restarts.
// Not `wrangler dev`, not Miniflare: raw workerd serves the same bundle several times faster (spec/platform.md).
//
//   node scripts/start.js [--no-build]
//   PORT (8787), HOOKFLOW_ADMIN_TOKEN (else generated once and kept in the data dir),
//   HOOKFLOW_DATA_DIR (./.hookflow): config, admin token and Durable Object storage.
//   HOOKFLOW_INSPECTOR (unset): host:port for workerd's V8 inspector, to attach DevTools or a CPU profiler.

import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const DIST = join(ROOT, "dist");
const HOST = "127.0.0.1";
const READY_TIMEOUT_MS = 60_000;
/** Keep wrangler and workerd off the network: there is none here, and nothing they fetch is needed. */
const QUIET_ENV = { CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" };

const startedAt = performance.now();
const args = new Set(process.argv.slice(2));
for (const arg of args) {
  if (arg !== "--no-build") fail(`unknown argument ${arg} (usage: node scripts/start.js [--no-build])`);
}

const port = parsePort(process.env.PORT ?? "8787");
const dataDir = resolve(process.env.HOOKFLOW_DATA_DIR || join(ROOT, ".hookflow"));
mkdirSync(dataDir, { recursive: true });

const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
const wrangler = parseWranglerToml(readFileSync(join(ROOT, "wrangler.toml"), "utf8"));

if (args.has("--no-build") && existsSync(join(DIST, "index.js"))) {
  log(`using the existing bundle in ${relative(process.cwd(), DIST) || "."}/ (--no-build)`);
} else {
  build();
}

const { token: adminToken, source: tokenSource } = adminTokenFor(dataDir);
const configPath = writeConfig();
const workerd = workerdBinary();

const inspector = process.env.HOOKFLOW_INSPECTOR ? [`--inspector-addr=${process.env.HOOKFLOW_INSPECTOR}`] : [];
const child = spawn(workerd.path, ["serve", configPath, ...inspector], {
  cwd: ROOT,
  stdio: ["ignore", "inherit", "inherit"],
  env: { ...process.env, ...QUIET_ENV, HOOKFLOW_ADMIN_TOKEN: adminToken },
});
let exited = false;
let shuttingDown = false;
child.on("error", (error) => fail(`could not start workerd (${workerd.path}): ${error.message}`));
child.on("exit", (code, signal) => {
  exited = true;
  if (signal) process.exit(shuttingDown ? 0 : 128 + signalNumber(signal));
  process.exit(code ?? 1);
});
// If this process goes away for any reason, workerd goes with it.
process.on("exit", () => {
  if (!exited) child.kill("SIGKILL");
});

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    shuttingDown = true;
    if (!exited) child.kill(signal);
  });
}

// Under `npm start`, a SIGTERM to npm kills only its `sh -c` child and leaves this process orphaned (and workerd
// with it). Notice being orphaned and shut down as if signalled.
if (process.env.npm_lifecycle_event) {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent && !shuttingDown) {
      shuttingDown = true;
      log("npm went away; stopping workerd");
      if (!exited) child.kill("SIGTERM");
    }
  }, 500).unref();
}

await waitUntilReady();
const url = `http://${HOST}:${port}`;
log(`hookflow ${pkg.version} ready at ${url} in ${Math.round(performance.now() - startedAt)} ms (workerd ${workerd.version})`);
log(`admin token (${tokenSource}): ${adminToken}`);
log(`data: ${dataDir}`);
log(`try: curl -H "Authorization: Bearer $TOKEN" -X PUT ${url}/v1/projects/demo`);

// ---------------------------------------------------------------------------------------------------------------

function build() {
  const bin = join(ROOT, "node_modules", ".bin", process.platform === "win32" ? "wrangler.cmd" : "wrangler");
  if (!existsSync(bin)) fail(`wrangler is not installed (${bin}); run npm install first`);
  // Build beside dist/ and swap it in, so a failed build keeps the old bundle and nobody sees a half-written one.
  const partial = `${DIST}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  const t0 = performance.now();
  const result = spawnSync(bin, ["deploy", "--dry-run", "--outdir", partial], {
    cwd: ROOT,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...QUIET_ENV, CI: process.env.CI ?? "true" },
  });
  if (result.status !== 0 || !existsSync(join(partial, "index.js"))) {
    rmSync(partial, { recursive: true, force: true });
    process.stderr.write(result.stdout ?? "");
    process.stderr.write(result.stderr ?? "");
    fail(`build failed: wrangler deploy --dry-run exited with ${result.status ?? result.signal}`);
  }
  rmSync(DIST, { recursive: true, force: true });
  renameSync(partial, DIST);
  const size = /Total Upload: ([^\n]+)/.exec(result.stdout)?.[1]?.trim();
  log(`built dist/ in ${Math.round(performance.now() - t0)} ms${size ? ` (${size})` : ""}`);
}

function adminTokenFor(dir) {
  const fromEnv = process.env.HOOKFLOW_ADMIN_TOKEN;
  if (fromEnv) return { token: fromEnv, source: "from $HOOKFLOW_ADMIN_TOKEN" };
  const file = join(dir, "admin-token");
  if (existsSync(file)) {
    const kept = readFileSync(file, "utf8").trim();
    if (kept) return { token: kept, source: `kept in ${file}` };
  }
  const token = randomBytes(32).toString("base64url");
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return { token, source: `generated, kept in ${file}` };
}

/**
 * The file names wrangler.toml's Text rules attach as text modules (e.g. the formula.js bundle): wrangler names each
 * `<hash>-<basename>`, so a rule's glob basename identifies them. The rules are simple enough to read with a pattern.
 */
function textRuleBasenames() {
  const toml = readFileSync(join(ROOT, "wrangler.toml"), "utf8");
  const names = [];
  for (const rule of toml.split("[[rules]]").slice(1)) {
    if (!/^\s*type\s*=\s*"Text"/m.test(rule)) continue;
    const globs = /^\s*globs\s*=\s*\[([^\]]*)\]/m.exec(rule)?.[1] ?? "";
    for (const [, glob] of globs.matchAll(/"([^"]+)"/g)) names.push(glob.split("/").pop());
  }
  return names;
}

/** The bundle's modules: the entry first (workerd takes the first module as the main one). */
function bundleModules() {
  const files = readdirSync(DIST).sort((a, b) => (a === "index.js" ? -1 : b === "index.js" ? 1 : a.localeCompare(b)));
  const texts = textRuleBasenames();
  const modules = [];
  for (const name of files) {
    if (name !== "index.js" && texts.some((basename) => name.endsWith(`-${basename}`))) modules.push({ name, kind: "text" }); // wrangler rule: Text
    else if (/\.m?js$/.test(name)) modules.push({ name, kind: "esModule" });
    else if (name.endsWith(".wasm")) modules.push({ name, kind: "wasm" }); // wrangler rule: CompiledWasm
    else if (name.endsWith(".bin")) modules.push({ name, kind: "data" });
    else if (name.endsWith(".txt") || name.endsWith(".html")) modules.push({ name, kind: "text" });
    // index.js.map and README.md are not modules
  }
  if (modules[0]?.name !== "index.js") fail("dist/index.js is missing: the build did not produce a Worker");
  return modules;
}

function writeConfig() {
  const storageDir = join(dataDir, "durable-objects");
  mkdirSync(storageDir, { recursive: true });
  const str = (s) => JSON.stringify(String(s));
  const embed = (file) => `embed ${str(relative(dataDir, join(DIST, file)).split("\\").join("/"))}`;

  const modules = bundleModules().map((m) => `    (name = ${str(m.name)}, ${m.kind} = ${embed(m.name)}),`);
  const vars = { ...wrangler.vars, HOOKFLOW_VERSION: pkg.version };
  const bindings = [
    ...Object.entries(vars).map(([name, value]) => `    (name = ${str(name)}, text = ${str(value)}),`),
    `    (name = "HOOKFLOW_ADMIN_TOKEN", fromEnvironment = "HOOKFLOW_ADMIN_TOKEN"),`,
    ...wrangler.durableObjects.map((d) => `    (name = ${str(d.name)}, durableObjectNamespace = ${str(d.className)}),`),
  ];
  const classes = [...new Set(wrangler.durableObjects.map((d) => d.className))];
  const namespaces = classes.map(
    (c) => `    (className = ${str(c)}, uniqueKey = ${str(`${wrangler.name}-${c}`)}, enableSql = ${wrangler.sqliteClasses.has(c)}),`,
  );

  const config = `# Generated by scripts/start.js on every start; edits are overwritten.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .hookflow),
    # The Worker's fetch may reach loopback and private hosts, e.g. a local Fireboom at 127.0.0.1:9991.
    (name = "internet", network = (allow = ["public", "private", "local"], tlsOptions = (trustBrowserCas = true))),
    (name = "do-storage", disk = (path = ${str(storageDir)}, writable = true)),
  ],
  sockets = [
    (name = "http", address = ${str(`${HOST}:${port}`)}, http = (), service = "main"),
  ],
);

const hookflow :Workerd.Worker = (
  modules = [
${modules.join("\n")}
  ],
  compatibilityDate = ${str(wrangler.compatibilityDate)},
  compatibilityFlags = [${wrangler.compatibilityFlags.map(str).join(", ")}],
  bindings = [
${bindings.join("\n")}
  ],
  durableObjectNamespaces = [
${namespaces.join("\n")}
  ],
  durableObjectStorage = (localDisk = "do-storage"),
  globalOutbound = "internet",
);
`;
  const path = join(dataDir, "workerd.capnp");
  writeFileSync(path, config);
  return path;
}

/** The workerd binary wrangler itself runs (wrangler pins its own workerd; a newer one may sit at the top level). */
function workerdBinary() {
  const attempts = [];
  for (const from of [join(ROOT, "node_modules", "wrangler", "package.json"), join(ROOT, "package.json")]) {
    try {
      const require = createRequire(from);
      const workerdPkg = require.resolve("workerd/package.json");
      const version = JSON.parse(readFileSync(workerdPkg, "utf8")).version;
      const platformPkg = `@cloudflare/workerd-${process.platform === "win32" ? "windows" : process.platform}-${process.arch === "x64" ? "64" : process.arch}`;
      let path;
      try {
        path = join(dirname(createRequire(workerdPkg).resolve(`${platformPkg}/package.json`)), "bin", process.platform === "win32" ? "workerd.exe" : "workerd");
      } catch {
        path = createRequire(workerdPkg)("workerd").default; // the package's own lookup
      }
      if (path && existsSync(path)) return { path, version };
      attempts.push(`${from}: no binary at ${path}`);
    } catch (error) {
      attempts.push(`${from}: ${error.message.split("\n")[0]}`);
    }
  }
  fail(`cannot find the workerd binary; run npm install.\n  ${attempts.join("\n  ")}`);
}

async function waitUntilReady() {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited) return new Promise(() => {}); // the exit handler ends the process
    try {
      const res = await fetch(`http://${HOST}:${port}/healthz`, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill("SIGTERM");
  fail(`workerd did not answer GET /healthz with 200 within ${READY_TIMEOUT_MS / 1000} s`);
}

/**
 * Just enough TOML for wrangler.toml: top-level keys, [vars], [[durable_objects.bindings]], [[migrations]].
 * Values are strings, arrays of strings, numbers and booleans (JSON-compatible in the form wrangler.toml uses).
 */
function parseWranglerToml(text) {
  const sections = [{ header: "", entries: {} }];
  for (const raw of text.split("\n")) {
    const line = raw.replace(/^\s+|\s+$/g, "");
    if (line === "" || line.startsWith("#")) continue;
    const header = /^\[\[?\s*([^\]]+?)\s*\]\]?$/.exec(line);
    if (header) {
      sections.push({ header: header[1], entries: {} });
      continue;
    }
    const kv = /^([A-Za-z0-9_.-]+|"[^"]*")\s*=\s*(.+?)\s*(#[^"\]]*)?$/.exec(line);
    if (!kv) continue;
    let value;
    try {
      value = JSON.parse(kv[2].replace(/'([^']*)'/g, '"$1"'));
    } catch {
      value = kv[2];
    }
    sections.at(-1).entries[kv[1].replace(/^"|"$/g, "")] = value;
  }
  const top = sections[0].entries;
  const of = (name) => sections.filter((s) => s.header === name).map((s) => s.entries);
  const vars = Object.fromEntries(Object.entries(Object.assign({}, ...of("vars"))).map(([k, v]) => [k, String(v)]));
  const durableObjects = of("durable_objects.bindings")
    .filter((b) => !b.script_name)
    .map((b) => ({ name: b.name, className: b.class_name }));
  const sqliteClasses = new Set(of("migrations").flatMap((m) => m.new_sqlite_classes ?? []));
  if (!top.compatibility_date) fail("wrangler.toml has no compatibility_date");
  return {
    name: top.name ?? "hookflow",
    compatibilityDate: top.compatibility_date,
    compatibilityFlags: top.compatibility_flags ?? [],
    vars,
    durableObjects,
    sqliteClasses,
  };
}

function parsePort(value) {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) fail(`PORT must be a port number, got ${JSON.stringify(value)}`);
  return n;
}

function signalNumber(signal) {
  return { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 }[signal] ?? 1;
}

function log(message) {
  process.stdout.write(`[hookflow] ${message}\n`);
}

function fail(message) {
  process.stderr.write(`[hookflow] ${message}\n`);
  process.exit(1);
}
