/**
 * Step 3 of `validate_and_process_pipeline` (bamboo-engine.md §5.4.3): a tree may not loop unless `cycle_tolerate`
 * is set. Ported from `connection.py:validate_graph_without_circle` and `utils/graph.py:Graph.get_cycle`: a
 * depth-first search over the flows, nodes taken in upstream's order (start, end, gateways, activities), that
 * reports the first cycle it closes. Iterative, so a long chain cannot overflow the stack.
 */

import type { PipelineTree } from "../tree";
import { invalid, type TreeInvalid } from "./errors";

export const CYCLE_MESSAGE = "pipeline graph has circle";

export function validateNoCycle(tree: PipelineTree): TreeInvalid | null {
  const cycle = findCycle(tree);
  return cycle === null ? null : invalid("cycle", CYCLE_MESSAGE, cycle, tree.id);
}

/** The nodes of the first cycle found, in flow order starting where it closes, or null when there is none. */
export function findCycle(tree: PipelineTree): string[] | null {
  const successors = successorsByNode(tree);
  const finished = new Set<string>();
  for (const root of successors.keys()) {
    if (finished.has(root)) continue;
    const cycle = cycleReachableFrom(root, successors, finished);
    if (cycle !== null) return cycle;
  }
  return null;
}

function successorsByNode(tree: PipelineTree): Map<string, string[]> {
  const ids = [tree.start_event.id, tree.end_event.id, ...Object.keys(tree.gateways), ...Object.keys(tree.activities)];
  const successors = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const flow of Object.values(tree.flows)) successors.get(flow.source)?.push(flow.target);
  return successors;
}

/** Depth-first from `root`; `path` is the current stack of nodes, so a successor already on it closes a cycle. */
function cycleReachableFrom(root: string, successors: ReadonlyMap<string, string[]>, finished: Set<string>): string[] | null {
  const path: string[] = [root];
  const onPath = new Set<string>([root]);
  const nextIndex: number[] = [0];
  while (path.length > 0) {
    const top = path.length - 1;
    const node = path[top] as string;
    const next = successors.get(node) ?? [];
    const index = nextIndex[top] as number;
    if (index >= next.length) {
      path.pop();
      nextIndex.pop();
      onPath.delete(node);
      finished.add(node);
      continue;
    }
    nextIndex[top] = index + 1;
    const neighbour = next[index] as string;
    if (onPath.has(neighbour)) return path.slice(path.indexOf(neighbour));
    if (finished.has(neighbour) || !successors.has(neighbour)) continue;
    path.push(neighbour);
    onPath.add(neighbour);
    nextIndex.push(0);
  }
  return null;
}
