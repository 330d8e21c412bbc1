import { useState } from "hono/jsx/dom";
import type { Client } from "../client";
import { href } from "../route";
import { ErrorLine, Json, OutcomeLine, parseJson, useAction, useLoad } from "../ui";

/** How many running pipelines and pending executions the page reads: each one is a request of its own. */
const MAX_RUNS = 50;

interface Waiting {
  kind: "pipeline" | "execution";
  run: string;
  link: string;
  node: string;
  detail: string;
}

/**
 * What waits across the project's runs, read from the public routes: the nodes of running pipelines that are
 * running, suspended or failed, and the pending jobs of unfinished executions with their resume URLs.
 */
async function waitingNodes(client: Client): Promise<Waiting[]> {
  const found: Waiting[] = [];
  const running = (await client.listPipelines("RUNNING")).pipelines.slice(0, MAX_RUNS);
  await Promise.all(
    running.map(async (run) => {
      const states = await client.pipelineStates(run.id);
      for (const [node, child] of Object.entries(states.children)) {
        if (child.state === "RUNNING" || child.state === "FAILED" || child.state === "SUSPENDED") {
          found.push({ kind: "pipeline", run: run.id, link: href("pipelines", run.id), node, detail: child.state });
        }
      }
    }),
  );
  const workflows = (await client.listWorkflows()).workflows;
  const executions = (await Promise.all(workflows.map((w) => client.listExecutions(w.key)))).flatMap((page) => page.executions);
  const open = executions.filter((x) => x.status === 0).slice(0, MAX_RUNS);
  await Promise.all(
    open.map(async (summary) => {
      const execution = await client.execution(summary.id);
      for (const job of execution.jobs) {
        if (job.status === 0) found.push({ kind: "execution", run: execution.id, link: href("executions", execution.id), node: job.nodeKey, detail: job.resumeUrl ?? "pending" });
      }
    }),
  );
  return found;
}

export function WaitsPage({ client }: { client: Client }) {
  const waiting = useLoad(() => waitingNodes(client), []);
  const subscriptions = useLoad(() => client.listSubscriptions(), []);
  const [shown, setShown] = useState<string | undefined>(undefined);
  const deliveries = useLoad(() => (shown === undefined ? Promise.resolve(undefined) : client.deliveries(shown)), [shown]);
  const [bufferedOf, setBufferedOf] = useState({ name: "", correlationKey: "" });
  const buffered = useLoad(() => client.bufferedEvents(bufferedOf.name, bufferedOf.correlationKey), [bufferedOf.name, bufferedOf.correlationKey]);
  const [event, setEvent] = useState({ name: "", correlationKey: "", payload: "{}", ttl: "" });
  const [outcome, act] = useAction();
  return (
    <section aria-labelledby="waits-title">
      <h1 id="waits-title">Waits</h1>
      <h2>Waiting nodes and pending jobs</h2>
      <button type="button" onClick={waiting.reload}>
        Refresh
      </button>
      <ErrorLine error={waiting.error} />
      <table class="list">
        <thead>
          <tr>
            <th scope="col">run</th>
            <th scope="col">node or job</th>
            <th scope="col">state or resume URL</th>
          </tr>
        </thead>
        <tbody>
          {(waiting.data ?? []).map((w) => (
            <tr>
              <td>
                {w.kind} <a href={w.link}>{w.run}</a>
              </td>
              <td>{w.node}</td>
              <td>
                <code class="url">{w.detail}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {waiting.data?.length === 0 ? <p>Nothing waits.</p> : null}

      <h2>Send a correlated event</h2>
      <p>An event no node waits for yet is kept for its time to live, and the first node to wait for its name and key gets it.</p>
      <form
        class="op-form"
        aria-label="send an event"
        onSubmit={(e: Event) => {
          e.preventDefault();
          void act(
            "send event",
            async () =>
              client.sendEvent({
                name: event.name,
                correlationKey: event.correlationKey,
                payload: parseJson(event.payload, "payload"),
                ...(event.ttl ? { ttlSeconds: Number(event.ttl) } : {}),
              }),
            buffered.reload,
          );
        }}
      >
        <label>
          name <input required value={event.name} onInput={(e: Event) => setEvent({ ...event, name: (e.target as HTMLInputElement).value })} />
        </label>
        <label>
          correlation key <input required value={event.correlationKey} onInput={(e: Event) => setEvent({ ...event, correlationKey: (e.target as HTMLInputElement).value })} />
        </label>
        <label>
          payload (JSON) <textarea rows={2} value={event.payload} onInput={(e: Event) => setEvent({ ...event, payload: (e.target as HTMLTextAreaElement).value })} />
        </label>
        <label>
          time to live (s) <input inputmode="numeric" value={event.ttl} onInput={(e: Event) => setEvent({ ...event, ttl: (e.target as HTMLInputElement).value })} />
        </label>
        <button type="submit">Send</button>
        <OutcomeLine outcome={outcome} />
      </form>

      <h2>Buffered events</h2>
      <p>Events no node has taken yet, newest first (at most 50): with both a name and a key, only that pair's.</p>
      <form class="filters" aria-label="buffered events" onSubmit={(e: Event) => e.preventDefault()}>
        <label>
          name <input name="buffered-name" value={bufferedOf.name} onChange={(e: Event) => setBufferedOf({ ...bufferedOf, name: (e.target as HTMLInputElement).value })} />
        </label>
        <label>
          correlation key{" "}
          <input name="buffered-key" value={bufferedOf.correlationKey} onChange={(e: Event) => setBufferedOf({ ...bufferedOf, correlationKey: (e.target as HTMLInputElement).value })} />
        </label>
        <button type="button" onClick={buffered.reload}>
          Refresh
        </button>
      </form>
      <ErrorLine error={buffered.error} />
      <table class="list" aria-label="buffered events">
        <thead>
          <tr>
            <th scope="col">received</th>
            <th scope="col">name</th>
            <th scope="col">correlation key</th>
            <th scope="col">id</th>
            <th scope="col">expires</th>
            <th scope="col">payload</th>
          </tr>
        </thead>
        <tbody>
          {(buffered.data?.events ?? []).map((kept) => (
            <tr>
              <td>{kept.receivedAt ?? "?"}</td>
              <td>{kept.name}</td>
              <td>{kept.correlationKey}</td>
              <td>
                <code>{kept.id}</code>
              </td>
              <td>{kept.expiresAt}</td>
              <td>
                <code>{JSON.stringify(kept.payload)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {buffered.data?.events.length === 0 ? <p>No buffered events.</p> : null}

      <h2>Subscriptions</h2>
      <ErrorLine error={subscriptions.error} />
      <table class="list">
        <thead>
          <tr>
            <th scope="col">name</th>
            <th scope="col">URL</th>
            <th scope="col">events</th>
            <th scope="col">deliveries</th>
          </tr>
        </thead>
        <tbody>
          {(subscriptions.data?.subscriptions ?? []).map((s) => (
            <tr>
              <td>{s.name}</td>
              <td>
                <code class="url">{s.url}</code>
              </td>
              <td>{s.events.join(", ")}</td>
              <td>
                <button type="button" onClick={() => setShown(s.name)}>
                  Show deliveries
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {subscriptions.data?.subscriptions.length === 0 ? <p>No subscriptions.</p> : null}
      {shown === undefined ? null : (
        <>
          <h3>Deliveries of {shown}</h3>
          <ErrorLine error={deliveries.error} />
          <Json value={deliveries.data?.deliveries ?? []} label={`deliveries of ${shown}`} />
        </>
      )}
    </section>
  );
}
