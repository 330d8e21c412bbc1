/** Why a pipeline tree was refused (bamboo-engine.md §5.4, §5.5). */

export type TreeInvalidKind = "connection" | "cycle" | "converge" | "stream" | "isolate" | "start_position" | "shape";

export interface TreeInvalid {
  readonly kind: TreeInvalidKind;
  /** bamboo's own message where it has one (Chinese, with an English gloss), else an English one. */
  readonly message: string;
  /** The ids of the nodes at fault; never empty unless nothing in the tree could be named. */
  readonly nodes: string[];
  /** The id of the (sub)pipeline whose level failed: the root's id, or the SubProcess id for a child tree. */
  readonly pipelineId?: string;
}

/** One problem found while checking a tree, before the problems are folded into a single TreeInvalid. */
export interface Problem {
  /** The node (or flow) at fault; absent when the fault has no id to name, e.g. a tree that is not an object. */
  readonly node?: string;
  readonly message: string;
}

/**
 * Folds problems into one TreeInvalid, every named node listed once. The message is the first problem's with a
 * count of the others, or with `allMessages` every problem's message, joined by "; ".
 */
export function invalidFrom(kind: TreeInvalidKind, problems: readonly Problem[], pipelineId?: string, allMessages = false): TreeInvalid | null {
  const first = problems[0];
  if (first === undefined) return null;
  const more = problems.length - 1;
  const message = allMessages
    ? problems.map((p) => p.message).join("; ")
    : more > 0
      ? `${first.message} (and ${more} more problem${more > 1 ? "s" : ""})`
      : first.message;
  const nodes = [...new Set(problems.flatMap((p) => (p.node === undefined ? [] : [p.node])))];
  return pipelineId === undefined ? { kind, message, nodes } : { kind, message, nodes, pipelineId };
}

/** A TreeInvalid for a single fault. */
export function invalid(kind: TreeInvalidKind, message: string, nodes: readonly string[], pipelineId?: string): TreeInvalid {
  const unique = [...new Set(nodes)];
  return pipelineId === undefined ? { kind, message, nodes: unique } : { kind, message, nodes: unique, pipelineId };
}
