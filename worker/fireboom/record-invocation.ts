import type { NewInvocation, RecordedOutcome } from "../../durable/invocations";
import type { InvokeOutcome } from "../../sandbox";
import { registryOf } from "../env";
import type { LoadedScript } from "../project-cache";
import type { ProjectSettings } from "../../durable/project-settings";
import { redactSecrets } from "./redaction";
import type { HookCall, HookRun } from "./run-hook";

/** What a replay needs of a recorded call (its path is stored beside it); `stream`: the route took streamed items. */
export type RecordedCall = Omit<HookCall, "path"> & { readonly stream?: boolean };

/**
 * A Durable Object row holds at most 2 MB: the call and the outcome get a share each. A larger call is recorded
 * without it (and cannot be replayed); a larger outcome loses its result, then its logs, then its error's stack.
 */
const MAX_CALL_BYTES = 1024 * 1024;
const MAX_OUTCOME_BYTES = 512 * 1024;
const MAX_ERROR_MESSAGE_CHARS = 4096;

/** Failed calls are always recorded, successful ones at the project's sample rate (none by default). */
export function shouldRecord(outcome: InvokeOutcome, settings: ProjectSettings): boolean {
  if (!outcome.ok) return true;
  const rate = settings.invocations?.sampleRate;
  return rate !== undefined && rate > 0 && Math.random() < rate;
}

/** Sends the call, redacted and cut to size, to the project's registry. Never rejects: a lost record is only logged. */
export async function recordInvocation(run: HookRun, loaded: LoadedScript, outcome: InvokeOutcome, startedAt: number): Promise<void> {
  const recordedAt = Date.now();
  try {
    const recordedCall: RecordedCall = {
      ctx: run.ctx,
      requestId: run.requestId,
      cycleCounter: run.cycleCounter,
      user: run.user,
      clientRequest: run.clientRequest,
      headers: run.headers,
      stream: run.emit === undefined ? undefined : true,
    };
    const callJson = JSON.stringify(recordedCall, redactSecrets);
    const call = byteLength(callJson) <= MAX_CALL_BYTES ? callJson : null;
    const invocation: NewInvocation = {
      path: run.path,
      version: run.manifest.scripts[run.path]?.version ?? 0,
      sha256: loaded.script.sha256,
      ok: outcome.ok,
      errorCode: outcome.ok ? undefined : outcome.error.code,
      recordedAt,
      durationMs: recordedAt - startedAt,
      usage: outcome.usage,
      call,
      outcome: outcomeJson(outcome, call === null ? ["args"] : []),
    };
    await registryOf(run.env, run.manifest.project).recordInvocation(invocation);
  } catch (error) {
    console.error(`[fireboom ${run.manifest.project} ${run.requestId ?? "-"}] ${run.path}: the call was not recorded:`, error);
  }
}

/** The outcome as JSON within MAX_OUTCOME_BYTES, naming what it left out. */
function outcomeJson(outcome: InvokeOutcome, omitted: string[]): string {
  let recorded: RecordedOutcome = outcome.ok ? { result: outcome.result, logs: outcome.logs } : { error: outcome.error, logs: outcome.logs };
  // Each step answers the smaller outcome, or undefined when it has nothing to cut.
  const cuts: [string, (o: RecordedOutcome) => RecordedOutcome | undefined][] = [
    ["result", ({ result, ...rest }) => (result === undefined ? undefined : rest)],
    ["logs", (o) => (o.logs.length === 0 ? undefined : { ...o, logs: [] })],
    ["error", (o) => (o.error === undefined ? undefined : { ...o, error: { code: o.error.code, message: o.error.message.slice(0, MAX_ERROR_MESSAGE_CHARS) } })],
  ];
  const json = () => JSON.stringify(omitted.length === 0 ? recorded : { ...recorded, omitted }, redactSecrets);
  let text = json();
  for (const [part, cut] of cuts) {
    if (byteLength(text) <= MAX_OUTCOME_BYTES) break;
    const smaller = cut(recorded);
    if (smaller === undefined) continue;
    recorded = smaller;
    omitted = [...omitted, part];
    text = json();
  }
  return text;
}

/** UTF-8 bytes, counted only when the string could be past the limits (a char is at most 3 bytes). */
function byteLength(text: string): number {
  return text.length * 3 <= MAX_OUTCOME_BYTES ? text.length : new TextEncoder().encode(text).byteLength;
}
