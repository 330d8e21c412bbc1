import { NOCOBASE_INSTRUCTION_DECORATOR } from "../engine/nocobase/instruction-guest";
import type { InstructionMethod, InstructionScripts, InstructionShape, ProcessorCall, ScriptCallOutcome } from "../engine/nocobase/runtime";
import type { Limits } from "../sandbox";
import type { ProjectRegistry } from "./project-registry";
import { PinnedSources, type PinnedScripts } from "./pinned-sources";
import { runSandbox } from "./run-sandbox";

/** Which paths of a manifest an execution pins: its instruction scripts, signal scripts and the libraries they import. */
export function isWorkflowScript(path: string): boolean {
  return /^(instruction|signal|lib)\//.test(path);
}

/** What the calling convention answers for a `call` (see engine/nocobase/instruction-guest.ts). */
type GuestAnswer = { value: unknown } | { undefined: true } | { threw: Record<string, unknown> } | { missing: true };

/**
 * The `instruction/{type}` scripts of one execution (or of a save's validation), pinned to their versions. Calls
 * are not queued here: an execution's Processor already runs one step at a time, and a branching script's
 * `processor.run` calls scripts while its own call is still open (the sandbox gives each concurrent call of a
 * project its own runtime).
 */
export class InstructionScriptRunner implements InstructionScripts {
  private readonly shapes = new Map<string, Promise<InstructionShape>>();
  private readonly sources: PinnedSources;

  constructor(
    registry: DurableObjectStub<ProjectRegistry>,
    private readonly project: string,
    pinned: PinnedScripts,
    private readonly limits: Limits,
    /** Tags the calls' log lines in the Worker's console. */
    private readonly logPrefix: string,
  ) {
    this.sources = new PinnedSources(registry, pinned);
  }

  has(type: string): boolean {
    return this.sources.pinned[`instruction/${type}`] !== undefined;
  }

  describe(type: string): Promise<InstructionShape> {
    let shape = this.shapes.get(type);
    if (shape === undefined) {
      shape = this.invoke(type, [JSON.stringify({ mode: "describe" })], {}).then((outcome) => {
        if (!outcome.ok) throw new Error(`instruction/${type}: ${outcome.message}`);
        return outcome.value as InstructionShape;
      });
      shape.catch(() => this.shapes.delete(type));
      this.shapes.set(type, shape);
    }
    return shape;
  }

  async call(type: string, _method: InstructionMethod, args: readonly unknown[], processor: Readonly<Record<string, ProcessorCall>>): Promise<ScriptCallOutcome> {
    const outcome = await this.invoke(type, args, processor);
    if (!outcome.ok) return outcome;
    const answer = outcome.value as GuestAnswer;
    if ("missing" in answer) return { ok: false, code: "missing_method", message: "no such method", error: {} };
    if ("threw" in answer) return { ok: false, code: "script_error", message: String(answer.threw.message), error: answer.threw };
    return { ok: true, value: "undefined" in answer ? undefined : answer.value };
  }

  private async invoke(type: string, args: readonly unknown[], processor: Readonly<Record<string, ProcessorCall>>): Promise<ScriptCallOutcome> {
    const path = `instruction/${type}`;
    const { script, libraries } = await this.sources.load(path);
    const outcome = await runSandbox.invoke({
      project: this.project,
      script,
      libraries,
      limits: this.limits,
      exportName: "default.run",
      args,
      decorate: NOCOBASE_INSTRUCTION_DECORATOR,
      // The guest always sends its arguments as a JSON array.
      hostCalls: Object.fromEntries(Object.entries(processor).map(([name, method]) => [name, (values: unknown) => method(Array.isArray(values) ? values : [])])),
    });
    for (const entry of outcome.logs) console.log(`${this.logPrefix} ${path} [${entry.level}]`, entry.message);
    if (outcome.ok) return { ok: true, value: outcome.result };
    const { code, message } = outcome.error;
    return { ok: false, code, message, error: { code, message } };
  }
}
