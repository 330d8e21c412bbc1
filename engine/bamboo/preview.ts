import type { RunHost } from "../run-host";
import { plainValue, prepareInputs } from "./context";
import { InvalidOperation, NotFound } from "./errors";
import { MemoryBambooStore } from "./memory-store";
import { prepareRun } from "./prepare";
import { DEFAULT_RUN_SETTINGS, type NodeRecord } from "./records";
import type { BambooRuntime } from "./runtime";
import type { BambooScripts } from "./service";
import type { DataVar, PipelineTree } from "./tree";

export interface PreviewOptions {
  /** SubProcess ids from the root down to the level holding the node (bamboo's `subprocess_stack`). */
  readonly subprocessStack?: readonly string[];
  /** The run's `root_pipeline_data`; kept on the throwaway run as a run would keep it. */
  readonly rootPipelineData?: Readonly<Record<string, unknown>>;
  /**
   * Extra variables of the root level, in bamboo's form `{"${key}": {type, value, custom_type?}}`; they override
   * the tree's `data.inputs` of the same key (bamboo's `parent_params`).
   */
  readonly parentParams?: Readonly<Record<string, unknown>>;
  /** Resolves lazy variables (`lazyValue`); nothing else is called. */
  readonly scripts: BambooScripts;
}

/**
 * bamboo's `preview_node_inputs` (bamboo-engine.md §2.7): a node's inputs rendered from the tree, without running
 * anything. The tree is stored into a throwaway in-memory run, each subprocess of the stack gets its params
 * rendered in its parent's context, and the node's raw inputs (a ServiceActivity's component inputs, a
 * SubProcess's params) are rendered in its own level's context.
 *
 * Rendering follows what a run would do, where bamboo's preview differs:
 * - plain inputs (and plain params) are not rendered; bamboo's preview renders every input whatever its type;
 * - a lazy input is resolved through its variable script, as at run time; bamboo's preview only renders its value;
 * - a node output variable has no value until its node runs, so references to it stay literal; bamboo's preview
 *   substitutes the tree's placeholder value (usually null).
 * As in bamboo's preview, no `_loop`/`_inner_loop` are added (a run adds both, and pre-writes the context keys
 * mapped from them).
 *
 * Throws NotFound for a node (or stack entry) not on the level the stack leads to, InvalidOperation for a node
 * that has no inputs (events, gateways) or a stack entry that is not a SubProcess, and HydrateFailed when a lazy
 * variable's script throws.
 */
export async function previewNodeInputs(tree: PipelineTree, nodeId: string, options: PreviewOptions): Promise<Record<string, unknown>> {
  const rt = previewRuntime(options.scripts);
  const rootTree = withParentParams(tree, options.parentParams ?? {});
  prepareRun(rt, rootTree, { rootPipelineData: options.rootPipelineData ?? {}, settings: DEFAULT_RUN_SETTINGS });
  let pipelineId = tree.id;
  for (const subprocessId of options.subprocessStack ?? []) {
    await enterSubprocess(rt, pipelineId, subprocessId);
    pipelineId = subprocessId;
  }
  const node = nodeOnLevel(rt, pipelineId, nodeId);
  if (node.type !== "ServiceActivity" && node.type !== "SubProcess") {
    throw new InvalidOperation(`can not preview inputs for node type: ${node.type}`);
  }
  return prepareInputs(rt, pipelineId, rt.store.data(node.id)?.inputs ?? {});
}

/**
 * A runtime that only stores: the run prepareRun creates never executes, because the queue drops what is
 * enqueued, and there is no clock-driven work. Ids come from a counter, in the `v` + 32 hex shape of a run's.
 */
function previewRuntime(scripts: BambooScripts): BambooRuntime {
  let issued = 0;
  const host: RunHost = {
    now: () => Date.now(),
    enqueue: () => undefined,
    cancel: () => undefined,
    emit: () => undefined,
    newId: (prefix) => `${prefix}${(++issued).toString(16).padStart(32, "0")}`,
    background: () => {
      throw new Error("a preview starts no background work");
    },
  };
  return { store: new MemoryBambooStore(), host, scripts, settings: DEFAULT_RUN_SETTINGS };
}

/** The tree with `parentParams` added to its root `data.inputs`, overriding entries of the same key. */
function withParentParams(tree: PipelineTree, parentParams: Readonly<Record<string, unknown>>): PipelineTree {
  const entries = Object.entries(parentParams);
  if (entries.length === 0) return tree;
  const params = Object.fromEntries(entries.map(([key, param]) => [key, parentParamVariable(key, param)]));
  return { ...tree, data: { ...tree.data, inputs: { ...tree.data?.inputs, ...params } } };
}

/**
 * A parent param as a context variable. Only type, value and custom_type are kept: bamboo makes every param a
 * context value, so a param is never taken for a node output.
 */
function parentParamVariable(key: string, param: unknown): DataVar {
  if (typeof param !== "object" || param === null || Array.isArray(param) || !("value" in param)) {
    throw new InvalidOperation(`parent param ${key} must be an object {type, value}`);
  }
  const { type, value, custom_type } = param as { type?: unknown; value: unknown; custom_type?: unknown };
  return {
    value,
    ...(type === "plain" || type === "splice" || type === "lazy" ? { type } : {}),
    ...(typeof custom_type === "string" ? { custom_type } : {}),
  };
}

/** Renders a SubProcess's params in its parent's context into its own context, as the SubProcess handler does. */
async function enterSubprocess(rt: BambooRuntime, parentId: string, subprocessId: string): Promise<void> {
  const node = nodeOnLevel(rt, parentId, subprocessId);
  if (node.type !== "SubProcess") throw new InvalidOperation(`subprocess stack entry ${subprocessId} is a ${node.type}, not a SubProcess`);
  const params = await prepareInputs(rt, parentId, rt.store.data(node.id)?.inputs ?? {});
  for (const [key, value] of Object.entries(params)) rt.store.putContextValue(node.id, plainValue(key, value));
}

/** The node, if it belongs to the (sub)pipeline `pipelineId` itself (not to one nested in it). */
function nodeOnLevel(rt: BambooRuntime, pipelineId: string, nodeId: string): NodeRecord {
  const node = rt.store.node(nodeId);
  if (node === undefined || node.parentPipelineId !== pipelineId) throw new NotFound(`node(${nodeId}) not found in pipeline(${pipelineId})`);
  return node;
}
