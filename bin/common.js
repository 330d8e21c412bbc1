// Shared by the hookflow CLI's commands: errors, the --url/--project/--token connection, one JSON request, JSON
// files, and the --watch loop.
import { readFileSync } from "node:fs";

/** A mistake in how the CLI was called: printed with a pointer to --help, exit code 2. */
export class UsageError extends Error {}

/** A failure to report in one line (no stack): exit code 1. */
export class CliError extends Error {}

/** parseArgs options of every command that talks to a hookflow server. */
export const CONNECTION_OPTIONS = {
  url: { type: "string" },
  project: { type: "string" },
  token: { type: "string" },
};

/** `{url, project, token}` from the --url/--project/--token values, else the HOOKFLOW_* environment. */
export function connectionOf(values) {
  const url = (values.url ?? process.env.HOOKFLOW_URL ?? "http://127.0.0.1:8787").replace(/\/+$/, "");
  const project = values.project ?? process.env.HOOKFLOW_PROJECT;
  const token = values.token ?? process.env.HOOKFLOW_TOKEN;
  if (!project) throw new UsageError("no project: pass --project or set HOOKFLOW_PROJECT");
  if (!token) throw new UsageError("no token: pass --token or set HOOKFLOW_TOKEN");
  return { url, project, token };
}

/**
 * One request below `/v1/projects/{project}`: `{status, body}`, the body parsed as JSON when it is JSON.
 * `json` is sent as application/json. Throws CliError when the server cannot be reached (or the request takes
 * longer than `timeoutMs`), and rethrows the abort when `signal` aborts it.
 */
export async function api(conn, method, path, { json, signal, timeoutMs = 30_000 } = {}) {
  const headers = { Authorization: `Bearer ${conn.token}` };
  if (json !== undefined) headers["Content-Type"] = "application/json";
  const timeout = AbortSignal.timeout(timeoutMs);
  let response;
  let text;
  try {
    response = await fetch(`${conn.url}/v1/projects/${encodeURIComponent(conn.project)}${path}`, {
      method,
      headers,
      body: json === undefined ? undefined : JSON.stringify(json),
      signal: signal === undefined ? timeout : AbortSignal.any([signal, timeout]),
    });
    text = await response.text();
  } catch (error) {
    if (signal?.aborted) throw error;
    const reason = timeout.aborted ? `no answer within ${timeoutMs / 1000} s` : (error.cause?.message ?? error.message);
    throw new CliError(`cannot reach ${conn.url}: ${reason}`);
  }
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, body };
}

/** `HTTP 409 conflict: message` for an error answer (`{error: {code, message}}`, or whatever else came). */
export function httpError(status, body) {
  const error = body && typeof body === "object" ? body.error : undefined;
  if (!error || typeof error !== "object") return `HTTP ${status}: ${String(typeof body === "string" ? body : JSON.stringify(body)).slice(0, 300)}`;
  return `HTTP ${status} ${error.code ?? "error"}: ${error.message ?? ""}`;
}

/** A JSON file's value; CliError naming the file when it cannot be read or parsed. */
export function readJson(file) {
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${error.code === "ENOENT" ? "no such file" : error.message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(`${file} is not valid JSON: ${error.message}`);
  }
}

/** NO_COLOR (https://no-color.org): set and not empty turns colors off. Colors only on a terminal. */
export function useColor(stream) {
  return stream.isTTY === true && !process.env.NO_COLOR;
}

export function formatSeconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** `  +1.2s`: the time column of --watch's line-per-change output. */
export function stamp(ms) {
  return `+${(ms / 1000).toFixed(1)}s`.padStart(7);
}

/** How often --watch polls. */
const POLL_MS = 250;
/** --watch gives up after the server has been unreachable (or answered 5xx) this long in a row. */
const GIVE_UP_MS = 60_000;

/**
 * The --watch loop of `pipeline start` and `workflow run`: polls `GET path` until `update(body, elapsedMs)` answers
 * true, or until Ctrl-C (which stops watching, not the run). On a terminal `render(body, color)` (lines) is redrawn
 * in place with a footer (log-update, loaded only then); otherwise `update` prints its own lines, for logs. While
 * the server is unreachable or answers 5xx (e.g. restarting) it keeps asking, for up to GIVE_UP_MS. Answers
 * `{body, aborted, elapsedMs, color, tty}`: the last body and whether Ctrl-C stopped it.
 */
export async function follow(conn, path, { id, what, update, render }) {
  const out = process.stdout;
  const tty = out.isTTY === true;
  const color = useColor(out);
  const live = tty ? (await import("log-update")).createLogUpdate(out) : undefined;
  const began = Date.now();
  const elapsed = () => Date.now() - began;
  // `on`, not `once`: log-update's cursor restorer (signal-exit) re-raises SIGINT when it finds itself the only
  // listener, and `once` removes ours before calling it.
  const stop = new AbortController();
  const onInterrupt = () => stop.abort();
  process.on("SIGINT", onInterrupt);
  let body;
  let troubleSince; // when the server stopped answering, while it does not
  let trouble; // why, for the live view
  try {
    for (;;) {
      const polledAt = Date.now();
      let reply;
      try {
        reply = await api(conn, "GET", path, { signal: stop.signal, timeoutMs: 10_000 });
      } catch (error) {
        if (stop.signal.aborted) break;
        if (!(error instanceof CliError)) throw error;
        reply = { status: 0, body: error.message };
      }
      if (reply.status === 200) {
        if (troubleSince !== undefined && !tty) console.log(`${stamp(elapsed())}  (the server answers again)`);
        troubleSince = trouble = undefined;
        body = reply.body;
        if (await update(body, elapsed())) break;
      } else if (reply.status === 0 || reply.status >= 500) {
        const reason = reply.status === 0 ? reply.body : httpError(reply.status, reply.body);
        if (troubleSince === undefined) {
          troubleSince = Date.now();
          if (!tty) console.log(`${stamp(elapsed())}  (${reason}; retrying)`);
        }
        trouble = reason;
        if (Date.now() - troubleSince > GIVE_UP_MS) throw new CliError(`gave up watching ${id}: ${reason} for ${formatSeconds(GIVE_UP_MS)}`);
      } else {
        throw new CliError(`cannot watch ${id}: ${httpError(reply.status, reply.body)}`);
      }
      if (live && body !== undefined) {
        const text = trouble ? `watching ${id} · ${formatSeconds(elapsed())} · ${trouble}; retrying` : `watching ${id} · ${formatSeconds(elapsed())} · Ctrl-C stops watching (the ${what} goes on)`;
        live([...(await render(body, color)), "", color ? `\x1b[2m${text}\x1b[0m` : text].join("\n"));
      }
      await sleep(Math.max(0, POLL_MS - (Date.now() - polledAt)), stop.signal);
      if (stop.signal.aborted) break;
    }
  } finally {
    process.removeListener("SIGINT", onInterrupt);
    if (live) {
      live.clear();
      live.done(); // shows the cursor again
    }
  }
  return { body, aborted: stop.signal.aborted, elapsedMs: elapsed(), color, tty };
}

function sleep(ms, signal) {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
