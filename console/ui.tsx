import { useCallback, useEffect, useState } from "hono/jsx/dom";
import { ApiRefusal, type StreamEnd } from "./client";

/** Data loaded by `load` whenever `deps` change, with its error; `reload` loads it again. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): { data: T | undefined; error: string | undefined; reload: () => void } {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    load().then(
      (value) => {
        if (!current) return;
        setData(value);
        setError(undefined);
      },
      (failure: unknown) => {
        if (current) setError(messageOf(failure));
      },
    );
    return () => {
      current = false;
    };
  }, [...deps, round]);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  return { data, error, reload };
}

export function messageOf(failure: unknown): string {
  if (failure instanceof ApiRefusal) return `${failure.status} ${failure.code}: ${failure.message}`;
  return failure instanceof Error ? failure.message : String(failure);
}

/** The outcome of the last action, announced to screen readers; a refusal shows the API's message. */
export type Outcome = { ok: boolean; text: string } | undefined;

export function OutcomeLine({ outcome }: { outcome: Outcome }) {
  return (
    <p class={outcome === undefined ? "outcome" : outcome.ok ? "outcome ok" : "outcome refused"} role="status" aria-live="polite">
      {outcome?.text ?? ""}
    </p>
  );
}

/** Runs an action and reports it: `done` on success, the API's refusal message otherwise. */
export function useAction(): [Outcome, (label: string, action: () => Promise<unknown>, after?: () => void) => Promise<void>] {
  const [outcome, setOutcome] = useState<Outcome>(undefined);
  const run = useCallback(async (label: string, action: () => Promise<unknown>, after?: () => void) => {
    setOutcome({ ok: true, text: `${label}…` });
    try {
      await action();
      setOutcome({ ok: true, text: `${label}: done` });
      after?.();
    } catch (failure) {
      setOutcome({ ok: false, text: `${label} refused: ${messageOf(failure)}` });
    }
  }, []);
  return [outcome, run];
}

export function Json({ value, label }: { value: unknown; label?: string }) {
  return (
    <pre class="json" aria-label={label} tabindex={0}>
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}

export function ErrorLine({ error }: { error: string | undefined }) {
  return error === undefined ? null : (
    <p class="error" role="alert">
      {error}
    </p>
  );
}

/** Parses a JSON text field, or throws a readable error naming the field. */
export function parseJson(text: string, field: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${field} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Whether a run page still follows the run's event stream, and why not once it stopped. */
export function StreamLine({ end }: { end: StreamEnd | undefined }) {
  const text = end === undefined ? "Live: following the run's events." : end === "ended" ? "The run has ended: no more events." : "Not following the run's events.";
  return (
    <p class="hint" data-testid="stream" data-stream={end ?? "live"}>
      {text}
    </p>
  );
}
