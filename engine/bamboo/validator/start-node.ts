/**
 * Where a run may start (bamboo-engine.md §5.5, `validator/api.py:get_allowed_start_node_ids` and
 * `utils.py:compute_pipeline_main_nodes`): the start event and the main-line activities and branching gateways.
 * The walk goes through exclusive branches, converge gateways and subprocesses (none of which may be a start
 * itself), and jumps from a parallel gateway straight to its converge gateway, so nothing inside a parallel block
 * or a subprocess is allowed. End events are never allowed.
 */

import type { PipelineTree } from "../tree";
import { invalid, type TreeInvalid } from "./errors";
import { matchGateways } from "./gateways";
import { levelNodes, PARALLEL_TYPES, writtenConvergeOf, type LevelNode } from "./level-graph";
import { normalizeTree } from "./normalize";

export const START_POSITION_MESSAGE = "this node_id is not allowed as a starting node";

const STARTABLE_TYPES: ReadonlySet<string> = new Set(["EmptyStartEvent", "ServiceActivity", "ExclusiveGateway", "ParallelGateway", "ConditionalParallelGateway"]);
const WALKED_THROUGH_TYPES: ReadonlySet<string> = new Set(["EmptyStartEvent", "ServiceActivity", "ExclusiveGateway", "ConvergeGateway", "SubProcess"]);

/**
 * The ids a run of this tree may start from, start event first, in depth-first order. Meant for a tree that passed
 * `validatePipelineTree`; on one whose parallel gateways carry no `converge_gateway_id` the matching is worked out
 * on a copy, and a parallel gateway that cannot be matched is not walked past.
 */
export function allowedStartNodeIds(tree: PipelineTree): string[] {
  const nodes = levelNodes(tree);
  const convergeOf = convergeLookup(tree);
  const allowed: string[] = [];
  const visited = new Set<string>();
  // Depth-first, children pushed in reverse so that they are visited in flow order (upstream recurses).
  const stack: string[] = [tree.start_event.id];
  while (stack.length > 0) {
    const node = nodes.get(stack.pop() as string);
    if (node === undefined || visited.has(node.id)) continue; // upstream has no visited set and loops on cycles
    visited.add(node.id);
    if (STARTABLE_TYPES.has(node.type)) allowed.push(node.id);
    stack.push(...nextOnMainLine(node, convergeOf).reverse());
  }
  return allowed;
}

function nextOnMainLine(node: LevelNode, convergeOf: (gatewayId: string) => string | undefined): string[] {
  if (node.role === "end") return [];
  if (WALKED_THROUGH_TYPES.has(node.type)) return [...node.targets];
  if (PARALLEL_TYPES.has(node.type)) {
    const convergeId = convergeOf(node.id);
    return convergeId === undefined ? [] : [convergeId];
  }
  return [];
}

/** Reads `converge_gateway_id`, or matches the gateways of a copy when a parallel gateway lacks one. */
function convergeLookup(tree: PipelineTree): (gatewayId: string) => string | undefined {
  const written = (gatewayId: string): string | undefined => writtenConvergeOf(tree, gatewayId);
  const unmatched = Object.values(tree.gateways).some((gateway) => PARALLEL_TYPES.has(gateway.type) && written(gateway.id) === undefined);
  if (!unmatched) return written;
  let matches: Map<string, string>;
  try {
    matches = matchGateways(normalizeTree(tree));
  } catch {
    matches = new Map(); // the tree does not validate: stop at every unmatched parallel gateway
  }
  return (gatewayId) => written(gatewayId) ?? matches.get(gatewayId);
}

/** `validate_pipeline_start_node`: the start event, or one of `allowedStartNodeIds`. */
export function validateStartNode(tree: PipelineTree, startNodeId: unknown): TreeInvalid | null {
  if (startNodeId === tree.start_event.id) return null;
  if (typeof startNodeId === "string" && allowedStartNodeIds(tree).includes(startNodeId)) return null;
  return invalid("start_position", START_POSITION_MESSAGE, typeof startNodeId === "string" ? [startNodeId] : [], tree.id);
}
