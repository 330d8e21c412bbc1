import type { Manifest } from "../../durable/registry";
import { resolveLimits, type InvokeOutcome, type LogEntry, type SandboxError, type Usage } from "../../sandbox";
import type { Bindings } from "../env";
import { loadScript } from "../project-cache";
import type { RecordedCall } from "./record-invocation";
import { invokeHook } from "./run-hook";

/** One run of a hook call as a replay answers it: which version ran, and its outcome. */
export interface CallResult {
  readonly version: number;
  readonly ok: boolean;
  readonly result?: unknown;
  readonly error?: SandboxError;
  readonly logs: readonly LogEntry[];
  readonly usage: Usage;
}

/**
 * Runs a recorded call again with the script version `target` and the project's current libraries, settings and
 * limits; undefined when that version's source is gone. Unless `live`, nothing outside is reached: ctx.internalClient
 * rejects and fetch is refused. Header changes go nowhere; the items a streaming script yields become its result.
 */
export async function replayCall(
  env: Bindings,
  manifest: Manifest,
  path: string,
  call: RecordedCall,
  target: { readonly version: number; readonly sha256: string },
  live: boolean,
): Promise<CallResult | undefined> {
  const loaded = await loadScript(env, manifest, path, target.sha256);
  if (loaded === undefined) return undefined;
  const resultBytes = resolveLimits(manifest.settings.limits).resultBytes;
  const items: unknown[] = [];
  let itemChars = 0;
  let streamed = false;
  const emit = async (batch: unknown[]) => {
    streamed = true;
    for (const item of batch) {
      itemChars += JSON.stringify(item).length;
      if (itemChars > resultBytes) throw new RangeError(`the streamed items are more than ${resultBytes} bytes of JSON, the result limit`);
      items.push(item);
    }
  };
  const outcome = await invokeHook(manifest, { path, ...call }, loaded, {
    headerChanges: new Map(),
    emit: call.stream ? emit : undefined,
    offline: !live,
  });
  return callResult(target.version, outcome.ok && streamed ? { ...outcome, result: items } : outcome);
}

function callResult(version: number, outcome: InvokeOutcome): CallResult {
  return outcome.ok
    ? { version, ok: true, result: outcome.result, logs: outcome.logs, usage: outcome.usage }
    : { version, ok: false, error: outcome.error, logs: outcome.logs, usage: outcome.usage };
}
