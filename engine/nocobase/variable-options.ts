import type { Instruction } from "./instruction";
import { templateKeys } from "./variables";
import type { FlowNode, WorkflowGraph, WorkflowProblem } from "./workflow";

/** NocoBase's client `VariableOption` (nocobase-workflow.md §4.3): a selectable path segment and what is below it. */
export interface VariableOption {
  readonly key?: string;
  readonly value: string;
  readonly label: string;
  /** Absent: the value is free-form below this point (a result, the trigger's data). */
  readonly children?: readonly VariableOption[];
  readonly disabled?: boolean;
}

/** What a node type offers the variable tree: its result (`useVariables`) and its branch scope (`useScopeVariables`). */
export interface VariableHooks {
  useVariables(node: FlowNode): VariableOption | null;
  useScopeVariables?(node: FlowNode): readonly VariableOption[];
}

const label = (node: FlowNode) => node.title ?? `#${node.id}`;

/** A node's result as one free-form option; what most node types offer. */
export const resultOption = (node: FlowNode): VariableOption => ({ key: node.key, value: node.key, label: label(node) });

/** The built-ins' hooks where they differ from `resultOption`. */
const BUILTIN_HOOKS: Readonly<Record<string, Partial<VariableHooks>>> = {
  end: { useVariables: () => null },
  loop: {
    useScopeVariables: () => [
      { value: "item", label: "Loop target item" },
      { value: "index", label: "Loop index (starts from 0)" },
      { value: "sequence", label: "Loop sequence (starts from 1)" },
      { value: "length", label: "Loop length" },
    ],
  },
  "json-query": {
    useVariables: (node) => {
      const model = Array.isArray(node.config.model) ? (node.config.model as { path?: string; alias?: string; label?: string }[]) : [];
      if (model.length === 0) return resultOption(node);
      const children = model.map((m) => {
        const value = m.alias || String(m.path ?? "").replaceAll(".", "_");
        return { value, label: m.label ?? value };
      });
      return { ...resultOption(node), children };
    },
  },
  manual: {
    useVariables: (node) => {
      const forms = node.config.forms !== null && typeof node.config.forms === "object" ? Object.keys(node.config.forms as object) : [];
      return { ...resultOption(node), children: forms.map((formKey) => ({ value: formKey, label: formKey })) };
    },
  },
};

/** Extra variables a node type's config may name besides the workflow scope (the manual node's preset values). */
const EXTRA_ROOTS: Readonly<Record<string, readonly string[]>> = {
  manual: ["$user", "$nForm", "$nDate", "currentUser", "currentRecord", "currentTime"],
};

/** `$context` below the trigger: what each trigger type puts there; absent = free-form (the execute API takes any). */
function triggerOptions(trigger: WorkflowGraph["def"]["trigger"]): readonly VariableOption[] | undefined {
  if (trigger.type === "webhook") {
    return [
      { value: "data", label: "Request body" },
      { value: "headers", label: "Request headers" },
      { value: "query", label: "Query parameters" },
    ];
  }
  if (trigger.type === "schedule") return [{ value: "date", label: "Scheduled time" }];
  return undefined;
}

const SYSTEM_OPTIONS: readonly VariableOption[] = [{ value: "now", label: "System time" }];

/** The nodes whose branches `node` is inside, innermost first. */
function enclosingScopes(node: FlowNode): FlowNode[] {
  const scopes: FlowNode[] = [];
  for (let n: FlowNode | null = node; n !== null; n = n.upstream) if (n.branchIndex !== null && n.upstream !== null) scopes.push(n.upstream);
  return scopes;
}

/** The nodes upstream of `node`: its upstream chain, through branch parents and their upstreams, nearest first. */
function upstreamNodes(node: FlowNode): FlowNode[] {
  const nodes: FlowNode[] = [];
  for (let n = node.upstream; n !== null; n = n.upstream) nodes.push(n);
  return nodes;
}

export type HooksOf = (type: string) => Partial<VariableHooks> | undefined;

/** The hooks of a type: a script's own, else the built-in's, else the default result option. */
function hooksFor(type: string, scriptHooks: HooksOf): VariableHooks {
  return { useVariables: resultOption, ...BUILTIN_HOOKS[type], ...scriptHooks(type) };
}

/**
 * The variable tree node `nodeKey` may use (§4.3 `useWorkflowVariableOptions`): scope variables of the enclosing
 * branching nodes that publish a scope, the results of upstream nodes, the trigger's variables, system variables
 * and `$env`. A group with no children is disabled.
 */
export function variableOptions(graph: WorkflowGraph, node: FlowNode, instructions: ReadonlyMap<string, Instruction>, scriptHooks: HooksOf, env: readonly string[]): VariableOption[] {
  const scopes = enclosingScopes(node).flatMap((n) => {
    const hooks = hooksFor(n.type, scriptHooks);
    // Only a type with getScope puts anything in $scopes; scripts cannot (their calls are async, getScope is not).
    const publishes = hooks.useScopeVariables !== undefined && instructions.get(n.type)?.getScope !== undefined;
    return publishes ? [{ key: n.key, value: n.key, label: label(n), children: hooks.useScopeVariables!(n) }] : [];
  });
  const results = upstreamNodes(node).flatMap((n) => {
    const option = hooksFor(n.type, scriptHooks).useVariables(n);
    return option === null ? [] : [option];
  });
  const trigger = triggerOptions(graph.def.trigger);
  const group = (value: string, text: string, children: readonly VariableOption[] | undefined): VariableOption =>
    children === undefined ? { value, label: text } : { value, label: text, children, ...(children.length === 0 ? { disabled: true } : {}) };
  return [
    group("$scopes", "Scope variables", scopes),
    group("$jobsMapByNodeKey", "Node result", results),
    group("$context", "Trigger variables", trigger),
    group("$system", "System variables", SYSTEM_OPTIONS),
    group("$env", "Environment variables", env.map((name) => ({ value: name, label: name }))),
  ];
}

/** Whether `path` (split on '.') stays inside the option tree: every segment an option, until a free-form one. */
function withinTree(options: readonly VariableOption[], path: readonly string[]): boolean {
  let level: readonly VariableOption[] | undefined = options;
  for (const segment of path) {
    if (level === undefined) return true;
    const option: VariableOption | undefined = level.find((o) => o.value === segment || o.key === segment);
    if (option === undefined) return false;
    level = option.children;
  }
  return true;
}

/**
 * The server's side of the same rule: every `{{…}}` in a node's config must name a variable of the node's tree.
 * `$scopes` may also be addressed by node id, `$env` by any name (settings change without a new version), and a
 * node's own scope counts in its own config (the loop's condition reads `$scopes.<loop>`).
 */
export function variableProblems(graph: WorkflowGraph, instructions: ReadonlyMap<string, Instruction>, scriptHooks: HooksOf): WorkflowProblem[] {
  const problems: WorkflowProblem[] = [];
  for (const node of graph.nodes) {
    const options = variableOptions(graph, node, instructions, scriptHooks, []);
    const own = hooksFor(node.type, scriptHooks).useScopeVariables;
    const scopeIds = new Map([...enclosingScopes(node), node].map((n) => [String(n.id), n.key] as const));
    const ownScope: VariableOption | undefined = own === undefined ? undefined : { key: node.key, value: node.key, label: label(node), children: own(node) };
    for (const key of templateKeys(node.config)) {
      if (key.startsWith("this.")) continue;
      const segments = key.replace(/^ctx\./, "").replace(/\[(\d+)\]/g, ".$1").split(".");
      const [root, ...rest] = segments as [string, ...string[]];
      if (EXTRA_ROOTS[node.type]?.includes(root) || root === "$env") continue;
      const group = options.find((o) => o.value === root);
      if (group === undefined) {
        problems.push({ node: node.key, message: `config names {{${key}}}: "${root}" is not a workflow variable` });
        continue;
      }
      if (root === "$scopes" && rest[0] !== undefined) rest[0] = scopeIds.get(rest[0]) ?? rest[0];
      const children = root === "$scopes" && ownScope !== undefined ? [...(group.children ?? []), ownScope] : group.children;
      if (!withinTree(children ?? [], rest) && children !== undefined) {
        problems.push({ node: node.key, message: `config names {{${key}}}, which is not a variable this node can use` });
      }
    }
  }
  return problems;
}
