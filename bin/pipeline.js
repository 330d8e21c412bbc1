// hookflow pipeline start|show: start bamboo pipeline runs and follow their node states.
import { parseArgs } from "node:util";
import { api, CliError, CONNECTION_OPTIONS, connectionOf, follow, formatSeconds, httpError, readJson, stamp, UsageError, useColor } from "./common.js";

/** How long a run that waits for an operator (a FAILED or SUSPENDED node, nothing moving) must stay unchanged. */
const SETTLE_MS = 2_000;

/** Node states in which the engine is still working on (or about to work on) the node. */
const ACTIVE_STATES = new Set(["CREATED", "READY", "RUNNING"]);
/** States that stop a run until someone acts: a retry, skip, resume… */
const STOPPING_STATES = new Set(["FAILED", "SUSPENDED"]);
/** States after which the root pipeline never changes again. */
const FINAL_ROOT_STATES = new Set(["FINISHED", "REVOKED"]);
/** The width of the state column: the longest common state (SUSPENDED). */
const STATE_WIDTH = 9;

/** SGR colors of the state column on a terminal. */
const STATE_COLORS = {
  CREATED: "2", // dim
  READY: "34", // blue
  RUNNING: "36", // cyan
  SUSPENDED: "33", // yellow
  BLOCKED: "33",
  FINISHED: "32", // green
  FAILED: "1;31", // bold red
  REVOKED: "35", // magenta
};

export async function pipeline(args) {
  const [command, ...rest] = args;
  switch (command) {
    case "start":
      return start(rest);
    case "show":
      return show(rest);
    case undefined:
      throw new UsageError("pipeline needs a command: hookflow pipeline start <tree.json> | hookflow pipeline show <id>");
    default:
      throw new UsageError(`unknown pipeline command "${command}" (start, show)`);
  }
}

// ------------------------------------------------------------------------------------------------------
// start
// ------------------------------------------------------------------------------------------------------

async function start(args) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...CONNECTION_OPTIONS, data: { type: "string" }, context: { type: "string" }, watch: { type: "boolean" } },
  });
  if (positionals.length !== 1) throw new UsageError("pipeline start needs exactly one file: hookflow pipeline start <tree.json>");
  const conn = connectionOf(values);
  const body = startBody(readJson(positionals[0]), positionals[0]);
  if (values.data !== undefined) body.root_pipeline_data = readJson(values.data);
  if (values.context !== undefined) body.root_pipeline_context = readJson(values.context);

  const reply = await api(conn, "POST", "/pipelines", { json: body });
  if (reply.status !== 201) {
    const error = reply.body?.error;
    if (reply.status === 400 && error?.code === "tree_invalid") {
      console.error(`hookflow: invalid pipeline tree: ${error.message}`);
      if (Array.isArray(error.nodes) && error.nodes.length > 0) console.error(`  node${error.nodes.length === 1 ? "" : "s"}: ${error.nodes.join(", ")}`);
    } else {
      console.error(`hookflow: the pipeline did not start: ${httpError(reply.status, reply.body)}`);
    }
    return 1;
  }
  const id = reply.body.id;
  console.log(id);
  return values.watch ? watch(conn, id) : 0;
}

/** The POST body: the file's own when it has a top-level `pipeline` key, else the file is the tree itself. */
function startBody(value, file) {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new CliError(`${file} must hold a JSON object: a pipeline tree, or a start body {"pipeline": <tree>, ...}`);
  }
  return Object.hasOwn(value, "pipeline") ? { ...value } : { pipeline: value };
}

// ------------------------------------------------------------------------------------------------------
// show
// ------------------------------------------------------------------------------------------------------

async function show(args) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...CONNECTION_OPTIONS, flat: { type: "boolean" } },
  });
  if (positionals.length !== 1) throw new UsageError("pipeline show needs exactly one run id: hookflow pipeline show <id>");
  const conn = connectionOf(values);
  const reply = await api(conn, "GET", statesPath(positionals[0], values.flat === true));
  if (reply.status !== 200) throw new CliError(httpError(reply.status, reply.body));
  const color = useColor(process.stdout);
  console.log(renderTree(reply.body, color).join("\n"));
  return 0;
}

function statesPath(id, flat) {
  return `/pipelines/${encodeURIComponent(id)}?flat=${flat ? "true" : "false"}`;
}

// ------------------------------------------------------------------------------------------------------
// Rendering
// ------------------------------------------------------------------------------------------------------

function paintState(state, color) {
  const padded = String(state).padEnd(STATE_WIDTH);
  const sgr = STATE_COLORS[state];
  return color && sgr ? `\x1b[${sgr}m${padded}\x1b[0m` : padded;
}

/** ` (retry 2, skip, error_ignored, loop 3)` for what is worth knowing about a node, or "". */
function notesOf(node) {
  const notes = [];
  if (node.retry > 0) notes.push(`retry ${node.retry}`);
  if (node.skip) notes.push("skip");
  if (node.error_ignored) notes.push("error_ignored");
  if (node.loop > 1) notes.push(`loop ${node.loop}`);
  return notes.length === 0 ? "" : `  (${notes.join(", ")})`;
}

/** One node's line: `STATE      <guides>node-id  (notes)`. */
function nodeLine(node, guides, color) {
  return `${paintState(node.state, color)}  ${guides}${node.id}${notesOf(node)}`;
}

const childrenOf = (node) => Object.values(node.children ?? {});

/**
 * The state tree as lines: the root pipeline, then its nodes in the order they were created, each subprocess's
 * nodes (from `?flat=false`) under it with tree guides. The state column comes first so that it lines up.
 */
function renderTree(root, color) {
  const lines = [nodeLine(root, "", color)];
  const visit = (node, indent) => {
    const children = childrenOf(node);
    children.forEach((child, i) => {
      const last = i === children.length - 1;
      lines.push(nodeLine(child, `${indent}${last ? "└─ " : "├─ "}`, color));
      visit(child, `${indent}${last ? "   " : "│  "}`);
    });
  };
  visit(root, "");
  return lines;
}

/** Every node of the tree, the root first, as `{node, depth, leaf}`. */
function allNodes(root) {
  const out = [];
  const visit = (node, depth) => {
    const children = childrenOf(node);
    out.push({ node, depth, leaf: depth > 0 && children.length === 0 });
    for (const child of children) visit(child, depth + 1);
  };
  visit(root, 0);
  return out;
}

/** What makes a node's line (and the run's snapshot) change. */
const nodeKey = (node) => `${node.state}|${node.version}|${node.retry}|${node.skip}|${node.error_ignored}|${node.loop}`;

/**
 * Whether a run has settled, given how long its states have stayed unchanged:
 * - the root pipeline is FINISHED or REVOKED; or
 * - no node that does work (every node but the root and the subprocesses that have nodes of their own) is
 *   CREATED, READY or RUNNING, some node (the root included) is FAILED or SUSPENDED, and nothing has changed for
 *   SETTLE_MS: the run waits for an operator. A node waiting for a callback, an event or a timer is RUNNING, so
 *   the watch goes on.
 */
function isSettled(root, unchangedMs) {
  if (FINAL_ROOT_STATES.has(root.state)) return true;
  const nodes = allNodes(root);
  if (nodes.some(({ node, leaf }) => leaf && ACTIVE_STATES.has(node.state))) return false;
  if (!nodes.some(({ node }) => STOPPING_STATES.has(node.state))) return false;
  return unchangedMs >= SETTLE_MS;
}

/** The last line after a watch: what became of the run. */
function verdictOf(root, elapsedMs) {
  if (root.state === "FINISHED") return `✓ pipeline ${root.id} FINISHED after ${formatSeconds(elapsedMs)}`;
  if (root.state === "REVOKED") return `✗ pipeline ${root.id} REVOKED after ${formatSeconds(elapsedMs)}`;
  const stopped = allNodes(root)
    .filter(({ node }) => STOPPING_STATES.has(node.state))
    .map(({ node }) => `${node.id} ${node.state}`);
  return `✗ pipeline ${root.id} is ${root.state} and waits for an operator: ${stopped.join(", ")} (nothing changed for ${formatSeconds(SETTLE_MS)})`;
}

// ------------------------------------------------------------------------------------------------------
// watch
// ------------------------------------------------------------------------------------------------------

/**
 * Follows a run until it settles (see isSettled). On a terminal the tree is redrawn in place; otherwise every
 * change of a node's state is printed as a line, for logs. Then the final tree and a verdict. Exit code 0 when the
 * pipeline FINISHED, 1 otherwise, 130 when stopped with Ctrl-C.
 */
async function watch(conn, id) {
  const tty = process.stdout.isTTY === true;
  const seen = new Map(); // node id → nodeKey, for the line-per-change output
  let snapshot; // every node's key, to tell when nothing changes
  let unchangedSince = Date.now();
  const { body: root, aborted, elapsedMs, color } = await follow(conn, statesPath(id, false), {
    id,
    what: "run",
    render: renderTree,
    update(root, ms) {
      const nodes = allNodes(root);
      const next = nodes.map(({ node }) => `${node.id}=${nodeKey(node)}`).join(";");
      if (next !== snapshot) {
        snapshot = next;
        unchangedSince = Date.now();
      }
      if (!tty) printChanges(nodes, seen, ms);
      return isSettled(root, Date.now() - unchangedSince);
    },
  });
  if (aborted) {
    if (root) console.log(renderTree(root, color).join("\n"));
    console.error(`hookflow: stopped watching ${id}; the run goes on (hookflow pipeline show ${id})`);
    return 130;
  }
  if (!tty) console.log("");
  console.log(renderTree(root, color).join("\n"));
  console.log(verdictOf(root, elapsedMs));
  return root.state === "FINISHED" ? 0 : 1;
}

/** Prints `+1.2s  STATE      node-id  (notes)` for every node whose state (or retry, skip…) changed. */
function printChanges(nodes, seen, ms) {
  const present = new Set();
  for (const { node } of nodes) {
    present.add(node.id);
    const key = nodeKey(node);
    if (seen.get(node.id) === key) continue;
    seen.set(node.id, key);
    console.log(`${stamp(ms)}  ${nodeLine(node, "", false)}`);
  }
  for (const id of seen.keys()) if (!present.has(id)) seen.delete(id);
}
