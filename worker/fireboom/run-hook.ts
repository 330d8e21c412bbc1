import { recordHookCall } from "../../metrics/record";
import { resolveLimits, type HostCall, type InvokeOutcome, type LogEntry } from "../../sandbox";
import type { Manifest } from "../../durable/registry";
import type { Bindings } from "../env";
import { loadScript } from "../project-cache";
import { sandbox } from "../runtime";
import { FIREBOOM_CTX_DECORATOR } from "./context";
import { present, type FireboomContext } from "./http";
import type { OperationPayload } from "./payloads";
import { internalClientCall, internalHost } from "./internal-client";

export interface HookRun {
  readonly env: Bindings;
  readonly manifest: Manifest;
  /** The script's path, e.g. operation/Todo/GetOne/preResolve. */
  readonly path: string;
  /** The plain data of ctx (log, internalClient etc. are added inside the sandbox). */
  readonly ctx: Record<string, unknown>;
  readonly requestId: string | undefined;
  readonly cycleCounter?: number;
  readonly user?: unknown;
  readonly clientRequest?: { readonly headers?: Readonly<Record<string, string>> } & Record<string, unknown>;
  /** Whether the script may call ctx.setClientRequestHeader. */
  readonly headers?: boolean;
  /** Given for routes that stream: receives the items of an async iterable result as they are produced. */
  readonly emit?: (items: unknown[]) => Promise<void>;
}

export type HookOutcome =
  | { readonly found: false }
  | { readonly found: true; readonly outcome: InvokeOutcome; readonly headerChanges: ReadonlyMap<string, string | null> };

/**
 * The run of an operation hook or a function: ctx from the operation payload (`input` defaults to `{}`), and the
 * client request headers are the script's to change.
 */
export function operationHookRun(c: FireboomContext, path: string, operationPath: string, payload: OperationPayload): HookRun {
  const { __wg, input, response, canceled, cycleCounter } = payload;
  return {
    env: c.env,
    manifest: c.get("manifest"),
    path,
    ctx: present({
      user: __wg.user,
      clientRequest: __wg.clientRequest,
      input: input ?? {},
      response,
      canceled,
      operation: { path: operationPath, name: operationPath.replaceAll("/", "__") },
      cycleCounter,
    }),
    requestId: c.get("requestId"),
    cycleCounter,
    user: __wg.user,
    clientRequest: __wg.clientRequest,
    headers: true,
  };
}

/** Runs the script at `run.path` with the Fireboom ctx; `found: false` when the project has no such script. */
export async function runHook(run: HookRun): Promise<HookOutcome> {
  const startedAt = Date.now();
  const loaded = await loadScript(run.env, run.manifest, run.path);
  if (loaded === undefined) return { found: false };
  const internalUrl = run.manifest.settings.fireboom?.internalUrl;
  const headerChanges = new Map<string, string | null>();
  const hostCalls: Record<string, HostCall> = {
    internal: internalClientCall({
      internalUrl,
      requestId: run.requestId,
      cycleCounter: run.cycleCounter,
      user: run.user,
      clientRequest: run.clientRequest,
    }),
  };
  if (run.headers) {
    hostCalls.setClientRequestHeader = async (args) => {
      const { name, value } = args as { name: string; value: string | null };
      headerChanges.set(name, value);
      return undefined;
    };
  }
  if (run.emit !== undefined) {
    const emit = run.emit;
    hostCalls.emit = async (items) => {
      await emit(items as unknown[]);
      return undefined;
    };
  }
  const outcome = await sandbox.invoke({
    project: run.manifest.project,
    ...loaded,
    args: [run.ctx, run.headers === true],
    decorate: FIREBOOM_CTX_DECORATOR,
    hostCalls,
    implicitHosts: internalHost(internalUrl),
    limits: resolveLimits(run.manifest.settings.limits),
  });
  recordHookCall(run.manifest.project, run.path.slice(0, run.path.indexOf("/")), outcome, (Date.now() - startedAt) / 1000);
  writeLogs(run, outcome.logs);
  if (!outcome.ok) console.error(`[fireboom ${run.manifest.project} ${run.requestId ?? "-"}] ${run.path}: ${outcome.error.code}: ${outcome.error.message}`);
  return { found: true, outcome, headerChanges };
}

/** The call's log lines also go to the Worker's console, tagged with the project and the request id. */
function writeLogs(run: HookRun, logs: readonly LogEntry[]): void {
  const prefix = `[fireboom ${run.manifest.project} ${run.requestId ?? "-"}] ${run.path}:`;
  for (const entry of logs) {
    const write = entry.level === "log" ? console.log : console[entry.level];
    write(prefix, entry.message);
  }
}
