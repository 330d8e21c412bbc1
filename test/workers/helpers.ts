import { SELF } from "cloudflare:test";

export const ADMIN = "test-admin-token";
export const ORIGIN = "https://hookflow.test";

export interface ApiReply<T = any> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

/** One request to the Worker under test, JSON in and out (a string body is sent as a script). */
export async function api<T = any>(
  method: string,
  path: string,
  options: { token?: string | null; json?: unknown; script?: string; headers?: Record<string, string> } = {},
): Promise<ApiReply<T>> {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? ADMIN : options.token;
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (options.json !== undefined) {
    headers["Content-Type"] ??= "application/json";
    body = JSON.stringify(options.json);
  } else if (options.script !== undefined) {
    headers["Content-Type"] ??= "application/javascript";
    body = options.script;
  }
  const response = await SELF.fetch(`${ORIGIN}${path}`, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text, the test will say so
  }
  return { status: response.status, body: parsed as T, headers: response.headers };
}

let counter = 0;
/** A fresh project (storage is shared by the tests of a file) with its keys. */
export async function newProject(prefix = "p"): Promise<{ project: string; apiKey: string; hookKey: string; fireboomBaseUrl: string }> {
  const project = `${prefix}-${Date.now().toString(36)}-${counter++}`;
  const reply = await api("PUT", `/v1/projects/${project}`);
  if (reply.status !== 201) throw new Error(`creating ${project}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

export async function upload(project: string, path: string, source: string, token?: string) {
  return api("PUT", `/v1/projects/${project}/scripts/${path}`, { script: source, token });
}

export async function invoke(project: string, path: string, args: unknown[] = [], extra: Record<string, unknown> = {}) {
  return api("POST", `/v1/projects/${project}/invoke`, { json: { path, args, ...extra } });
}
