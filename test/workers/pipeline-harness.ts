import type { InputVar, PipelineTree } from "../../engine/bamboo/tree";
import { treeOf, type TreeSpec } from "../../engine/bamboo/validator/test-trees";
import { BAMBOO_TEST_SCRIPTS } from "../fixtures/bamboo-components";
import { api, newProject, uploadOk } from "./helpers";

/** A project with every test component, lazy variable and end event of bamboo-scenarios.md uploaded. */
export async function pipelineProject(): Promise<string> {
  const { project } = await newProject("bamboo");
  for (const [path, source] of Object.entries(BAMBOO_TEST_SCRIPTS)) await uploadOk(project, path, source);
  return project;
}

let runs = 0;
/** A unique pipeline id for a test's run. */
export function runId(label: string): string {
  return `${label}-${Date.now().toString(36)}-${runs++}`;
}

export interface ActivityPatch {
  readonly code?: string;
  readonly inputs?: Readonly<Record<string, InputVar>>;
  readonly error_ignorable?: boolean;
  readonly skippable?: boolean;
  readonly retryable?: boolean;
  readonly params?: Readonly<Record<string, InputVar>>;
  readonly [extra: string]: unknown;
}

/** A tree from builder shorthand, with activities patched (component code, inputs, flags) by id, at any depth. */
export function pipeline(spec: TreeSpec, patches: Readonly<Record<string, ActivityPatch>> = {}): PipelineTree {
  const tree = structuredClone(treeOf(spec)) as PipelineTree;
  patchLevel(tree, patches);
  return tree;
}

function patchLevel(tree: PipelineTree, patches: Readonly<Record<string, ActivityPatch>>): void {
  for (const activity of Object.values(tree.activities) as Record<string, any>[]) {
    const patch = patches[activity.id];
    if (patch !== undefined) {
      const { code, inputs, ...rest } = patch;
      if (activity.type === "ServiceActivity") {
        if (code !== undefined) activity.component.code = code;
        if (inputs !== undefined) activity.component.inputs = inputs;
      }
      Object.assign(activity, rest);
    }
    if (activity.type === "SubProcess") patchLevel(activity.pipeline, patches);
  }
}

export const plain = (value: unknown): InputVar => ({ type: "plain", value });
export const splice = (value: unknown): InputVar => ({ type: "splice", value });
export const lazy = (code: string, value: unknown): InputVar => ({ type: "lazy", custom_type: code, value });

export async function startPipeline(project: string, tree: PipelineTree, extra: Record<string, unknown> = {}) {
  return api("POST", `/v1/projects/${project}/pipelines`, { json: { pipeline: tree, ...extra } });
}

/** Starts a run and throws unless it was accepted. */
export async function run(project: string, tree: PipelineTree, extra: Record<string, unknown> = {}): Promise<string> {
  const reply = await startPipeline(project, tree, extra);
  if (reply.status !== 201) throw new Error(`start ${tree.id}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return tree.id;
}

export interface States {
  id: string;
  state: string;
  children: Record<string, { state: string; version: string; retry: number; skip: boolean; loop: number; inner_loop: number; error_ignored: boolean }>;
}

export async function states(project: string, id: string): Promise<States> {
  const reply = await api<States>("GET", `/v1/projects/${project}/pipelines/${id}`);
  if (reply.status !== 200) throw new Error(`states ${id}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

/** A node's detail (state, execution_data, data, schedule, histories). */
export async function node(project: string, id: string, nodeId: string): Promise<any> {
  const reply = await api("GET", `/v1/projects/${project}/pipelines/${id}/nodes/${nodeId}`);
  if (reply.status !== 200) throw new Error(`node ${nodeId}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

/** A pipeline or node operation: `op("pause")`, `op("nodes/A/retry", {data})`. */
export async function op(project: string, id: string, path: string, json?: unknown) {
  return api("POST", `/v1/projects/${project}/pipelines/${id}/${path}`, json === undefined ? {} : { json });
}

/** Polls the run's states until `done` holds (the engine runs after the answer), failing after `timeoutMs`. */
export async function waitFor(project: string, id: string, done: (s: States) => boolean, timeoutMs = 20_000): Promise<States> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = await states(project, id);
    if (done(current)) return current;
    if (Date.now() > deadline) throw new Error(`timed out waiting on ${id}: ${JSON.stringify(current)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Waits until a callback node has its schedule (its execute has run). */
export async function waitForSchedule(project: string, id: string, nodeId: string): Promise<any> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const detail = await node(project, id, nodeId);
    if (detail.schedule !== null && detail.schedule.version === detail.state.version) return detail;
    if (Date.now() > deadline) throw new Error(`no schedule for ${nodeId}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The state names of the given nodes ("absent" for a node with no state row). */
export function stateNames(s: States, ids: readonly string[]): Record<string, string> {
  return Object.fromEntries(ids.map((nid) => [nid, nid === s.id ? s.state : (s.children[nid]?.state ?? "absent")]));
}

export const is = (value: string, ids: readonly string[]) => Object.fromEntries(ids.map((nid) => [nid, value]));
