import { useState } from "hono/jsx/dom";
import type { Client } from "../client";
import { href } from "../route";
import { ErrorLine, useLoad } from "../ui";

const STATES = ["", "RUNNING", "SUSPENDED", "FINISHED", "FAILED", "REVOKED", "BLOCKED"];
const WINDOWS: Record<string, number> = { "": 0, "last hour": 3_600_000, "last day": 86_400_000, "last week": 7 * 86_400_000 };

/** The project's pipeline runs, newest first, filtered by state (server side) and by start time. */
export function PipelinesPage({ client }: { client: Client }) {
  const [state, setState] = useState("");
  const [window, setWindow] = useState("");
  const [cursor, setCursor] = useState<number | null>(null);
  const runs = useLoad(() => client.listPipelines(state, cursor), [state, cursor]);
  const since = WINDOWS[window] ? Date.now() - WINDOWS[window]! : 0;
  const shown = (runs.data?.pipelines ?? []).filter((run) => Date.parse(run.created_at) >= since);
  return (
    <section aria-labelledby="pipelines-title">
      <h1 id="pipelines-title">Pipelines</h1>
      <form class="filters" onSubmit={(e: Event) => e.preventDefault()}>
        <label>
          state{" "}
          <select
            name="state"
            onChange={(e: Event) => {
              setCursor(null);
              setState((e.target as HTMLSelectElement).value);
            }}
          >
            {STATES.map((s) => (
              <option value={s} selected={s === state}>
                {s || "any"}
              </option>
            ))}
          </select>
        </label>
        <label>
          started{" "}
          <select name="window" onChange={(e: Event) => setWindow((e.target as HTMLSelectElement).value)}>
            {Object.keys(WINDOWS).map((w) => (
              <option value={w} selected={w === window}>
                {w || "any time"}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={runs.reload}>
          Refresh
        </button>
      </form>
      <ErrorLine error={runs.error} />
      <table class="list">
        <thead>
          <tr>
            <th scope="col">run</th>
            <th scope="col">state</th>
            <th scope="col">started</th>
            <th scope="col">updated</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((run) => (
            <tr>
              <td>
                <a href={href("pipelines", run.id)}>{run.id}</a>
              </td>
              <td>
                <span class={`badge state-${run.state}`}>{run.state}</span>
              </td>
              <td>{run.created_at}</td>
              <td>{run.updated_at}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {runs.data?.pipelines.length === 0 ? <p>No runs.</p> : null}
      {runs.data?.next !== null && runs.data?.next !== undefined ? (
        <button type="button" onClick={() => setCursor(runs.data!.next)}>
          Older runs
        </button>
      ) : null}
    </section>
  );
}
