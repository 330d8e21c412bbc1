// hookflow workflow put|run and hookflow execution show: save NocoBase-dialect workflows, start executions and
// follow their jobs.
import { basename } from "node:path";
import { parseArgs } from "node:util";
import { api, CliError, CONNECTION_OPTIONS, connectionOf, follow, formatSeconds, httpError, readJson, stamp, UsageError, useColor } from "./common.js";

/** NocoBase's job statuses (an execution uses the same numbers, with 0 STARTED and null QUEUEING). */
const STATUS_NAMES = { 0: "PENDING", 1: "RESOLVED", [-1]: "FAILED", [-2]: "ERROR", [-3]: "ABORTED", [-4]: "CANCELED", [-5]: "REJECTED", [-6]: "RETRY_NEEDED" };
/** SGR colors of the status column on a terminal. */
const STATUS_COLORS = { QUEUEING: "2", STARTED: "36", PENDING: "33", RESOLVED: "32", FAILED: "1;31", ERROR: "1;31", REJECTED: "31", ABORTED: "35", CANCELED: "35" };
/** The width of the status column (QUEUEING, RESOLVED, REJECTED). */
const STATUS_WIDTH = 9;
/** Job results longer than this are cut. */
const RESULT_WIDTH = 80;

export async function workflow(args) {
  const [command, ...rest] = args;
  if (command === "put") return put(rest);
  if (command === "run") return run(rest);
  if (command === undefined) throw new UsageError("workflow needs a command: hookflow workflow put <file.json> | hookflow workflow run <key>");
  throw new UsageError(`unknown workflow command "${command}" (put, run)`);
}

export async function execution(args) {
  const [command, ...rest] = args;
  if (command === "show") return show(rest);
  if (command === undefined) throw new UsageError("execution needs a command: hookflow execution show <id>");
  throw new UsageError(`unknown execution command "${command}" (show)`);
}

/** parseArgs with the connection options, exactly one positional; answers `{conn, values, arg}`. */
function parsed(args, options, usage) {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...CONNECTION_OPTIONS, ...options } });
  if (positionals.length !== 1) throw new UsageError(usage);
  return { conn: connectionOf(values), values, arg: positionals[0] };
}

// ------------------------------------------------------------------------------------------------------
// workflow put <file.json> [--key k]
// ------------------------------------------------------------------------------------------------------

async function put(args) {
  const { conn, values, arg: file } = parsed(args, { key: { type: "string" } }, "workflow put needs exactly one file: hookflow workflow put <file.json> [--key k]");
  const definition = readJson(file);
  if (definition === null || typeof definition !== "object" || Array.isArray(definition)) {
    throw new CliError(`${file} must hold a JSON object: a workflow definition {"trigger", "nodes", …}`);
  }
  // The key: --key, else the file's own "key", else the file name. The body itself has no key.
  const { key: ownKey, ...body } = definition;
  const key = values.key ?? (typeof ownKey === "string" && ownKey !== "" ? ownKey : basename(file).replace(/\.json$/i, ""));
  const reply = await api(conn, "PUT", `/workflows/${encodeURIComponent(key)}`, { json: body });
  if (reply.status !== 200 && reply.status !== 201) {
    const problems = reply.body?.error?.problems;
    if (reply.status === 400 && Array.isArray(problems) && problems.length > 0) {
      console.error(`hookflow: workflow ${key} was not saved (${reply.body.error.code}):`);
      for (const p of problems) console.error(`  ${p.node === undefined ? "" : `node ${p.node}: `}${p.message}`);
    } else {
      console.error(`hookflow: workflow ${key} was not saved: ${httpError(reply.status, reply.body)}`);
    }
    return 1;
  }
  console.log(`✓ ${key}: ${reply.status === 201 ? "created" : "unchanged"} v${reply.body.version}`);
  if (typeof reply.body.webhookUrl === "string") console.log(`  webhook: POST ${reply.body.webhookUrl}`);
  return 0;
}

// ------------------------------------------------------------------------------------------------------
// workflow run <key> [--context file] [--event-key k] [--watch]
// ------------------------------------------------------------------------------------------------------

async function run(args) {
  const options = { context: { type: "string" }, "event-key": { type: "string" }, watch: { type: "boolean" } };
  const { conn, values, arg: key } = parsed(args, options, "workflow run needs exactly one workflow key: hookflow workflow run <key>");
  const body = {};
  if (values.context !== undefined) body.context = readJson(values.context);
  if (values["event-key"] !== undefined) body.eventKey = values["event-key"];
  const reply = await api(conn, "POST", `/workflows/${encodeURIComponent(key)}/execute`, { json: body });
  const id = reply.body?.execution?.id;
  if ((reply.status !== 200 && reply.status !== 202) || typeof id !== "string") {
    console.error(`hookflow: workflow ${key} did not start: ${httpError(reply.status, reply.body)}`);
    return 1;
  }
  console.log(id);
  return values.watch ? watch(conn, id) : 0;
}

/**
 * Follows an execution until it is neither QUEUEING nor STARTED: on a terminal it is redrawn in place; otherwise
 * each new job, each change of a status and each URL that resumes a pending job is printed as a line. Then the
 * final execution and a verdict. Exit code 0 when it RESOLVED, 1 otherwise, 130 after Ctrl-C (the execution goes
 * on). An execution waiting for a resume from outside stays STARTED: the watch goes on until it is resumed.
 */
async function watch(conn, id) {
  const tty = process.stdout.isTTY === true;
  const seen = new Map(); // job id → status, and "execution" → its status name
  const announced = new Set(); // URLs printed
  let graph;
  let tasks = new Map();
  const view = async (execution) => {
    graph ??= await graphOf(conn, execution);
    tasks = await pendingTasks(conn, execution, graph);
  };
  const { body: execution, aborted, elapsedMs, color } = await follow(conn, executionPath(id), {
    id,
    what: "execution",
    render: (execution, color) => renderExecution(execution, graph, tasks, color),
    async update(execution, ms) {
      await view(execution);
      if (!tty) printChanges(execution, tasks, seen, announced, ms);
      return !isRunning(execution);
    },
  });
  if (aborted) {
    if (execution) console.log(renderExecution(execution, graph, tasks, color).join("\n"));
    console.error(`hookflow: stopped watching ${id}; the execution goes on (hookflow execution show ${id})`);
    return 130;
  }
  if (!tty) console.log("");
  console.log(renderExecution(execution, graph, tasks, color).join("\n"));
  const reason = execution.reason ? ` (${execution.reason})` : "";
  console.log(`${execution.status === 1 ? "✓" : "✗"} execution ${id} ${executionStatusName(execution.status)}${reason} after ${formatSeconds(elapsedMs)}`);
  return execution.status === 1 ? 0 : 1;
}

/** Whether an execution can still change: QUEUEING (null) or STARTED (0). */
const isRunning = (execution) => execution.status === null || execution.status === 0;

/** `+1.2s  STATUS     nodeKey` for each new job or changed status; `+1.2s  nodeKey resume: POST <url>` once per URL. */
function printChanges(execution, tasks, seen, announced, ms) {
  const status = executionStatusName(execution.status);
  if (seen.get("execution") !== status) {
    seen.set("execution", status);
    console.log(`${stamp(ms)}  ${paint(status, false)}  execution ${execution.id}`);
  }
  for (const job of execution.jobs) {
    if (seen.get(job.id) !== job.status) {
      seen.set(job.id, job.status);
      console.log(`${stamp(ms)}  ${paint(jobStatusName(job.status), false)}  ${job.nodeKey}`);
    }
    for (const [what, url] of urlsOf(job, tasks)) {
      if (announced.has(url)) continue;
      announced.add(url);
      console.log(`${stamp(ms)}  ${job.nodeKey} ${what}: POST ${url}`);
    }
  }
}

// ------------------------------------------------------------------------------------------------------
// execution show <id> [--json]
// ------------------------------------------------------------------------------------------------------

async function show(args) {
  const { conn, values, arg: id } = parsed(args, { json: { type: "boolean" } }, "execution show needs exactly one execution id: hookflow execution show <id>");
  const reply = await api(conn, "GET", executionPath(id));
  if (reply.status !== 200) throw new CliError(httpError(reply.status, reply.body));
  if (values.json) {
    console.log(JSON.stringify(reply.body, null, 2));
    return 0;
  }
  const graph = await graphOf(conn, reply.body);
  const tasks = await pendingTasks(conn, reply.body, graph);
  console.log(renderExecution(reply.body, graph, tasks, useColor(process.stdout)).join("\n"));
  return 0;
}

const executionPath = (id) => `/executions/${encodeURIComponent(id)}`;

/**
 * `{depth, type}` by node key, from the workflow version the execution runs (`GET /workflows/{key}?version=n`):
 * depth is how many branches the node is inside. Empty when the version cannot be read (jobs are then listed flat).
 */
async function graphOf(conn, execution) {
  const graph = new Map();
  const reply = await api(conn, "GET", `/workflows/${encodeURIComponent(execution.key)}?version=${execution.version}`).catch(() => undefined);
  if (reply?.status !== 200 || !Array.isArray(reply.body?.nodes)) return graph;
  const byKey = new Map(reply.body.nodes.map((n) => [n.key, n]));
  const depthOf = (node, hops = 0) => {
    const upstream = node.upstream == null || hops > byKey.size ? undefined : byKey.get(node.upstream);
    return upstream === undefined ? 0 : (node.branchIndex == null ? 0 : 1) + depthOf(upstream, hops + 1);
  };
  for (const node of byKey.values()) graph.set(node.key, { depth: depthOf(node), type: node.type });
  return graph;
}

/** The tasks still pending of the execution's pending manual jobs, by job id (`GET /executions/{id}/tasks`). */
async function pendingTasks(conn, execution, graph) {
  const byJob = new Map();
  if (!execution.jobs.some((job) => job.status === 0 && graph.get(job.nodeKey)?.type === "manual")) return byJob;
  const reply = await api(conn, "GET", `${executionPath(execution.id)}/tasks`).catch(() => undefined);
  for (const task of reply?.status === 200 && Array.isArray(reply.body) ? reply.body : []) {
    if (task.status === 0) byJob.set(task.jobId, [...(byJob.get(task.jobId) ?? []), task]);
  }
  return byJob;
}

// ------------------------------------------------------------------------------------------------------
// Rendering
// ------------------------------------------------------------------------------------------------------

const jobStatusName = (status) => STATUS_NAMES[status] ?? String(status);
const executionStatusName = (status) => (status === null ? "QUEUEING" : status === 0 ? "STARTED" : jobStatusName(status));

function paint(name, color) {
  const padded = name.padEnd(STATUS_WIDTH);
  return color && STATUS_COLORS[name] ? `\x1b[${STATUS_COLORS[name]}m${padded}\x1b[0m` : padded;
}

const dim = (text, color) => (color ? `\x1b[2m${text}\x1b[0m` : text);

/** A value as one line of JSON, cut to RESULT_WIDTH. */
function summary(value) {
  const text = value === null || value === undefined ? "" : JSON.stringify(value);
  return text.length > RESULT_WIDTH ? `${text.slice(0, RESULT_WIDTH - 1)}…` : text;
}

/** `[what, url]` for each way to resume a pending job: its resumeUrl, and a manual node's task URLs. */
function urlsOf(job, tasks) {
  if (job.status !== 0) return [];
  const urls = typeof job.resumeUrl === "string" ? [["resume", job.resumeUrl]] : [];
  for (const task of tasks.get(job.id) ?? []) urls.push([`task for ${task.assignee}`, task.url]);
  return urls;
}

/**
 * The execution as lines: `STATUS     key vN · id  (reason)`, then one line per job in id order,
 * `STATUS     <indent>nodeKey  result`, indented by how many branches the node is inside; under a pending job the
 * URLs that resume it; then the output.
 */
function renderExecution(execution, graph, tasks, color) {
  const reason = execution.reason ? `  (${execution.reason})` : "";
  const lines = [`${paint(executionStatusName(execution.status), color)}  ${execution.key} v${execution.version} · ${execution.id}${reason}`];
  const labelOf = (job) => `${"  ".repeat(1 + (graph.get(job.nodeKey)?.depth ?? 0))}${job.nodeKey}`;
  const width = Math.max(0, ...execution.jobs.map((job) => labelOf(job).length));
  for (const job of execution.jobs) {
    const result = summary(job.result);
    lines.push(`${paint(jobStatusName(job.status), color)}  ${result ? `${labelOf(job).padEnd(width)}  ${dim(result, color)}` : labelOf(job)}`);
    const pad = " ".repeat(STATUS_WIDTH + 2 + labelOf(job).length - String(job.nodeKey).length + 2);
    for (const [what, url] of urlsOf(job, tasks)) lines.push(`${pad}${dim(`${what}:`, color)} POST ${url}`);
  }
  if (execution.output !== null && execution.output !== undefined) lines.push(`output: ${JSON.stringify(execution.output)}`);
  return lines;
}
