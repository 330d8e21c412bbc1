import { recordHookCall } from "../../metrics/record";
import { resolveLimits, type HostCall, type InvokeOutcome, type LogEntry } from "../../sandbox";
import type { Manifest } from "../../durable/registry";
import type { Bindings } from "../env";
import { loadScript, type Background, type LoadedScript } from "../project-cache";
import { sandbox } from "../runtime";
import { FIREBOOM_CTX_DECORATOR } from "./context";
import { background, present, type FireboomContext } from "./http";
import type { OperationPayload } from "./payloads";
import { internalClientCall, internalHost } from "./internal-client";
import { recordInvocation, shouldRecord } from "./record-invocation";

/** One hook call apart from where it runs: the ctx data and what its host calls need. A recorded call keeps this. */
export interface HookCall {
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
}

export interface HookRun extends HookCall {
  readonly env: Bindings;
  readonly manifest: Manifest;
  /** Runs the recording of the call past the reply. */
  readonly background: Background;
  /** Given for routes that stream: receives the items of an async iterable result as they are produced. */
  readonly emit?: (items: unknown[]) => Promise<void>;
}

export type HookOutcome =
  | { readonly found: false }
  | { readonly found: true; readonly outcome: InvokeOutcome; readonly headerChanges: ReadonlyMap<string, string | null> };

/** What the host side of one hook call does besides running the script. */
export interface HookHost {
  /** Receives the script's ctx.setClientRequestHeader calls. */
  readonly headerChanges: Map<string, string | null>;
  readonly emit?: (items: unknown[]) => Promise<void>;
  /** A replay: ctx.internalClient rejects and fetch is refused, so the call reaches nothing outside. */
  readonly offline?: boolean;
}

/** The run of a hook below the request `c`, with the request's id and the recording done past the reply. */
export function hookRun(c: FireboomContext, path: string, ctx: Record<string, unknown>, call: Omit<Partial<HookCall>, "path" | "ctx"> = {}): HookRun {
  return {
    env: c.env,
    manifest: c.get("manifest"),
    background: (work) => background(c, work),
    path,
    ctx,
    requestId: c.get("requestId"),
    ...call,
  };
}

/**
 * The run of an operation hook or a function: ctx from the operation payload (`input` defaults to `{}`), and the
 * client request headers are the script's to change.
 */
export function operationHookRun(c: FireboomContext, path: string, operationPath: string, payload: OperationPayload): HookRun {
  const { __wg, input, response, canceled, cycleCounter } = payload;
  const ctx = present({
    user: __wg.user,
    clientRequest: __wg.clientRequest,
    input: input ?? {},
    response,
    canceled,
    operation: { path: operationPath, name: operationPath.replaceAll("/", "__") },
    cycleCounter,
  });
  return hookRun(c, path, ctx, { cycleCounter, user: __wg.user, clientRequest: __wg.clientRequest, headers: true });
}

/**
 * Runs the script at `run.path` with the Fireboom ctx; `found: false` when the project has no such script. A
 * failed call, and the sampled share of the others, is recorded past the reply; an unsampled success does no
 * more than compare the sample rate.
 */
export async function runHook(run: HookRun): Promise<HookOutcome> {
  const startedAt = Date.now();
  const loaded = await loadScript(run.env, run.manifest, run.path);
  if (loaded === undefined) return { found: false };
  const headerChanges = new Map<string, string | null>();
  const outcome = await invokeHook(run.manifest, run, loaded, { headerChanges, emit: run.emit });
  recordHookCall(run.manifest.project, run.path.slice(0, run.path.indexOf("/")), outcome, (Date.now() - startedAt) / 1000);
  writeLogs(run, outcome.logs);
  if (!outcome.ok) console.error(`[fireboom ${run.manifest.project} ${run.requestId ?? "-"}] ${run.path}: ${outcome.error.code}: ${outcome.error.message}`);
  if (shouldRecord(outcome, run.manifest.settings)) run.background(recordInvocation(run, loaded, outcome, startedAt));
  return { found: true, outcome, headerChanges };
}

/** Runs a loaded hook script in the sandbox with the Fireboom ctx and its host calls (a hook call, or a replay of one). */
export function invokeHook(manifest: Manifest, call: HookCall, loaded: LoadedScript, host: HookHost): Promise<InvokeOutcome> {
  const internalUrl = manifest.settings.fireboom?.internalUrl;
  const hostCalls: Record<string, HostCall> = {
    internal: host.offline
      ? async () => {
          throw new Error("internalClient is not called in a replay; pass live: true");
        }
      : internalClientCall({
          internalUrl,
          requestId: call.requestId,
          cycleCounter: call.cycleCounter,
          user: call.user,
          clientRequest: call.clientRequest,
        }),
  };
  if (call.headers) {
    hostCalls.setClientRequestHeader = async (args) => {
      const { name, value } = args as { name: string; value: string | null };
      host.headerChanges.set(name, value);
      return undefined;
    };
  }
  if (host.emit !== undefined) {
    const emit = host.emit;
    hostCalls.emit = async (items) => {
      await emit(items as unknown[]);
      return undefined;
    };
  }
  return sandbox.invoke({
    project: manifest.project,
    ...loaded,
    args: [call.ctx, call.headers === true],
    decorate: FIREBOOM_CTX_DECORATOR,
    hostCalls,
    implicitHosts: internalHost(internalUrl),
    limits: resolveLimits(manifest.settings.limits),
    offline: host.offline,
  });
}

/** The call's log lines also go to the Worker's console, tagged with the project and the request id. */
function writeLogs(run: HookRun, logs: readonly LogEntry[]): void {
  const prefix = `[fireboom ${run.manifest.project} ${run.requestId ?? "-"}] ${run.path}:`;
  for (const entry of logs) {
    const write = entry.level === "log" ? console.log : console[entry.level];
    write(prefix, entry.message);
  }
}
