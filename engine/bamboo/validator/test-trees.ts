/**
 * Test-only: short pipeline trees for tests. `treeOf` turns chains of node ids into a full bamboo tree:
 *
 *     treeOf({ flows: ["s -> a -> PG1 -> [b, c] -> CG1 -> e"] })
 *
 * - Each `->` joins every node on its left to every node on its right; `[x, y]` is a group.
 * - `s` and `e` are the start and end events (`start`/`end` rename them).
 * - A node's kind comes from `kinds`, else from its id's prefix, any case: `CPG…` ConditionalParallelGateway,
 *   `PG…` ParallelGateway, `EG…` ExclusiveGateway, `CG…` ConvergeGateway, ids in `subprocesses` SubProcess,
 *   anything else a ServiceActivity (`debug_node`).
 * - Flow ids are `f1`, `f2`… in the order the chains give them (`<subprocess id>.f1`… in a child tree), one flow
 *   per arrow and pair, so a repeated pair makes a second flow.
 * - A SubProcess child tree's pipeline id is the SubProcess id; its start and end default to `<id>_s`, `<id>_e`,
 *   and with no chains it is `<id>_s -> <id>_act -> <id>_e`.
 * - Conditional gateways get a condition on every outgoing flow (`True == True` unless `conditions` says).
 */

import type { Activity, Condition, Flow, Gateway, PipelineData, PipelineTree } from "../tree";

export type NodeKind = "task" | "subprocess" | "exclusive" | "parallel" | "conditional" | "converge";

export interface TreeSpec {
  /** Chains such as `"s -> a -> [b, c] -> e"`. A child tree without any is `<id>_s -> <id>_act -> <id>_e`. */
  readonly flows?: readonly string[];
  /** Pipeline id: `p` for the root, the SubProcess id for a child tree. */
  readonly id?: string;
  readonly start?: string;
  readonly end?: string;
  /** The end event's type: `EmptyEndEvent` unless an ExecutableEndEvent code is given. */
  readonly endType?: string;
  /** Kinds by node id, over the prefix rule. A node listed here but in no chain is added with no flows. */
  readonly kinds?: Readonly<Record<string, NodeKind>>;
  /** Child trees by SubProcess id. */
  readonly subprocesses?: Readonly<Record<string, Omit<TreeSpec, "id">>>;
  /** Conditions of conditional gateways: gateway id → target node id → expression. */
  readonly conditions?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Default branch of a conditional gateway: gateway id → target node id. */
  readonly defaults?: Readonly<Record<string, string>>;
  readonly data?: PipelineData;
}

const GATEWAY_TYPE: Readonly<Record<Exclude<NodeKind, "task" | "subprocess">, Gateway["type"]>> = {
  exclusive: "ExclusiveGateway",
  parallel: "ParallelGateway",
  conditional: "ConditionalParallelGateway",
  converge: "ConvergeGateway",
};

export function treeOf(spec: TreeSpec): PipelineTree {
  return buildTree(spec, spec.id ?? "p", true);
}

function buildTree(spec: TreeSpec, pipelineId: string, isRoot: boolean): PipelineTree {
  const start = spec.start ?? (isRoot ? "s" : `${pipelineId}_s`);
  const end = spec.end ?? (isRoot ? "e" : `${pipelineId}_e`);
  const flowPrefix = isRoot ? "" : `${pipelineId}.`;
  const chains = spec.flows ?? (isRoot ? [] : [`${start} -> ${pipelineId}_act -> ${end}`]);
  const flows = edgesOf(chains).map(([source, target], i): Flow => ({ id: `${flowPrefix}f${i + 1}`, source, target, is_default: false }));
  const order = nodeOrder(spec, flows, start, end);
  const incomingByNode = groupFlowIds(flows, "target");
  const outgoingByNode = groupFlowIds(flows, "source");
  const incoming = (id: string): string[] => [...(incomingByNode.get(id) ?? [])];
  const outgoing = (id: string): string[] => [...(outgoingByNode.get(id) ?? [])];
  const single = (id: string): string => singleOrList(outgoing(id));

  const activities: Record<string, Activity> = {};
  const gateways: Record<string, Gateway> = {};
  for (const id of order) {
    if (id === start || id === end) continue;
    const kind = kindOf(spec, id);
    if (kind === "task") {
      activities[id] = { id, name: id, type: "ServiceActivity", incoming: incoming(id), outgoing: single(id), component: { code: "debug_node", inputs: {} }, error_ignorable: false, skippable: true, retryable: true };
    } else if (kind === "subprocess") {
      const child = buildTree(spec.subprocesses?.[id] ?? {}, id, false);
      activities[id] = { id, name: id, type: "SubProcess", incoming: incoming(id), outgoing: single(id), params: {}, pipeline: child };
    } else {
      gateways[id] = gatewayOf(spec, id, GATEWAY_TYPE[kind], incoming(id), outgoing(id), flows);
    }
  }
  return {
    id: pipelineId,
    start_event: { id: start, name: null, type: "EmptyStartEvent", incoming: singleOrList(incoming(start)), outgoing: single(start) },
    end_event: { id: end, name: null, type: spec.endType ?? "EmptyEndEvent", incoming: incoming(end), outgoing: singleOrList(outgoing(end)) },
    activities,
    gateways,
    flows: Object.fromEntries(flows.map((flow) => [flow.id, flow])),
    data: spec.data ?? { inputs: {}, outputs: [], pre_render_keys: [] },
  };
}

function groupFlowIds(flows: readonly Flow[], end: "source" | "target"): Map<string, string[]> {
  const byNode = new Map<string, string[]>();
  for (const flow of flows) {
    const ids = byNode.get(flow[end]);
    if (ids === undefined) byNode.set(flow[end], [flow.id]);
    else ids.push(flow.id);
  }
  return byNode;
}

/** One flow id as a string (as bamboo writes it for `outgoing`), several as a list, none as `""`. */
function singleOrList(flowIds: string[]): string {
  if (flowIds.length <= 1) return flowIds[0] ?? "";
  // Several flows where bamboo expects one: keep them all, for the connection rules to refuse.
  return flowIds as unknown as string;
}

function gatewayOf(spec: TreeSpec, id: string, type: Gateway["type"], incoming: string[], outgoing: string[], flows: readonly Flow[]): Gateway {
  if (type === "ConvergeGateway") return { id, name: id, type, incoming, outgoing: singleOrList(outgoing) };
  if (type === "ParallelGateway") return { id, name: id, type, incoming, outgoing };
  const targetOf = (flowId: string): string => flows.find((flow) => flow.id === flowId)?.target ?? "";
  const conditions: Record<string, Condition> = {};
  for (const flowId of outgoing) conditions[flowId] = { evaluate: spec.conditions?.[id]?.[targetOf(flowId)] ?? "True == True" };
  const defaultTarget = spec.defaults?.[id];
  const defaultFlow = defaultTarget === undefined ? undefined : outgoing.find((flowId) => targetOf(flowId) === defaultTarget);
  return { id, name: id, type, incoming, outgoing, conditions, ...(defaultFlow === undefined ? {} : { default_condition: { flow_id: defaultFlow } }) };
}

function kindOf(spec: TreeSpec, id: string): NodeKind {
  const declared = spec.kinds?.[id];
  if (declared !== undefined) return declared;
  if (spec.subprocesses !== undefined && Object.hasOwn(spec.subprocesses, id)) return "subprocess";
  const lower = id.toLowerCase();
  if (lower.startsWith("cpg")) return "conditional";
  if (lower.startsWith("pg")) return "parallel";
  if (lower.startsWith("eg")) return "exclusive";
  if (lower.startsWith("cg")) return "converge";
  return "task";
}

/** Every node id in first-mention order: chains, then `kinds` and `subprocesses` (for nodes without flows). */
function nodeOrder(spec: TreeSpec, flows: readonly Flow[], start: string, end: string): string[] {
  const ids = [start, ...flows.flatMap((flow) => [flow.source, flow.target]), ...Object.keys(spec.kinds ?? {}), ...Object.keys(spec.subprocesses ?? {}), end];
  return [...new Set(ids)];
}

/** `"a -> [b, c] -> d"` → a→b, a→c, b→d, c→d. */
export function edgesOf(chains: readonly string[]): [string, string][] {
  const edges: [string, string][] = [];
  for (const chain of chains) {
    const groups = chain.split("->").map(groupOf);
    for (let i = 1; i < groups.length; i++) {
      for (const source of groups[i - 1] as string[]) for (const target of groups[i] as string[]) edges.push([source, target]);
    }
  }
  return edges;
}

function groupOf(token: string): string[] {
  const trimmed = token.trim();
  const inner = trimmed.startsWith("[") && trimmed.endsWith("]") ? trimmed.slice(1, -1) : trimmed;
  const ids = inner.split(",").map((id) => id.trim()).filter((id) => id.length > 0);
  if (ids.length === 0) throw new Error(`treeOf: empty node in chain near "${token}"`);
  return ids;
}

/** The id of the (first) flow from `source` to `target`; throws when there is none, to keep tests honest. */
export function flowBetween(tree: PipelineTree, source: string, target: string): string {
  const flow = Object.values(tree.flows).find((f) => f.source === source && f.target === target);
  if (flow === undefined) throw new Error(`no flow ${source} -> ${target}`);
  return flow.id;
}

type Loose = Record<string, unknown>;

/** A tree with every field writable and loosely typed, for tests that break trees on purpose. */
export interface EditableTree extends Loose {
  start_event: Loose;
  end_event: Loose;
  activities: Record<string, Loose>;
  gateways: Record<string, Loose>;
  flows: Record<string, Loose>;
}

/** A deep, writable copy of a tree. */
export function editable(tree: PipelineTree): EditableTree {
  return structuredClone(tree) as unknown as EditableTree;
}
