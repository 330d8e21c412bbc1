import type { WorkflowNode } from "../client";
import type { GraphInput } from "./layout";

function branchLabel(upstream: WorkflowNode | undefined, index: number): string {
  if (upstream?.type === "condition") return index === 1 ? "yes" : "no";
  return `branch ${index}`;
}

/**
 * A NocoBase workflow drawn the way NocoBase draws it: a vertical chain from the trigger, each branching node with
 * its branches side by side below it, and the chain going on below its branches once they end.
 */
export function workflowGraphInput(nodes: readonly WorkflowNode[]): GraphInput {
  const byKey = new Map(nodes.map((n) => [n.key, n]));
  const downstreamOf = (key: string) => nodes.find((n) => n.upstream === key && (n.branchIndex ?? null) === null);
  const branchesOf = (key: string) =>
    nodes.filter((n) => n.upstream === key && n.branchIndex !== undefined && n.branchIndex !== null).sort((a, b) => a.branchIndex! - b.branchIndex!);
  /** The last nodes of a chain that starts at `key` (a branching last node ends in its branches' tails too). */
  const tailsOf = (key: string): string[] => {
    let last = byKey.get(key)!;
    for (let next = downstreamOf(last.key); next !== undefined; next = downstreamOf(next.key)) last = next;
    const branches = branchesOf(last.key);
    return branches.length === 0 ? [last.key] : branches.flatMap((b) => tailsOf(b.key));
  };

  const edges: { id: string; source: string; target: string; label?: string; dashed?: boolean }[] = [];
  const head = nodes.find((n) => (n.upstream ?? null) === null);
  if (head !== undefined) edges.push({ id: "trigger", source: "@trigger", target: head.key });
  for (const node of nodes) {
    const branches = branchesOf(node.key);
    for (const branch of branches) edges.push({ id: `branch:${branch.key}`, source: node.key, target: branch.key, label: branchLabel(node, branch.branchIndex!) });
    const next = downstreamOf(node.key);
    if (next === undefined) continue;
    if (branches.length === 0) edges.push({ id: `next:${next.key}`, source: node.key, target: next.key });
    else for (const tail of branches.flatMap((b) => tailsOf(b.key))) edges.push({ id: `join:${tail}:${next.key}`, source: tail, target: next.key, dashed: true });
  }
  return {
    direction: "TB",
    nodes: [
      { id: "@trigger", label: "trigger", kind: "Trigger", width: 120 },
      ...nodes.map((n) => ({ id: n.key, label: `${n.title ?? n.key} · ${n.type}`, kind: `wf-${n.type}`, width: 200 })),
    ],
    edges,
  };
}
