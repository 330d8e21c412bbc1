import { ScriptMissing } from "../engine/run-host";
import { BAMBOO_SERVICE_DECORATOR, BAMBOO_SERVICE_SOURCE } from "../engine/bamboo/service-guest";
import type { BambooScripts, ServiceCall, ServiceInfo, ServiceResult } from "../engine/bamboo/service";
import { Sandbox, type InvokeOutcome, type InvokeRequest, type Libraries, type Limits, type ScriptVersion } from "../sandbox";
import type { ProjectRegistry } from "./project-registry";

/** The script versions a run started with: path → version and content hash. */
export type PinnedScripts = Readonly<Record<string, { readonly version: number; readonly sha256: string }>>;

/** The isolate's sandbox for pipeline runs, with the dialects' calling conventions. */
const sandbox = new Sandbox({ decorators: { [BAMBOO_SERVICE_DECORATOR]: BAMBOO_SERVICE_SOURCE } });

/** Sources by content hash, shared by the runs of this isolate (immutable, so never stale; bounded in size). */
const sources = new Map<string, string>();
const MAX_SOURCE_CHARS = 32 * 1024 * 1024;
let sourceChars = 0;

function remember(sha: string, source: string): void {
  if (sourceChars + source.length > MAX_SOURCE_CHARS) {
    sources.clear();
    sourceChars = 0;
  }
  sources.set(sha, source);
  sourceChars += source.length;
}

/** Which paths of a manifest a pipeline run pins: its scripts and the libraries they import. */
export function isPipelineScript(path: string): boolean {
  return /^(component|variable|end-event|lib)\//.test(path);
}

/**
 * A run's scripts, pinned to the versions it started with and read from the project registry by content hash.
 * Calls are serialized: one script call of a run at a time, whoever starts it (the work queue or an operator call).
 */
export class RunScripts implements BambooScripts {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly infos = new Map<string, ServiceInfo>();
  private readonly loaded = new Map<string, { script: ScriptVersion; libraries: Libraries }>();

  constructor(
    private readonly registry: DurableObjectStub<ProjectRegistry>,
    private readonly project: string,
    private readonly pinned: PinnedScripts,
    private readonly limits: Limits,
    /** Tags the call's log lines in the Worker's console (a function: the run may not be stored yet). */
    private readonly logPrefix: () => string,
    /** Runs before every script call (the run host writes out what it buffered before the call's awaits). */
    private readonly beforeCall: () => void = () => {},
  ) {}

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
      const { script, libraries } = await this.load(path);
      const outcome = await sandbox.invoke({ project: this.project, script, libraries, limits: this.limits, ...call });
      for (const entry of outcome.logs) console.log(`${this.logPrefix()} ${path} [${entry.level}]`, entry.message);
      return outcome;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** A run's scripts never change, so each is worked out once per run object. */
  private async load(path: string): Promise<{ script: ScriptVersion; libraries: Libraries }> {
    let loaded = this.loaded.get(path);
    if (loaded === undefined) {
      loaded = await this.loadPinned(path);
      this.loaded.set(path, loaded);
    }
    return loaded;
  }

  private async loadPinned(path: string): Promise<{ script: ScriptVersion; libraries: Libraries }> {
    const entry = this.pinned[path];
    if (entry === undefined) throw new ScriptMissing(path);
    const libs = Object.entries(this.pinned)
      .filter(([libPath]) => libPath.startsWith("lib/"))
      .sort(([a], [b]) => (a < b ? -1 : 1));
    const wanted = [entry.sha256, ...libs.map(([, lib]) => lib.sha256)];
    const found = new Map(wanted.flatMap((sha) => (sources.has(sha) ? [[sha, sources.get(sha)!] as const] : [])));
    const missing = wanted.filter((sha) => !found.has(sha));
    if (missing.length > 0) {
      const fetched = await this.registry.sources([...new Set(missing)]);
      for (const [sha, source] of Object.entries(fetched)) {
        found.set(sha, source);
        remember(sha, source);
      }
    }
    const source = found.get(entry.sha256);
    if (source === undefined) throw new ScriptMissing(path);
    return {
      script: { path, sha256: entry.sha256, source },
      libraries: {
        fingerprint: libs.map(([libPath, lib]) => `${libPath}@${lib.sha256}`).join(","),
        sources: new Map(libs.map(([libPath, lib]) => [libPath, found.get(lib.sha256) ?? ""])),
      },
    };
  }
}

/** A failed call as the text bamboo would keep in ex_data. */
function describe(outcome: Extract<InvokeOutcome, { ok: false }>): string {
  const { code, message, stack } = outcome.error;
  return code === "script_error" ? (stack ? `${message}\n${stack}` : message) : `${code}: ${message}`;
}
