import { ScriptMissing } from "../engine/run-host";
import { BAMBOO_SERVICE_DECORATOR } from "../engine/bamboo/service-guest";
import type { BambooScripts, ServiceCall, ServiceInfo, ServiceResult } from "../engine/bamboo/service";
import type { InvokeOutcome, InvokeRequest, Limits } from "../sandbox";
import type { ProjectRegistry } from "./project-registry";
import { PinnedSources, type PinnedScripts } from "./pinned-sources";
import { runSandbox } from "./run-sandbox";

export type { PinnedScripts } from "./pinned-sources";

/** Which paths of a manifest a pipeline run pins: its scripts, its signal scripts and the libraries they import. */
export function isPipelineScript(path: string): boolean {
  return /^(component|variable|end-event|signal|lib)\//.test(path);
}

/**
 * A run's scripts, pinned to the versions it started with and read from the project registry by content hash.
 * Calls are serialized: one script call of a run at a time, whoever starts it (the work queue or an operator call).
 */
export class RunScripts implements BambooScripts {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly infos = new Map<string, ServiceInfo>();
  private readonly sources: PinnedSources;

  constructor(
    registry: DurableObjectStub<ProjectRegistry>,
    private readonly project: string,
    private readonly pinned: PinnedScripts,
    private readonly limits: Limits,
    /** Tags the call's log lines in the Worker's console (a function: the run may not be stored yet). */
    private readonly logPrefix: () => string,
    /** Runs before every script call (the run host writes out what it buffered before the call's awaits). */
    private readonly beforeCall: () => void = () => {},
  ) {
    this.sources = new PinnedSources(registry, pinned);
  }

  async service(code: string): Promise<ServiceInfo> {
    const path = `component/${code}`;
    const sha = this.pinned[path]?.sha256;
    const cached = sha === undefined ? undefined : this.infos.get(sha);
    if (cached !== undefined) return cached;
    const outcome = await this.invoke(path, { exportName: "default.execute", args: ['{"mode":"describe"}'], decorate: BAMBOO_SERVICE_DECORATOR });
    if (!outcome.ok) {
      // A module that loads but has no execute method is not a component; say that rather than "missing".
      const reason = /is not a function|has no export/.test(outcome.error.message) ? "it has no execute method" : outcome.error.message;
      throw new ScriptMissing(path, reason);
    }
    const info = outcome.result as ServiceInfo;
    this.infos.set(sha!, info);
    return info;
  }

  async callService(code: string, call: ServiceCall): Promise<ServiceResult> {
    const withCallbackData = "callbackData" in call;
    const request = JSON.stringify({ mode: "call", method: call.method, self: call.self, outputs: call.outputs, withCallbackData });
    const outcome = await this.invoke(`component/${code}`, {
      exportName: "default.execute",
      args: withCallbackData ? [request, call.inputs, call.parentInputs, call.callbackData ?? null] : [request, call.inputs, call.parentInputs],
      decorate: BAMBOO_SERVICE_DECORATOR,
    });
    if (outcome.ok) return outcome.result as ServiceResult;
    // A limit breach (or a crash) ends the call where it was: outputs are as they were before it.
    return { returned: false, threw: `${outcome.error.code}: ${outcome.error.message}`, outputs: call.outputs, scheduleFinished: false };
  }

  async lazyValue(code: string, value: unknown, context: Readonly<Record<string, unknown>>): Promise<unknown> {
    const outcome = await this.invoke(`variable/${code}`, { exportName: "default.getValue", args: [value, context] });
    if (!outcome.ok) throw new Error(describe(outcome));
    return outcome.result;
  }

  async endEvent(code: string, pipelineStack: readonly string[], rootPipelineId: string): Promise<void> {
    const outcome = await this.invoke(`end-event/${code}`, { exportName: "default.execute", args: [pipelineStack, rootPipelineId] });
    if (!outcome.ok) throw new Error(describe(outcome));
  }

  private invoke(path: string, call: Pick<InvokeRequest, "exportName" | "args" | "decorate">): Promise<InvokeOutcome> {
    this.beforeCall();
    const run = this.queue.then(async () => {
      const { script, libraries } = await this.sources.load(path);
      const outcome = await runSandbox.invoke({ project: this.project, script, libraries, limits: this.limits, ...call });
      for (const entry of outcome.logs) console.log(`${this.logPrefix()} ${path} [${entry.level}]`, entry.message);
      return outcome;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/** A failed call as the text bamboo would keep in ex_data. */
function describe(outcome: Extract<InvokeOutcome, { ok: false }>): string {
  const { code, message, stack } = outcome.error;
  return code === "script_error" ? (stack ? `${message}\n${stack}` : message) : `${code}: ${message}`;
}
