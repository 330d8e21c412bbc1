import { useState } from "hono/jsx/dom";
import type { Client } from "../client";
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
      <div class="run-layout">
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
        {selected === undefined ? null : <Recorded client={client} id={selected} />}
      </div>
    </section>
  );
}

function Recorded({ client, id }: { client: Client; id: string }) {
  const call = useLoad(() => client.invocation(id), [id]);
  const [version, setVersion] = useState("");
  const [live, setLive] = useState(false);
  const [replay, setReplay] = useState<{ recorded: unknown; replay: unknown } | undefined>(undefined);
  const [outcome, act] = useAction();
  return (
    <aside class="panel" aria-labelledby="recorded-title">
      <h2 id="recorded-title">Call {id}</h2>
      <ErrorLine error={call.error} />
      {call.data === undefined ? null : (
        <>
          <h3>Arguments</h3>
          <Json value={call.data.args} label="arguments" />
          <h3>Outcome</h3>
          <Json value={call.data.outcome} label="outcome" />
        </>
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
          <section>
            <h3>Recorded</h3>
            <Json value={replay.recorded} label="recorded" />
          </section>
          <section>
            <h3>Replay</h3>
            <Json value={replay.replay} label="replay" />
          </section>
        </div>
      )}
    </aside>
  );
}
