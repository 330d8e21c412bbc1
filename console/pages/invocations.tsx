import { useState } from "hono/jsx/dom";
import type { CallOutcome, Client } from "../client";
import { ErrorLine, Json, OutcomeLine, useAction, useLoad } from "../ui";

/** Fireboom hook calls the runtime recorded (failed and sampled ones), each replayable against a chosen version. */
export function InvocationsPage({ client }: { client: Client }) {
  const [path, setPath] = useState("");
  const [outcome, setOutcome] = useState<"" | "ok" | "error">("");
  const list = useLoad(() => client.listInvocations(path, outcome), [path, outcome]);
  const [selected, setSelected] = useState<string | undefined>(undefined);
  return (
    <section aria-labelledby="invocations-title">
      <h1 id="invocations-title">Recorded calls</h1>
      <form class="filters" onSubmit={(e: Event) => e.preventDefault()}>
        <label>
          path <input name="path" value={path} onChange={(e: Event) => setPath((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          outcome{" "}
          <select name="outcome" onChange={(e: Event) => setOutcome((e.target as HTMLSelectElement).value as "" | "ok" | "error")}>
            <option value="">any</option>
            <option value="ok">ok</option>
            <option value="error">error</option>
          </select>
        </label>
      </form>
      <ErrorLine error={list.error} />
      <table class="list">
        <thead>
          <tr>
            <th scope="col">call</th>
            <th scope="col">path</th>
            <th scope="col">version</th>
            <th scope="col">outcome</th>
            <th scope="col">recorded</th>
            <th scope="col">ms</th>
          </tr>
        </thead>
        <tbody>
          {(list.data?.invocations ?? []).map((call) => (
            <tr aria-selected={call.id === selected ? "true" : undefined}>
              <td>
                <button type="button" class="link" onClick={() => setSelected(call.id)}>
                  {call.id}
                </button>
              </td>
              <td>{call.path}</td>
              <td>{call.version}</td>
              <td>{call.outcome === "error" ? `error ${call.errorCode ?? ""}` : call.outcome}</td>
              <td>{call.recordedAt}</td>
              <td>{call.durationMs}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.data?.invocations.length === 0 ? <p>No recorded calls.</p> : null}
      {/* Keyed by the call, so another call's replay is never shown beside this one. */}
      {selected === undefined ? null : <Recorded key={selected} client={client} id={selected} />}
    </section>
  );
}

function Recorded({ client, id }: { client: Client; id: string }) {
  const call = useLoad(() => client.invocation(id), [id]);
  const [version, setVersion] = useState("");
  const [live, setLive] = useState(false);
  const [replay, setReplay] = useState<{ recorded: CallOutcome; replay: CallOutcome } | undefined>(undefined);
  const [outcome, act] = useAction();
  return (
    <aside class="panel wide" aria-labelledby="recorded-title">
      <h2 id="recorded-title">Call {id}</h2>
      <ErrorLine error={call.error} />
      {call.data === undefined ? null : (
        <div class="side-by-side">
          <section>
            <h3>Arguments</h3>
            <Json value={call.data.args} label="arguments" />
          </section>
          <section>
            <h3>Outcome</h3>
            <Json value={call.data.outcome} label="outcome" />
          </section>
        </div>
      )}
      <form
        class="op-form"
        aria-label="replay"
        onSubmit={(e: Event) => {
          e.preventDefault();
          void act("replay", async () => setReplay(await client.replayInvocation(id, { ...(version ? { version: Number(version) } : {}), ...(live ? { live } : {}) })));
        }}
      >
        <label>
          against version <input name="version" inputmode="numeric" placeholder="current" value={version} onInput={(e: Event) => setVersion((e.target as HTMLInputElement).value)} />
        </label>
        <label class="check">
          <input type="checkbox" name="live" checked={live} onChange={(e: Event) => setLive((e.target as HTMLInputElement).checked)} /> live
        </label>
        <button type="submit">Replay</button>
        <OutcomeLine outcome={outcome} />
      </form>
      {replay === undefined ? null : (
        <div class="side-by-side">
          <OutcomeSide title="Recorded" side={replay.recorded} />
          <OutcomeSide title="Replay" side={replay.replay} />
        </div>
      )}
    </aside>
  );
}

/** One column of the side-by-side view: a line saying which version ran and how it ended, then all of it. */
function OutcomeSide({ title, side }: { title: string; side: CallOutcome }) {
  const label = title.toLowerCase();
  return (
    <section aria-label={label}>
      <h3>{title}</h3>
      <p class={side.ok ? "outcome ok" : "outcome refused"} data-testid={`${label}-outcome`}>
        v{side.version} {side.ok ? "ok" : `error ${side.error?.code ?? ""}: ${side.error?.message ?? ""}`}
      </p>
      <Json value={side} label={label} />
    </section>
  );
}
