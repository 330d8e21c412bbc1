import type { InstructionShape } from "../engine/nocobase/runtime";
import { BUILTIN_INSTRUCTIONS } from "../engine/nocobase/instructions";
import { nodeView } from "../engine/nocobase/script-instruction";
import { variableOptions, variableProblems, type HooksOf, type VariableOption } from "../engine/nocobase/variable-options";
import { linkWorkflow, validateWorkflow, type FlowNode, type WorkflowDef, type WorkflowGraph, type WorkflowProblem } from "../engine/nocobase/workflow";
import { InstructionScriptRunner } from "../durable/instruction-scripts";
import type { Manifest } from "../durable/registry";
import { pinnedWorkflowScripts } from "../durable/start-execution";
import { resolveLimits } from "../sandbox";
import { validateTrigger } from "../engine/nocobase/triggers";
import type { Bindings } from "./env";
import { registryOf } from "./env";

const BUILTINS = new Map(Object.entries(BUILTIN_INSTRUCTIONS));

/** A definition's custom node types as the project's `instruction/{type}` scripts describe them. */
interface ScriptedTypes {
  readonly runner: InstructionScriptRunner;
  readonly shapes: ReadonlyMap<string, InstructionShape>;
  /** Scripts that exist but could not be loaded, as problems naming a node of their type. */
  readonly problems: readonly WorkflowProblem[];
}

async function scriptedTypes(env: Bindings, manifest: Manifest, def: WorkflowDef): Promise<ScriptedTypes> {
  const runner = new InstructionScriptRunner(registryOf(env, manifest.project), manifest.project, pinnedWorkflowScripts(manifest), resolveLimits(manifest.settings.limits), `[workflow ${manifest.project}/${def.key}]`);
  const shapes = new Map<string, InstructionShape>();
  const problems: WorkflowProblem[] = [];
  for (const type of new Set(def.nodes.map((n) => n.type))) {
    if (type in BUILTIN_INSTRUCTIONS || !runner.has(type)) continue;
    try {
      shapes.set(type, await runner.describe(type));
    } catch (error) {
      const node = def.nodes.find((n) => n.type === type)!;
      problems.push({ node: node.key, message: `instruction/${type} could not be loaded: ${(error as Error).message}` });
    }
  }
  return { runner, shapes, problems };
}

/**
 * The variable hooks scripts export (`useVariables`, `useScopeVariables`), asked of the sandbox once per node of
 * their type, up front, since the variable tree is computed synchronously. A hook that throws offers nothing.
 */
async function scriptVariableHooks({ runner, shapes }: ScriptedTypes, graph: WorkflowGraph): Promise<HooksOf> {
  const answers = new Map<string, unknown>();
  const ask = async (node: FlowNode, method: "useVariables" | "useScopeVariables") => {
    const outcome = await runner.call(node.type, method, [JSON.stringify({ mode: "call", method }), nodeView(node), {}], {});
    answers.set(`${method} ${node.key}`, outcome.ok ? (outcome.value ?? null) : null);
  };
  for (const node of graph.nodes) {
    const methods = shapes.get(node.type)?.methods ?? [];
    if (methods.includes("useVariables")) await ask(node, "useVariables");
    if (methods.includes("useScopeVariables")) await ask(node, "useScopeVariables");
  }
  return (type) => {
    const methods = shapes.get(type)?.methods ?? [];
    return {
      ...(methods.includes("useVariables") ? { useVariables: (node: FlowNode) => answers.get(`useVariables ${node.key}`) as VariableOption | null } : {}),
      ...(methods.includes("useScopeVariables")
        ? { useScopeVariables: (node: FlowNode) => (answers.get(`useScopeVariables ${node.key}`) as VariableOption[] | null) ?? [] }
        : {}),
    };
  };
}

/**
 * The checks of a save (issue 8): the graph rules of `validateWorkflow`, with custom types known from the project's
 * `instruction/{type}` scripts (their `async` flag and `validateConfig` asked of the script in the sandbox), the
 * trigger's config, and every `{{…}}` of a config naming a variable of its node's tree. Answers every problem found,
 * each naming its node.
 */
export async function workflowProblems(env: Bindings, manifest: Manifest, def: WorkflowDef): Promise<WorkflowProblem[]> {
  const scripted = await scriptedTypes(env, manifest, def);
  const { runner, shapes } = scripted;
  const problems: WorkflowProblem[] = [...validateTrigger(def), ...scripted.problems];
  const scriptErrors = new Map<string, Readonly<Record<string, string>> | null>();
  for (const node of def.nodes) {
    if (!shapes.get(node.type)?.methods.includes("validateConfig")) continue;
    const outcome = await runner.call(node.type, "validateConfig", [JSON.stringify({ mode: "call", method: "validateConfig" }), node.config ?? {}], {});
    scriptErrors.set(node.key, outcome.ok ? ((outcome.value ?? null) as Record<string, string> | null) : { "": `validateConfig failed: ${outcome.message}` });
  }
  problems.push(
    ...validateWorkflow(
      def,
      (type) => type in BUILTIN_INSTRUCTIONS || shapes.has(type),
      (type) => BUILTIN_INSTRUCTIONS[type]?.async === true || shapes.get(type)?.async === true,
      (node) => BUILTIN_INSTRUCTIONS[node.type]?.validateConfig?.(node.config ?? {}) ?? scriptErrors.get(node.key) ?? null,
    ),
  );
  // The variable rule needs a well-formed graph (one head, known upstreams).
  if (problems.length > 0) return problems;
  const graph = linkWorkflow(def);
  return variableProblems(graph, BUILTINS, await scriptVariableHooks(scripted, graph));
}

/** The VariableOption tree node `nodeKey` of a saved definition may use, or null when it has no such node. */
export async function workflowVariables(env: Bindings, manifest: Manifest, def: WorkflowDef, nodeKey: string): Promise<VariableOption[] | null> {
  const graph = linkWorkflow(def);
  const node = graph.byKey.get(nodeKey);
  if (node === undefined) return null;
  const hooks = await scriptVariableHooks(await scriptedTypes(env, manifest, def), graph);
  return variableOptions(graph, node, BUILTINS, hooks, Object.keys(manifest.settings.workflows?.env ?? {}));
}
