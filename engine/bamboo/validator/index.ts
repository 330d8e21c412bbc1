/**
 * `validatePipelineTree`: what bamboo's `run_pipeline` checks before it runs a tree (bamboo-engine.md §5.4, §5.5,
 * `validator/api.py:validate_and_process_pipeline` and `validate_pipeline_start_node`), plus a JSON shape check
 * upstream leaves to KeyErrors. The input is never modified; a valid tree comes back as a processed copy:
 * `incoming` normalised to lists and `converge_gateway_id` written onto the gateways. Never throws.
 */

import type { PipelineTree } from "../tree";
import { validateConnections } from "./connections";
import { validateNoCycle } from "./cycles";
import { invalid, type TreeInvalid } from "./errors";
import { validateGateways } from "./gateways";
import { normalizeTree } from "./normalize";
import { checkShape } from "./shape";
import { validateStream } from "./streams";
import { validateStartNode } from "./start-node";

export type { TreeInvalid, TreeInvalidKind } from "./errors";
export { allowedStartNodeIds } from "./start-node";
export { normalizeTree } from "./normalize";

export interface ValidateOptions {
  /** `cycle_tolerate`: allow loops in the graph. */
  readonly cycleTolerate?: boolean;
  /** `start_node_id`: the run starts here; must be the start event or one of `allowedStartNodeIds`. */
  readonly startNodeId?: string;
  /** Whether a non-`EmptyEndEvent` end-event type is a registered ExecutableEndEvent (upstream `add_sink_type`). */
  readonly isSink?: (endEventType: string) => boolean;
}

export type ValidateResult = { ok: true; tree: PipelineTree } | { ok: false; error: TreeInvalid };

/** By default any custom end-event type is taken to be registered. */
const anyNamedSink = (endEventType: string): boolean => endEventType.length > 0;

export function validatePipelineTree(tree: unknown, options: ValidateOptions = {}): ValidateResult {
  try {
    return validateOrFail(tree, options);
  } catch (error) {
    // Only reachable through a bug or a hostile object (e.g. a throwing getter); the promise is never to throw.
    return { ok: false, error: invalid("shape", `the tree could not be validated: ${describe(error)}`, []) };
  }
}

function validateOrFail(tree: unknown, options: ValidateOptions): ValidateResult {
  const shape = checkShape(tree, options.isSink ?? anyNamedSink);
  if (!shape.ok) return shape;
  const processed = cloneAndNormalize(shape.tree);
  if (!processed.ok) return processed;
  const error = validateLevel(processed.tree, options.cycleTolerate === true);
  if (error !== null) return { ok: false, error };
  if (options.startNodeId !== undefined) {
    const startError = validateStartNode(processed.tree, options.startNodeId);
    if (startError !== null) return { ok: false, error: startError };
  }
  return { ok: true, tree: processed.tree };
}

function cloneAndNormalize(tree: PipelineTree): ValidateResult {
  try {
    return { ok: true, tree: normalizeTree(tree) };
  } catch (error) {
    // structuredClone refuses functions, symbols and the like hidden anywhere in the tree.
    return { ok: false, error: invalid("shape", `the tree is not plain JSON data: ${describe(error)}`, tree.id === undefined ? [] : [tree.id]) };
  }
}

/** One level, subprocess trees first (as upstream recurses before checking the level itself). */
function validateLevel(tree: PipelineTree, cycleTolerate: boolean): TreeInvalid | null {
  for (const activity of Object.values(tree.activities)) {
    if (activity.type !== "SubProcess") continue;
    const childError = validateLevel(activity.pipeline, cycleTolerate);
    if (childError !== null) return childError;
  }
  return (
    validateConnections(tree) ??
    (cycleTolerate ? null : validateNoCycle(tree)) ??
    validateGateways(tree) ??
    validateStream(tree)
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
