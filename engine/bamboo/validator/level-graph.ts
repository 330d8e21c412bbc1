/**
 * One tree level as a graph of nodes with their neighbours, like upstream's `utils.py:get_nodes_dict`: the start
 * event, the end event, then activities and gateways, each with the node ids its flows come from and go to.
 * Subprocess trees are not entered.
 */

import type { PipelineTree } from "../tree";

/** What a node may do in the connection rules (§5.4.2); the end event is a sink whatever its type. */
export type NodeRole = "start" | "end" | "activity" | "branch" | "converge";

export interface LevelNode {
  readonly id: string;
  readonly type: string;
  readonly role: NodeRole;
  readonly incoming: readonly string[];
  readonly outgoing: readonly string[];
  /** Source node of each incoming flow, in `incoming` order. */
  readonly sources: readonly string[];
  /** Target node of each outgoing flow, in `outgoing` order. */
  readonly targets: readonly string[];
}

export const PARALLEL_TYPES: ReadonlySet<string> = new Set(["ParallelGateway", "ConditionalParallelGateway"]);

function roleOfType(type: string): NodeRole {
  if (type === "ServiceActivity" || type === "SubProcess") return "activity";
  if (type === "ConvergeGateway") return "converge";
  return "branch";
}

/** The nodes of one level in upstream order. Flows that do not exist are left out of `sources`/`targets`. */
export function levelNodes(tree: PipelineTree): Map<string, LevelNode> {
  const nodes = new Map<string, LevelNode>();
  const add = (element: { id: string; type: string; incoming?: unknown; outgoing?: unknown }, role: NodeRole): void => {
    const incoming = incomingIds(element);
    const outgoing = outgoingIds(element);
    const sources = incoming.flatMap((flowId) => endOf(tree, flowId, "source"));
    const targets = outgoing.flatMap((flowId) => endOf(tree, flowId, "target"));
    nodes.set(element.id, { id: element.id, type: element.type, role, incoming, outgoing, sources, targets });
  };
  add(tree.start_event, "start");
  add(tree.end_event, "end");
  for (const activity of Object.values(tree.activities)) add(activity, roleOfType(activity.type));
  for (const gateway of Object.values(tree.gateways)) add(gateway, roleOfType(gateway.type));
  return nodes;
}

function endOf(tree: PipelineTree, flowId: string, end: "source" | "target"): string[] {
  const flow = own(tree.flows, flowId);
  return flow === undefined ? [] : [flow[end]];
}

/**
 * The flow ids of an `incoming`/`outgoing` value as a new list: a string is one id, `""`, `null` and absence are
 * none (as upstream's `format_to_list`; tree.ts's `incomingOf`/`outgoingOf` would throw on `null`).
 */
export function flowIdList(value: unknown): string[] {
  if (typeof value === "string") return value === "" ? [] : [value];
  if (!Array.isArray(value)) return [];
  // An index loop, not filter(): a hostile array's own `constructor` would break Array species lookups.
  const ids: string[] = [];
  for (let i = 0; i < value.length; i++) if (typeof value[i] === "string") ids.push(value[i] as string);
  return ids;
}

export function incomingIds(element: { readonly incoming?: unknown }): string[] {
  return flowIdList(element.incoming);
}

export function outgoingIds(element: { readonly outgoing?: unknown }): string[] {
  return flowIdList(element.outgoing);
}

/** The flow with this id on the level, if any. */
export function flowOf(tree: PipelineTree, flowId: string): PipelineTree["flows"][string] | undefined {
  return own(tree.flows, flowId);
}

/** The `converge_gateway_id` written on a branching gateway, if it is a string. */
export function writtenConvergeOf(tree: PipelineTree, gatewayId: string): string | undefined {
  const gateway = own(tree.gateways, gatewayId);
  if (gateway === undefined || gateway.type === "ConvergeGateway") return undefined;
  const convergeId: unknown = gateway.converge_gateway_id;
  return typeof convergeId === "string" ? convergeId : undefined;
}

/** `record[key]` for own keys only, so that an id such as `"constructor"` never finds Object's prototype. */
export function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
