import type { InstructionShape } from "../engine/nocobase/runtime";
import { BUILTIN_INSTRUCTIONS } from "../engine/nocobase/instructions";
import { validateWorkflow, type WorkflowDef, type WorkflowProblem } from "../engine/nocobase/workflow";
import { InstructionScriptRunner } from "../durable/instruction-scripts";
import type { Manifest } from "../durable/registry";
import { pinnedWorkflowScripts } from "../durable/start-execution";
import { resolveLimits } from "../sandbox";
import { validateTrigger } from "../engine/nocobase/triggers";
import type { Bindings } from "./env";
import { registryOf } from "./env";

/**
 * The checks of a save (issue 8): the graph rules of `validateWorkflow`, with custom types known from the project's
 * `instruction/{type}` scripts (their `async` flag and `validateConfig` asked of the script in the sandbox), and the
 * trigger's config. Answers every problem found, each naming its node.
 */
export async function workflowProblems(env: Bindings, manifest: Manifest, def: WorkflowDef): Promise<WorkflowProblem[]> {
  const runner = new InstructionScriptRunner(registryOf(env, manifest.project), manifest.project, pinnedWorkflowScripts(manifest), resolveLimits(manifest.settings.limits), `[workflow ${manifest.project}/${def.key}]`);
  const problems: WorkflowProblem[] = [...validateTrigger(def.trigger)];
  const shapes = new Map<string, InstructionShape>();
  for (const type of new Set(def.nodes.map((n) => n.type))) {
    if (type in BUILTIN_INSTRUCTIONS || !runner.has(type)) continue;
    try {
      shapes.set(type, await runner.describe(type));
    } catch (error) {
      const node = def.nodes.find((n) => n.type === type)!;
      problems.push({ node: node.key, message: `instruction/${type} could not be loaded: ${(error as Error).message}` });
    }
  }
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
  return problems;
}
