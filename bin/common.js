// Shared by the hookflow CLI's commands: errors, the --url/--project/--token connection, and one JSON request.

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
