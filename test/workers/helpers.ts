import { SELF } from "cloudflare:test";
import { jsonRequest, type Reply, type RequestOptions } from "../fixtures/http";

export const ADMIN = "test-admin-token";
export const ORIGIN = "https://hookflow.test";

/** One request to the Worker under test, JSON in and out (a `script` body is sent as application/javascript). */
export function api<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<Reply<T>> {
  return jsonRequest<T>((url, init) => SELF.fetch(url, init), method, `${ORIGIN}${path}`, ADMIN, options);
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

/** Uploads a script and throws unless it was stored (201) or was already the current version (200). */
export async function uploadOk(project: string, path: string, source: string): Promise<void> {
  const reply = await upload(project, path, source);
  if (reply.status !== 201 && reply.status !== 200) throw new Error(`upload ${path}: ${reply.status} ${JSON.stringify(reply.body)}`);
}

export async function invoke(project: string, path: string, args: unknown[] = [], extra: Record<string, unknown> = {}) {
  return api("POST", `/v1/projects/${project}/invoke`, { json: { path, args, ...extra } });
}
