// hookflow invocations and hookflow replay: list a project's recorded Fireboom hook calls and run one again.
import { parseArgs } from "node:util";
import { api, CliError, CONNECTION_OPTIONS, connectionOf, httpError, UsageError, useColor } from "./common.js";

/** Results and error messages longer than this are cut on their line. */
const VALUE_WIDTH = 120;
/** SGR colors of the outcome column on a terminal. */
const OUTCOME_COLORS = { ok: "32", error: "1;31" };

// ------------------------------------------------------------------------------------------------------
// invocations [--path P] [--outcome ok|error] [--since T] [--until T] [--limit N] [--json]
// ------------------------------------------------------------------------------------------------------

export async function invocations(args) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...CONNECTION_OPTIONS,
      path: { type: "string" },
      outcome: { type: "string" },
      since: { type: "string" },
      until: { type: "string" },
      limit: { type: "string" },
      json: { type: "boolean" },
    },
  });
  if (positionals.length > 0) throw new UsageError(`invocations takes no arguments, only options (got "${positionals[0]}")`);
  if (values.outcome !== undefined && values.outcome !== "ok" && values.outcome !== "error") throw new UsageError("--outcome is ok or error");
  const conn = connectionOf(values);
  const query = new URLSearchParams();
  for (const name of ["path", "outcome", "since", "until", "limit"]) if (values[name] !== undefined) query.set(name, values[name]);
  const search = query.toString();
  const reply = await api(conn, "GET", `/invocations${search === "" ? "" : `?${search}`}`);
  if (reply.status !== 200) throw new CliError(httpError(reply.status, reply.body));
  const listed = reply.body.invocations;
  if (values.json) {
    console.log(JSON.stringify(listed, null, 2));
    return 0;
  }
  if (listed.length === 0) {
    console.log("no recorded calls");
    return 0;
  }
  const color = useColor(process.stdout);
  const pathWidth = Math.max(...listed.map((i) => `${i.path} v${i.version}`.length));
  for (const i of listed) {
    const what = `${i.path} v${i.version}`.padEnd(pathWidth);
    console.log(`${i.id}  ${i.recordedAt}  ${paint(i.outcome.padEnd(5), OUTCOME_COLORS[i.outcome], color)}  ${what}  ${String(i.durationMs).padStart(5)} ms${i.errorCode ? `  ${i.errorCode}` : ""}`);
  }
  return 0;
}

// ------------------------------------------------------------------------------------------------------
// replay <id> [--version N] [--live] [--json]
// ------------------------------------------------------------------------------------------------------

/** Exit code 0 when the replay succeeded, 1 when it failed (or could not run). */
export async function replay(args) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...CONNECTION_OPTIONS, version: { type: "string" }, live: { type: "boolean" }, json: { type: "boolean" } },
  });
  if (positionals.length !== 1) throw new UsageError("replay needs exactly one recorded call id: hookflow replay <id> (see hookflow invocations)");
  const body = {};
  if (values.version !== undefined) {
    if (!/^[1-9]\d{0,9}$/.test(values.version)) throw new UsageError("--version is a script version number (1, 2, …)");
    body.version = Number(values.version);
  }
  if (values.live) body.live = true;
  const conn = connectionOf(values);
  const reply = await api(conn, "POST", `/invocations/${encodeURIComponent(positionals[0])}/replay`, { json: body });
  if (reply.status !== 200) throw new CliError(httpError(reply.status, reply.body));
  if (values.json) {
    console.log(JSON.stringify(reply.body, null, 2));
  } else {
    const color = useColor(process.stdout);
    console.log(renderRun("recorded", reply.body.recorded, color).join("\n"));
    console.log(renderRun("replay", reply.body.replay, color).join("\n"));
  }
  return reply.body.replay.ok ? 0 : 1;
}

/** `replay    v2  ok     {"data":"hi"}`, then one indented line per log entry. */
function renderRun(label, run, color) {
  const outcome = run.ok ? "ok" : "error";
  const value = run.ok ? (run.result === undefined ? "(result not recorded)" : JSON.stringify(run.result)) : `${run.error.code}: ${run.error.message}`;
  const lines = [`${label.padEnd(8)}  v${run.version}  ${paint(outcome.padEnd(5), OUTCOME_COLORS[outcome], color)}  ${cut(value)}`];
  for (const entry of run.logs) lines.push(`          ${entry.level.padEnd(5)}  ${cut(entry.message)}`);
  return lines;
}

const cut = (text) => (text.length > VALUE_WIDTH ? `${text.slice(0, VALUE_WIDTH - 1)}…` : text);

const paint = (text, sgr, color) => (color ? `\x1b[${sgr}m${text}\x1b[0m` : text);
