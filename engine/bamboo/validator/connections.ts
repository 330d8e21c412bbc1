/**
 * Step 2 of `validate_and_process_pipeline` (bamboo-engine.md §5.4.2): how nodes may be wired.
 *
 * First the references upstream only assumes (a broken one makes it raise KeyError): every flow joins two nodes
 * of this level and is listed by both, every listed flow exists, and a SubProcess's id is its pipeline's id.
 * Then the rules table of `validator/rules.py`, checked as `connection.py:validate_graph_connection` does.
 */

import { elementsOf, type PipelineTree } from "../tree";
import { invalidFrom, type Problem, type TreeInvalid } from "./errors";
import { flowOf, incomingIds, levelNodes, outgoingIds, type LevelNode, type NodeRole } from "./level-graph";

const MAX_IN = 1000;
const MAX_OUT = 1000;

interface ConnectionRule {
  readonly minIn: number;
  readonly maxIn: number;
  readonly minOut: number;
  readonly maxOut: number;
  /** Whether a node of this rule may have a flow to a node of `role`. */
  readonly mayConnectTo: (role: NodeRole) => boolean;
}

/** `rules.py:NODE_RULES`, by role: custom end-event types share the end event's SINK_RULE (`add_sink_type`). */
const RULES: Readonly<Record<NodeRole, ConnectionRule>> = {
  start: { minIn: 0, maxIn: 0, minOut: 1, maxOut: 1, mayConnectTo: (role) => role !== "start" && role !== "end" },
  end: { minIn: 1, maxIn: MAX_IN, minOut: 0, maxOut: 0, mayConnectTo: () => false },
  activity: { minIn: 1, maxIn: MAX_IN, minOut: 1, maxOut: 1, mayConnectTo: (role) => role !== "start" },
  branch: { minIn: 1, maxIn: MAX_IN, minOut: 1, maxOut: MAX_OUT, mayConnectTo: (role) => role !== "start" },
  converge: { minIn: 1, maxIn: MAX_IN, minOut: 1, maxOut: 1, mayConnectTo: (role) => role !== "start" },
};

/** Checks references, then the connection rules, of one level (subprocess trees are validated on their own). */
export function validateConnections(tree: PipelineTree): TreeInvalid | null {
  return invalidFrom("connection", referenceProblems(tree), tree.id) ?? invalidFrom("connection", ruleProblems(tree), tree.id, true);
}

/** Dangling or one-sided flows, flows listed twice, and SubProcess ids that differ from their pipeline's. */
export function referenceProblems(tree: PipelineTree): Problem[] {
  const elements = elementsOf(tree);
  const problems: Problem[] = [];
  for (const [flowId, flow] of Object.entries(tree.flows)) {
    const source = elements.get(flow.source);
    const target = elements.get(flow.target);
    if (source === undefined) problems.push({ node: target?.id ?? flowId, message: `flow ${flowId}: source ${flow.source} is not a node of this pipeline` });
    if (target === undefined) problems.push({ node: source?.id ?? flowId, message: `flow ${flowId}: target ${flow.target} is not a node of this pipeline` });
    if (source !== undefined && !outgoingIds(source).includes(flowId)) {
      problems.push({ node: source.id, message: `flow ${flowId} leaves ${source.id} but is not in its "outgoing"` });
    }
    if (target !== undefined && !incomingIds(target).includes(flowId)) {
      problems.push({ node: target.id, message: `flow ${flowId} enters ${target.id} but is not in its "incoming"` });
    }
  }
  for (const element of elements.values()) {
    problems.push(...listedFlowProblems(tree, element.id, incomingIds(element), "incoming", "target"));
    problems.push(...listedFlowProblems(tree, element.id, outgoingIds(element), "outgoing", "source"));
  }
  for (const activity of Object.values(tree.activities)) {
    if (activity.type === "SubProcess" && activity.pipeline.id !== activity.id) {
      problems.push({ node: activity.id, message: `SubProcess ${activity.id}: its id must equal its pipeline's id (${activity.pipeline.id})` });
    }
  }
  return problems;
}

/** Each flow an element lists must exist, be listed once, and have the element at the right end. */
function listedFlowProblems(tree: PipelineTree, nodeId: string, flowIds: readonly string[], list: "incoming" | "outgoing", end: "source" | "target"): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const flowId of flowIds) {
    if (seen.has(flowId)) problems.push({ node: nodeId, message: `${nodeId}: flow ${flowId} is listed twice in "${list}"` });
    seen.add(flowId);
    const flow = flowOf(tree, flowId);
    if (flow === undefined) problems.push({ node: nodeId, message: `${nodeId}: ${list} flow ${flowId} does not exist` });
    else if (flow[end] !== nodeId) problems.push({ node: nodeId, message: `${nodeId}: ${list} flow ${flowId} has ${end} ${flow[end]}, not this node` });
  }
  return problems;
}

/**
 * The rules table. **(quirk)** Upstream checks degrees inside its loop over a node's targets, so a node without
 * targets is never checked: an end event with no incoming flow passes.
 */
export function ruleProblems(tree: PipelineTree): Problem[] {
  const nodes = levelNodes(tree);
  const problems: Problem[] = [];
  for (const node of nodes.values()) {
    const messages = ruleMessages(node, nodes);
    if (messages.length > 0) problems.push({ node: node.id, message: `${node.id}: ${messages.join("; ")}` });
  }
  return problems;
}

function ruleMessages(node: LevelNode, nodes: ReadonlyMap<string, LevelNode>): string[] {
  if (node.targets.length === 0) return [];
  const rule = RULES[node.role];
  const messages = new Set<string>();
  for (const targetId of node.targets) {
    const target = nodes.get(targetId);
    if (target !== undefined && !rule.mayConnectTo(target.role)) {
      messages.add(`不能连接${target.type}类型节点 (may not connect to a ${target.type} node)`);
    }
  }
  const inDegree = node.sources.length;
  const outDegree = node.targets.length;
  if (inDegree < rule.minIn || inDegree > rule.maxIn) {
    messages.add(`节点的入度最大为${rule.maxIn}，最小为${rule.minIn} (in-degree must be ${rangeText(rule.minIn, rule.maxIn)}, is ${inDegree})`);
  }
  if (outDegree < rule.minOut || outDegree > rule.maxOut) {
    messages.add(`节点的出度最大为${rule.maxOut}，最小为${rule.minOut} (out-degree must be ${rangeText(rule.minOut, rule.maxOut)}, is ${outDegree})`);
  }
  return [...messages];
}

function rangeText(min: number, max: number): string {
  return min === max ? `${min}` : `between ${min} and ${max}`;
}
