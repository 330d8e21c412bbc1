/**
 * The workflow definition JSON of api.md ("Workflows") and its linked graph (nocobase-workflow.md §0 "Graph shape").
 * A node with `upstream` and no `branchIndex` is that upstream's downstream; one with a `branchIndex` heads a branch.
 */

export interface WorkflowNodeDef {
  readonly key: string;
  readonly type: string;
  readonly title?: string;
  readonly config?: Readonly<Record<string, unknown>>;
  readonly upstream?: string | null;
  readonly branchIndex?: number | null;
}

export interface WorkflowOptions {
  /** Milliseconds; 0 or absent = no timeout. */
  readonly timeout?: number;
  readonly stackLimit?: number;
  readonly deleteExecutionOnStatus?: readonly number[];
}

export interface WorkflowDef {
  readonly key: string;
  readonly version: number;
  readonly sync: boolean;
  readonly options: WorkflowOptions;
  readonly trigger: { readonly type: string; readonly config?: Readonly<Record<string, unknown>> };
  readonly nodes: readonly WorkflowNodeDef[];
}

/** A node of a linked workflow, as instructions see it (NocoBase's FlowNodeModel). Ids are 1-based definition order. */
export interface FlowNode {
  readonly id: number;
  readonly key: string;
  readonly type: string;
  readonly title: string | null;
  readonly config: Readonly<Record<string, any>>;
  readonly upstreamId: number | null;
  readonly downstreamId: number | null;
  readonly branchIndex: number | null;
  readonly upstream: FlowNode | null;
  readonly downstream: FlowNode | null;
}

export interface WorkflowGraph {
  readonly def: WorkflowDef;
  /** In definition order. */
  readonly nodes: readonly FlowNode[];
  readonly byId: ReadonlyMap<number, FlowNode>;
  readonly byKey: ReadonlyMap<string, FlowNode>;
  /** The node with no upstream; null when there are no nodes (or, in an invalid graph, none or several). */
  readonly head: FlowNode | null;
}

type MutableNode = { -readonly [K in keyof FlowNode]: FlowNode[K] };

/** Links a definition into a graph. It assumes `validateWorkflow` found no problem; unknown upstreams are ignored. */
export function linkWorkflow(def: WorkflowDef): WorkflowGraph {
  const byKey = new Map<string, MutableNode>();
  const byId = new Map<number, FlowNode>();
  const nodes: MutableNode[] = def.nodes.map((n, i) => ({
    id: i + 1,
    key: n.key,
    type: n.type,
    title: n.title ?? null,
    config: n.config ?? {},
    upstreamId: null,
    downstreamId: null,
    branchIndex: n.branchIndex ?? null,
    upstream: null,
    downstream: null,
  }));
  for (const node of nodes) {
    byKey.set(node.key, node);
    byId.set(node.id, node);
  }
  def.nodes.forEach((n, i) => {
    const node = nodes[i]!;
    const upstream = n.upstream == null ? undefined : byKey.get(n.upstream);
    if (upstream === undefined) return;
    node.upstream = upstream;
    node.upstreamId = upstream.id;
    if (node.branchIndex === null && upstream.downstream === null) {
      upstream.downstream = node;
      upstream.downstreamId = node.id;
    }
  });
  const heads = nodes.filter((n) => n.upstream === null);
  return { def, nodes, byId, byKey, head: heads.length === 1 ? heads[0]! : null };
}

export interface WorkflowProblem {
  /** The node the problem is about, when there is one. */
  readonly node?: string;
  readonly message: string;
}

/**
 * The checks of a save (issue 8): exactly one head, at most one downstream per node, known upstream keys, unique
 * keys, known types, no async node type in a sync workflow, and, when given, each instruction's `validateConfig`.
 * Also refused: a branch head without an upstream, two branches of one node with the same index, and nodes the
 * head cannot reach (an upstream cycle). Answers every problem found, each naming its node.
 */
export function validateWorkflow(
  def: WorkflowDef,
  knownType: (type: string) => boolean,
  isAsyncType: (type: string) => boolean,
  validateConfig?: (node: WorkflowNodeDef) => Readonly<Record<string, string>> | null,
): WorkflowProblem[] {
  const problems: WorkflowProblem[] = [];
  if (def === null || typeof def !== "object" || !Array.isArray(def.nodes)) return [{ message: "nodes must be an array" }];
  const keys = new Set<string>();
  for (const [i, node] of def.nodes.entries()) {
    if (node === null || typeof node !== "object" || typeof node.key !== "string" || node.key === "") {
      problems.push({ message: `node #${i + 1} has no key` });
      continue;
    }
    if (keys.has(node.key)) problems.push({ node: node.key, message: `duplicate node key "${node.key}"` });
    keys.add(node.key);
  }
  if (problems.length) return problems;

  const downstreamOf = new Map<string, string>();
  const branchesOf = new Map<string, Map<number, string>>();
  const heads: string[] = [];
  for (const node of def.nodes) {
    const { key, type, upstream, branchIndex } = node;
    if (typeof type !== "string" || !knownType(type)) {
      problems.push({ node: key, message: `unknown instruction type "${String(type)}"` });
    } else {
      if (def.sync && isAsyncType(type)) {
        problems.push({ node: key, message: `node type "${type}" is asynchronous and cannot be used in a sync workflow` });
      }
      const errors = validateConfig?.(node);
      if (errors) for (const [path, message] of Object.entries(errors)) problems.push({ node: key, message: `config${path ? `.${path}` : ""}: ${message}` });
    }
    if (branchIndex != null && !Number.isInteger(branchIndex)) {
      problems.push({ node: key, message: "branchIndex must be an integer or null" });
    }
    if (upstream == null) {
      if (branchIndex != null) problems.push({ node: key, message: "a branch head needs an upstream node" });
      heads.push(key);
      continue;
    }
    if (!keys.has(upstream)) {
      problems.push({ node: key, message: `unknown upstream node "${upstream}"` });
      continue;
    }
    if (upstream === key) {
      problems.push({ node: key, message: "a node cannot be its own upstream" });
      continue;
    }
    if (branchIndex == null) {
      const other = downstreamOf.get(upstream);
      if (other !== undefined) problems.push({ node: upstream, message: `node "${upstream}" has two downstream nodes: "${other}" and "${key}"` });
      else downstreamOf.set(upstream, key);
    } else {
      let branches = branchesOf.get(upstream);
      if (branches === undefined) branchesOf.set(upstream, (branches = new Map()));
      const other = branches.get(branchIndex);
      if (other !== undefined) problems.push({ node: upstream, message: `node "${upstream}" has two branches with index ${branchIndex}: "${other}" and "${key}"` });
      else branches.set(branchIndex, key);
    }
  }
  if (def.nodes.length > 0 && heads.length === 0) problems.push({ message: "the workflow has no head node (a node without upstream)" });
  if (heads.length > 1) for (const key of heads.slice(1)) problems.push({ node: key, message: `more than one head node: "${heads[0]}" and "${key}"` });
  if (problems.length) return problems;

  // Every node must be reachable from the head; what is not sits on an upstream cycle.
  const children = new Map<string, string[]>();
  for (const node of def.nodes) if (node.upstream != null) children.set(node.upstream, [...(children.get(node.upstream) ?? []), node.key]);
  const reached = new Set<string>();
  const stack = [...heads];
  while (stack.length) {
    const key = stack.pop()!;
    if (reached.has(key)) continue;
    reached.add(key);
    stack.push(...(children.get(key) ?? []));
  }
  for (const node of def.nodes) if (!reached.has(node.key)) problems.push({ node: node.key, message: "node is not reachable from the head (upstream cycle)" });
  return problems;
}

/** Whether `options.deleteExecutionOnStatus` asks for an execution ending with `status` to be deleted (§2.3). */
export function shouldDeleteExecution(def: WorkflowDef, status: number | null): boolean {
  return status !== null && (def.options.deleteExecutionOnStatus ?? []).includes(status);
}
