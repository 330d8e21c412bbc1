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
