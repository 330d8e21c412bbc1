#!/usr/bin/env node
// hookflow CLI: upload a Fireboom-style hook folder to hookflow, write the stub files Fireboom needs, start and
// follow bamboo pipeline runs (bin/pipeline.js), save, run and follow NocoBase workflows (bin/workflow.js), and list
// and replay recorded hook calls (bin/invocations.js).
// Node 20+. The only dependency is log-update, loaded only to redraw `pipeline start --watch` on a terminal.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { parseArgs } from "node:util";
import { CliError, CONNECTION_OPTIONS, connectionOf, UsageError } from "./common.js";
import { invocations, replay } from "./invocations.js";
import { pipeline } from "./pipeline.js";
import { execution, workflow } from "./workflow.js";

const HELP = `hookflow: tooling for hookflow's Fireboom hook server

Usage:
  hookflow push <dir> [--url URL] [--project P] [--token T]
      Upload every .js / .mjs file under <dir> (laid out like Fireboom's hook folder) as a script:
      operation/Todo/CreateOne/preResolve.js → script path operation/Todo/CreateOne/preResolve.
      lib/ is uploaded first. TypeScript (.ts) is NOT supported: compile to .js first.
      --url      hookflow origin        (env HOOKFLOW_URL, default http://127.0.0.1:8787)
      --project  project name           (env HOOKFLOW_PROJECT)
      --token    admin token or API key (env HOOKFLOW_TOKEN)
      Exit code 1 if any file failed.

  hookflow fireboom-stubs <fireboom-workdir> [--dir <hooks dir>] [--sdk-output custom-ts] [--ext .ts]
      Fireboom enables a hook only if a code file for it exists in its own workdir. For every script in
      the hooks folder (default: the current directory), write into <fireboom-workdir>/<sdk-output>/:
        operation/<path>/<hook><ext>, global/<hook><ext>, authentication/<hook><ext>,
        upload/<storage>/<profile>/<hook><ext>   one-line marker files
        function/<name>.json, proxy/<name>.json   operation JSON, from a sibling <name>.json in the hooks
                                                  folder ({operationType, variablesSchema, responseSchema})
                                                  or defaults (query, {"type":"object"})
        customize/<name>.json                     the introspection __schema, copied from a sibling
                                                  <name>.json (warns when there is none)
      --sdk-output        the server SDK's outputPath (default custom-ts)
      --ext               the server SDK's extension  (default .ts)
      --upper-first-basename  the SDK's upperFirstBasename option

  hookflow pipeline start <tree.json> [--data data.json] [--context context.json] [--watch]
      Start a bamboo pipeline run and print its id. <tree.json> holds either the pipeline tree itself or a whole
      start body {"pipeline": <tree>, "root_pipeline_data"?, "root_pipeline_context"?, "subprocess_context"?,
      "start_node_id"?, "cycle_tolerate"?, "settings"?}, told apart by a top-level "pipeline" key.
      --data     root_pipeline_data from a JSON file (replaces the body's)
      --context  root_pipeline_context from a JSON file (replaces the body's)
      --watch    follow the run's node states until it settles, then print the final tree; exit code 0 if the
                 pipeline FINISHED, 1 otherwise (130 after Ctrl-C, which stops watching, not the run). On a
                 terminal the tree is redrawn in place, colored by state unless NO_COLOR is set; otherwise each
                 change of a node's state is printed as a line ("+1.2s  FINISHED   A"), for logs.
                 Settled means: the pipeline is FINISHED or REVOKED; or it waits for an operator: no node is
                 CREATED, READY or RUNNING (the pipeline and its subprocesses aside, which stay RUNNING over a
                 failed node), some node is FAILED or SUSPENDED, and nothing has changed for 2 s. A node waiting
                 for a callback, an event or a timer is RUNNING, so the watch goes on.
      An invalid tree prints the server's message and the ids of the failing nodes; exit code 1.
      --url, --project, --token as for push.

  hookflow pipeline show <id> [--flat]
      Print a run's node states once, as a tree: one line per node that has run,
        STATE      node-id  (retry n, skip, error_ignored, loop n)
      in the order the nodes were created, a subprocess's nodes indented under it (--flat: all at one level).
      --url, --project, --token as for push.

  hookflow workflow put <file.json> [--key KEY]
      Save a NocoBase workflow definition (the body of PUT /workflows/{key}: {"title"?, "sync"?, "trigger",
      "options"?, "nodes"}) as the workflow's new current version. The key is --key, else the file's own "key"
      (taken out of the body), else the file name without .json. Prints "created vN" or "unchanged vN", and a
      webhook trigger's URL. A refused definition prints each problem with the node it names; exit code 1.
      --url, --project, --token as for push.

  hookflow workflow run <key> [--context file.json] [--event-key K] [--watch]
      Start an execution of the workflow's current version and print its id.
      --context    $context from a JSON file (default {})
      --event-key  de-duplication: a key this workflow has seen answers the execution it started
      --watch      follow the execution until it is neither QUEUEING nor STARTED, then print it; exit code 0 if it
                   RESOLVED, 1 otherwise (130 after Ctrl-C, which stops watching, not the execution). On a terminal
                   it is redrawn in place; otherwise each new job and change of status is printed as a line
                   ("+0.4s  RESOLVED   shout"), with the URL that resumes a pending job. An execution waiting
                   for a resume from outside is STARTED: the watch goes on until someone resumes it.
      --url, --project, --token as for push.

  hookflow execution show <id> [--json]
      Print an execution once: its status, then one line per job in id order (STATUS  node-key  result),
      indented by how many branches the node is inside, with the URLs that resume a pending job (a manual
      node's task URL per assignee), then the output. --json prints the API's answer as it is.
      --url, --project, --token as for push.

  hookflow invocations [--path P] [--outcome ok|error] [--since T] [--until T] [--limit N] [--json]
      List the project's recorded hook calls (every failed one, and the sampled share of the others), newest
      first, one per line: id, time, outcome, script path and version, duration, error code.
      --path     only this script path (e.g. function/createTodo)
      --outcome  only ok or only error calls
      --since, --until  ISO 8601 times (e.g. 2026-12-02T10:00:00Z): recorded at or after / before
      --limit    at most this many (1-200, default 50)
      --json     print the API's answer as it is
      --url, --project, --token as for push.

  hookflow replay <id> [--version N] [--live] [--json]
      Run a recorded call again, against the script's current version (or version N), and print the recorded
      outcome and the replay's, each with its logs. A replay reaches nothing outside: ctx.internalClient calls
      reject and fetch is refused, unless --live. Exit code 0 if the replay succeeded, 1 if it failed.
      --json     print the API's answer as it is
      --url, --project, --token as for push.

  hookflow --help
`;

const OPERATION_HOOKS = ["mockResolve", "preResolve", "postResolve", "mutatingPreResolve", "mutatingPostResolve", "customResolve"];
const GLOBAL_HOOKS = ["beforeOriginRequest", "onOriginRequest", "onOriginResponse", "afterOriginResponse", "onConnectionInit"];
const AUTHENTICATION_HOOKS = ["postAuthentication", "mutatingPostAuthentication", "revalidateAuthentication", "postLogout"];
const UPLOAD_HOOKS = ["preUpload", "postUpload"];
const OPERATION_TYPES = { query: 0, mutation: 1, subscription: 2 };

// ------------------------------------------------------------------------------------------------------
// The hooks folder
// ------------------------------------------------------------------------------------------------------

/**
 * Every file under `dir`, as `{file, rel}` with `rel` using "/" separators, sorted. Skips dot entries and
 * node_modules.
 */
function walk(dir) {
  const out = [];
  const visit = (current) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
      const file = join(current, entry.name);
      if (entry.isDirectory()) visit(file);
      else if (entry.isFile()) out.push({ file, rel: relative(dir, file).split(sep).join("/") });
    }
  };
  visit(dir);
  return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

/**
 * The scripts of a hooks folder: `{scripts: [{file, rel, path}], problems: [{rel, message}]}`, lib/ first.
 * `.js`/`.mjs` files are scripts; `.ts` files are reported as unsupported; everything else (JSON declarations,
 * READMEs) is ignored.
 */
function collectScripts(dir) {
  let stat;
  try {
    stat = statSync(dir);
  } catch {
    throw new UsageError(`${dir}: no such directory`);
  }
  if (!stat.isDirectory()) throw new UsageError(`${dir} is not a directory`);
  const scripts = [];
  const problems = [];
  const seen = new Map();
  for (const { file, rel } of walk(dir)) {
    if (/\.(ts|mts|cts|tsx)$/.test(rel) && !/\.d\.(ts|mts|cts)$/.test(rel)) {
      problems.push({ rel, message: "TypeScript is not supported: hookflow runs plain JavaScript. Compile it to .js (e.g. tsc or esbuild) and push that" });
      continue;
    }
    const match = /^(.*)\.(js|mjs)$/.exec(rel);
    if (!match) continue;
    const path = match[1];
    if (seen.has(path)) {
      problems.push({ rel, message: `same script path as ${seen.get(path)}: ${path}` });
      continue;
    }
    seen.set(path, rel);
    scripts.push({ file, rel, path });
  }
  const isLib = (s) => s.path.startsWith("lib/");
  scripts.sort((a, b) => Number(isLib(b)) - Number(isLib(a)));
  return { scripts, problems };
}

// ------------------------------------------------------------------------------------------------------
// push
// ------------------------------------------------------------------------------------------------------

async function push(args) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: CONNECTION_OPTIONS,
  });
  if (positionals.length !== 1) throw new UsageError("push needs exactly one folder: hookflow push <dir>");
  const dir = resolve(positionals[0]);
  const { url, project, token } = connectionOf(values);

  const { scripts, problems } = collectScripts(dir);
  const counts = { created: 0, unchanged: 0, failed: problems.length };
  for (const problem of problems) console.log(`✗ ${problem.rel}: ${problem.message}`);
  if (scripts.length === 0 && problems.length === 0) console.log(`no .js or .mjs files under ${dir}`);

  for (const script of scripts) {
    const target = `${url}/v1/projects/${encodeURIComponent(project)}/scripts/${script.path.split("/").map(encodeURIComponent).join("/")}`;
    let status;
    let body;
    try {
      const response = await fetch(target, {
        method: "PUT",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/javascript" },
        body: readFileSync(script.file),
      });
      status = response.status;
      const text = await response.text();
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    } catch (error) {
      counts.failed++;
      console.log(`✗ ${script.path}: cannot reach ${url}: ${error.cause?.message ?? error.message}`);
      continue;
    }
    if (status === 201 || status === 200) {
      const word = status === 201 ? "created" : "unchanged";
      counts[word]++;
      console.log(`✓ ${script.path}: ${word} v${body?.version}`);
    } else {
      counts.failed++;
      console.log(`✗ ${script.path}: ${describeError(status, body, script.rel)}`);
    }
  }

  const total = scripts.length + problems.length;
  console.log(`\n${total} file${total === 1 ? "" : "s"}: ${counts.created} created, ${counts.unchanged} unchanged, ${counts.failed} failed`);
  return counts.failed > 0 ? 1 : 0;
}

/** One line for a failed upload: `HTTP 400 compile_error: message (file.js:3:7)`. */
function describeError(status, body, rel) {
  const error = body && typeof body === "object" ? body.error : undefined;
  if (!error || typeof error !== "object") return `HTTP ${status}: ${String(body).slice(0, 300)}`;
  let line = `HTTP ${status} ${error.code ?? "error"}: ${error.message ?? ""}`;
  if (error.line !== undefined) line += ` (${rel}:${error.line}${error.column !== undefined ? `:${error.column}` : ""})`;
  return line;
}

// ------------------------------------------------------------------------------------------------------
// fireboom-stubs
// ------------------------------------------------------------------------------------------------------

/** Where Fireboom looks for a script's marker or JSON, relative to `<outputPath>`; `{skip}` or `{warn}` otherwise. */
function stubFor(path) {
  const [kind, ...rest] = path.split("/");
  const last = rest.at(-1);
  switch (kind) {
    case "operation":
      if (rest.length < 2 || !OPERATION_HOOKS.includes(last)) return { warn: `not an operation hook (operation/{path}/{${OPERATION_HOOKS.join("|")}})` };
      return { marker: path };
    case "global":
      if (rest.length !== 1 || !GLOBAL_HOOKS.includes(last)) return { warn: `not a global hook (global/{${GLOBAL_HOOKS.join("|")}})` };
      return { marker: path };
    case "authentication":
      if (rest.length !== 1 || !AUTHENTICATION_HOOKS.includes(last)) return { warn: `not an authentication hook (authentication/{${AUTHENTICATION_HOOKS.join("|")}})` };
      return { marker: path };
    case "upload":
      if (rest.length !== 3 || !UPLOAD_HOOKS.includes(last)) return { warn: "not an upload hook (upload/{storage}/{profile}/{preUpload|postUpload})" };
      return { marker: path };
    case "function":
    case "proxy":
      return rest.length === 0 ? { warn: `${kind} scripts are ${kind}/{name}` } : { operation: kind, name: rest.join("/") };
    case "customize":
      return rest.length === 0 ? { warn: "customize scripts are customize/{name}" } : { customize: rest.join("/") };
    default:
      return { skip: true }; // lib/ and the pipeline engines' scripts: nothing for Fireboom
  }
}

/** Reads `<hooksDir>/<path>.json` if it exists; undefined otherwise. Throws on invalid JSON. */
function readSibling(hooksDir, path) {
  const file = join(hooksDir, `${path}.json`);
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  try {
    return { file, value: JSON.parse(text) };
  } catch (error) {
    throw new Error(`${relative(process.cwd(), file)} is not valid JSON: ${error.message}`);
  }
}

/** The wgpb.Operation JSON Fireboom reads for a function or proxy: schemas as JSON-schema strings. */
function operationJson(declared) {
  const { operationType = 0, variablesSchema = { type: "object" }, responseSchema = { type: "object" }, ...rest } = declared ?? {};
  let type = operationType;
  if (typeof type === "string") type = OPERATION_TYPES[type.toLowerCase()];
  if (![0, 1, 2].includes(type)) throw new Error(`operationType must be query, mutation, subscription or 0, 1, 2 (got ${JSON.stringify(operationType)})`);
  const asString = (schema) => (typeof schema === "string" ? schema : JSON.stringify(schema));
  return { ...rest, operationType: type, variablesSchema: asString(variablesSchema), responseSchema: asString(responseSchema) };
}

/** The `__schema` object of an introspection JSON (accepts `{data: {__schema}}`, `{__schema}` or the bare object). */
function introspectionSchema(value) {
  const schema = value?.data?.__schema ?? value?.__schema ?? value;
  if (!schema || typeof schema !== "object" || !Array.isArray(schema.types) || !schema.queryType) {
    throw new Error("is not a GraphQL introspection result (want {__schema: {queryType, types, ...}})");
  }
  return schema;
}

function upperFirst(path) {
  const slash = path.lastIndexOf("/");
  const base = path.slice(slash + 1);
  return path.slice(0, slash + 1) + base.charAt(0).toUpperCase() + base.slice(1);
}

function fireboomStubs(args) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      dir: { type: "string" },
      "sdk-output": { type: "string" },
      ext: { type: "string" },
      "upper-first-basename": { type: "boolean" },
    },
  });
  if (positionals.length !== 1) throw new UsageError("fireboom-stubs needs Fireboom's working directory: hookflow fireboom-stubs <fireboom-workdir>");
  const workdir = resolve(positionals[0]);
  if (!statSync(workdir, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`${workdir}: no such directory`);
  const hooksDir = resolve(values.dir ?? ".");
  const outputPath = values["sdk-output"] ?? "custom-ts";
  let ext = values.ext ?? ".ts";
  if (!ext.startsWith(".")) ext = `.${ext}`;
  const comment = [".py", ".rb", ".sh"].includes(ext) ? "#" : "//";
  const root = join(workdir, outputPath);

  const { scripts, problems } = collectScripts(hooksDir);
  let written = 0;
  let warnings = 0;
  let failed = 0;
  for (const problem of problems) {
    warnings++;
    console.log(`! ${problem.rel}: ${problem.message} (no stub written)`);
  }
  const write = (relPath, content) => {
    const file = join(root, relPath);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
    written++;
    console.log(`wrote ${relative(workdir, file).split(sep).join("/")}`);
  };

  for (const script of scripts) {
    const stub = stubFor(script.path);
    if (stub.skip) continue;
    if (stub.warn) {
      warnings++;
      console.log(`! ${script.rel}: ${stub.warn} (no stub written)`);
      continue;
    }
    try {
      if (stub.marker) {
        const name = values["upper-first-basename"] ? upperFirst(stub.marker) : stub.marker;
        write(`${name}${ext}`, `${comment} Served by hookflow (script ${script.path}); this file only tells Fireboom the hook exists.\n`);
      } else if (stub.operation) {
        const declared = readSibling(hooksDir, script.path);
        write(`${stub.operation}/${stub.name}.json`, `${JSON.stringify(operationJson(declared?.value), null, 2)}\n`);
      } else if (stub.customize) {
        const declared = readSibling(hooksDir, script.path);
        if (!declared) {
          warnings++;
          console.log(`! ${script.rel}: no ${script.path}.json with the introspection __schema next to it: customize/${stub.customize}.json not written (Fireboom cannot load this data source without it)`);
          continue;
        }
        write(`customize/${stub.customize}.json`, `${JSON.stringify(introspectionSchema(declared.value), null, 2)}\n`);
      }
    } catch (error) {
      failed++;
      console.log(`✗ ${script.rel}: ${error.message}`);
    }
  }
  console.log(`\n${written} file${written === 1 ? "" : "s"} written under ${root}, ${warnings} warning${warnings === 1 ? "" : "s"}, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

// ------------------------------------------------------------------------------------------------------

async function main(argv) {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case "help":
    case "-h":
    case "--help":
      process.stdout.write(HELP);
      return command === undefined ? 1 : 0;
    case "push":
      return push(rest);
    case "fireboom-stubs":
      return fireboomStubs(rest);
    case "pipeline":
      return pipeline(rest);
    case "workflow":
      return workflow(rest);
    case "execution":
      return execution(rest);
    case "invocations":
      return invocations(rest);
    case "replay":
      return replay(rest);
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError || error?.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" || error?.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    console.error(`hookflow: ${error.message}\nRun "hookflow --help" for usage.`);
    process.exitCode = 2;
  } else if (error instanceof CliError) {
    console.error(`hookflow: ${error.message}`);
    process.exitCode = 1;
  } else {
    console.error(`hookflow: ${error?.stack ?? error}`);
    process.exitCode = 1;
  }
}
