/**
 * A node's distance from the start event, as `validator/gateway.py:distance_from` computes it: the longest path
 * found by a depth-first walk backwards over incoming flows that never enters a node twice in one call. Results
 * are cached in `marked` across calls, as upstream does; because the walk's visited set is shared, a node's
 * cached value depends on the order of the calls. Gateway matching relies on exactly these values, so they are
 * reproduced, not improved. Iterative, so a long chain cannot overflow the stack.
 */

import type { PipelineTree } from "../tree";
import { flowOf, incomingIds } from "./level-graph";

interface Frame {
  readonly id: string;
  readonly sources: readonly string[];
  next: number;
  best: number | null;
}

/** The distance of `nodeId` from the start event, or null when no acyclic path leads to it. */
export function distanceFromStart(tree: PipelineTree, nodeId: string, marked: Map<string, number>): number | null {
  const origin = tree.start_event.id;
  const visited = new Set<string>();
  /** What entering `id` gives at once, or "walk" when its sources must be walked first. */
  const settle = (id: string): number | null | "walk" => {
    const cached = marked.get(id);
    if (cached !== undefined) return cached;
    if (id === origin) return 0;
    if (visited.has(id)) return null; // do not follow a cycle
    visited.add(id);
    return "walk";
  };
  const frameOf = (id: string): Frame => ({ id, sources: sourcesOf(tree, id), next: 0, best: null });
  const record = (frame: Frame, distance: number | null): void => {
    if (distance !== null) frame.best = Math.max(frame.best ?? 0, distance + 1);
  };

  const first = settle(nodeId);
  if (first !== "walk") return first;
  const stack: Frame[] = [frameOf(nodeId)];
  for (;;) {
    const frame = stack[stack.length - 1] as Frame;
    if (frame.next < frame.sources.length) {
      const source = frame.sources[frame.next++] as string;
      const settled = settle(source);
      if (settled === "walk") stack.push(frameOf(source));
      else record(frame, settled);
      continue;
    }
    stack.pop();
    if (frame.best !== null) marked.set(frame.id, frame.best);
    const parent = stack[stack.length - 1];
    if (parent === undefined) return frame.best;
    record(parent, frame.best);
  }
}

function sourcesOf(tree: PipelineTree, id: string): string[] {
  const element = elementById(tree, id);
  if (element === undefined) return [];
  return incomingIds(element).flatMap((flowId) => {
    const flow = flowOf(tree, flowId);
    return flow === undefined ? [] : [flow.source];
  });
}

function elementById(tree: PipelineTree, id: string): { readonly incoming?: string | readonly string[] } | undefined {
  if (Object.hasOwn(tree.activities, id)) return tree.activities[id];
  if (Object.hasOwn(tree.gateways, id)) return tree.gateways[id];
  if (id === tree.end_event.id) return tree.end_event;
  if (id === tree.start_event.id) return tree.start_event;
  return undefined;
}
