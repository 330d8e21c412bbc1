/**
 * Step 1 of `validate_and_process_pipeline` (bamboo-engine.md §1.1, §5.4): `incoming` becomes a list for activities,
 * gateways and the end event (`utils.py:format_pipeline_tree_io_to_list`). The start event is left as it is, as
 * upstream does. The input is never modified: the work is done on a deep copy.
 */

import type { PipelineTree } from "../tree";

/** A deep copy of `tree` with every `incoming` of activities, gateways and end events a list, on every level. */
export function normalizeTree(tree: PipelineTree): PipelineTree {
  const copy = structuredClone(tree);
  normalizeIncomingInPlace(copy);
  return copy;
}

/** `"f1"` → `["f1"]`, `""`/absent → `[]`, a list stays the same list (as upstream's `format_to_list`). */
export function incomingList(value: unknown): string[] {
  if (Array.isArray(value)) return value as string[];
  if (value === undefined || value === null || value === "") return [];
  return [value as string];
}

function normalizeIncomingInPlace(tree: PipelineTree): void {
  for (const activity of Object.values(tree.activities)) {
    activity.incoming = incomingList(activity.incoming);
    if (activity.type === "SubProcess") normalizeIncomingInPlace(activity.pipeline);
  }
  for (const gateway of Object.values(tree.gateways)) gateway.incoming = incomingList(gateway.incoming);
  tree.end_event.incoming = incomingList(tree.end_event.incoming);
}
