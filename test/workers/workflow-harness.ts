import { NOCOBASE_TEST_INSTRUCTIONS } from "../fixtures/nocobase-instructions";
import { api, newProject, uploadOk } from "./helpers";

/** A project with every test instruction of nocobase-scenarios.md uploaded as a script. */
export async function workflowProject(settings?: Record<string, unknown>): Promise<string> {
  const { project } = await newProject("nb");
  for (const [path, source] of Object.entries(NOCOBASE_TEST_INSTRUCTIONS)) await uploadOk(project, path, source);
  if (settings !== undefined) {
    const patched = await api("PATCH", `/v1/projects/${project}`, { json: settings });
    if (patched.status !== 200) throw new Error(`settings: ${patched.status} ${JSON.stringify(patched.body)}`);
  }
  return project;
}

export interface NodeSpec {
  readonly key: string;
  readonly type: string;
  readonly config?: Record<string, unknown>;
  readonly upstream?: string | null;
  readonly branchIndex?: number | null;
  readonly title?: string;
}

let saved = 0;
/** Saves a workflow (async and manual-triggered unless `extra` says otherwise) and answers its key. */
export async function saveWorkflow(project: string, nodes: NodeSpec[], extra: Record<string, unknown> = {}): Promise<string> {
  const key = `w${saved++}`;
  const reply = await api("PUT", `/v1/projects/${project}/workflows/${key}`, { json: { trigger: { type: "manual" }, nodes, ...extra } });
  if (reply.status !== 201) throw new Error(`saving ${key}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return key;
}

/** Executes a workflow; answers the execution id. */
export async function execute(project: string, key: string, body: Record<string, unknown> = {}): Promise<{ id: string; status: number | null; reply: any }> {
  const reply = await api("POST", `/v1/projects/${project}/workflows/${key}/execute`, { json: body });
  if (reply.status !== 200 && reply.status !== 202) throw new Error(`executing ${key}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return { id: reply.body.execution.id, status: reply.body.execution.status, reply: reply.body };
}

export async function execution(project: string, id: string): Promise<any> {
  const reply = await api("GET", `/v1/projects/${project}/executions/${id}`);
  if (reply.status !== 200) throw new Error(`execution ${id}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

/** Polls the execution until `done` holds (the run host drains after it answers); fails after `timeoutMs`. */
export async function waitFor(project: string, id: string, done: (e: any) => boolean, timeoutMs = 10_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const e = await execution(project, id);
    if (done(e)) return e;
    if (Date.now() > deadline) throw new Error(`execution ${id} never reached the state: ${JSON.stringify(e)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Until the execution has ended (neither queueing nor started). */
export const settled = (e: any) => e.status !== null && e.status !== 0;

/** The path and query of a signed URL (`/v1/signed/{token}?…`), to POST through `api()`. */
export const signedPath = (url: string) => {
  const { pathname, search } = new URL(url);
  return pathname + search;
};

/** POSTs a signed link (a resumeUrl, a task url, a webhookUrl) with no API key. */
export function postSigned(url: string, json: unknown = {}, headers?: Record<string, string>) {
  return api("POST", signedPath(url), { token: null, json, ...(headers === undefined ? {} : { headers }) });
}

/** `GET /executions/{id}/tasks`, which must answer 200. */
export async function tasks(project: string, id: string): Promise<any[]> {
  const reply = await api("GET", `/v1/projects/${project}/executions/${id}/tasks`);
  if (reply.status !== 200) throw new Error(`tasks of ${id}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

/** The execution's engine event log (`GET /executions/{id}/events`), in order. */
export async function executionEvents(project: string, id: string): Promise<{ seq: number; event_type: string; data: any; at: string }[]> {
  const reply = await api("GET", `/v1/projects/${project}/executions/${id}/events?limit=1000`);
  if (reply.status !== 200) throw new Error(`events of ${id}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body.events;
}

/** The statuses a job went through, from the event log (each stored change once). */
export async function jobStatusHistory(project: string, id: string, jobId: number): Promise<number[]> {
  const events = await executionEvents(project, id);
  const statuses = events.filter((e) => e.event_type === "job" && e.data.job_id === jobId).map((e) => e.data.status as number);
  return statuses.filter((s, i) => i === 0 || statuses[i - 1] !== s);
}

/**
 * Polls the execution until the wall clock reaches `untilMs` (e.g. past a timer that must not fire), checking
 * `check` on every observation: for "nothing changes later" without a blind sleep.
 */
export async function holds(project: string, id: string, untilMs: number, check: (e: any) => void): Promise<any> {
  for (;;) {
    const e = await execution(project, id);
    check(e);
    if (Date.now() >= untilMs) return e;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** An execution's jobs as `[nodeKey, status, result]` rows in id order, as the scenarios list them. */
export const jobRows = (e: any): [string, number, unknown][] => e.jobs.map((j: any) => [j.nodeKey, j.status, j.result]);

/**
 * Saves a workflow, executes it with `context`, and answers the execution once it has ended: a sync workflow's
 * answer (it has run when the request returns), an async one's state once its queue has drained to an end.
 */
export async function runToEnd(project: string, nodes: NodeSpec[], extra: Record<string, unknown> = {}, context: unknown = {}): Promise<any> {
  const key = await saveWorkflow(project, nodes, extra);
  const { id, reply } = await execute(project, key, { context });
  return extra.sync === true ? reply.execution : waitFor(project, id, settled);
}
