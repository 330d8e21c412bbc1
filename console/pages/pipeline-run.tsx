import { useEffect, useMemo, useRef, useState } from "hono/jsx/dom";
import type { Client, GraphNode, PipelineGraph, RunEvent, StateView, StreamEnd } from "../client";
import { GraphView } from "../graph/graph-view";
import { placeGraph } from "../graph/layout";
import { pipelineGraphInput } from "../graph/pipeline";
import { href } from "../route";
import { ErrorLine, Json, OutcomeLine, parseJson, StreamLine, useAction, useLoad } from "../ui";

function stateNames(view: StateView | undefined): Record<string, string> {
  const names: Record<string, string> = {};
  if (view === undefined) return names;
  names[view.id] = view.state;
  for (const [id, child] of Object.entries(view.children)) names[id] = child.state;
  return names;
}

/**
 * One run: its graph coloured by node state, kept current over the run's event stream, and the panel of the selected
 * node with its operator actions.
 */
export function PipelineRunPage({ client, id }: { client: Client; id: string }) {
  const graph = useLoad(() => client.pipelineGraph(id), [id]);
  const states = useLoad(() => client.pipelineStates(id), [id]);
  const [events, setEvents] = useState<RunEvent[]>([]);
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const [outcome, act] = useAction();
  const refreshQueued = useRef(false);
  const [streamEnd, setStreamEnd] = useState<StreamEnd | undefined>(undefined);

  // Every engine event may change states: reload them, at most once per batch of events that arrive together.
  useEffect(() => {
    const abort = new AbortController();
    setEvents([]);
    setStreamEnd(undefined);
    void client
      .followEvents(
        "pipelines",
        id,
        (event) => {
          setEvents((seen) => (seen.some((e) => e.seq === event.seq) ? seen : [...seen, event]));
          if (refreshQueued.current) return;
          refreshQueued.current = true;
          setTimeout(() => {
            refreshQueued.current = false;
            states.reload();
          }, 50);
        },
        abort.signal,
      )
      .then((end) => {
        if (!abort.signal.aborted) setStreamEnd(end);
      });
    return () => abort.abort();
  }, [id]);

  const placed = useMemo(() => (graph.data === undefined ? undefined : placeGraph(pipelineGraphInput(graph.data))), [graph.data]);
  const names = useMemo(() => stateNames(states.data), [states.data]);
  const rootState = states.data?.state;

  return (
    <section aria-labelledby="run-title" class="run-page">
      <p>
        <a href={href("pipelines")}>← Pipelines</a>
      </p>
      <h1 id="run-title">
        Run {id} <span class={`badge state-${rootState ?? "NONE"}`} data-testid="run-state">{rootState ?? "…"}</span>
      </h1>
      <div class="actions" role="group" aria-label="run actions">
        {(["pause", "resume", "revoke"] as const).map((op) => (
          <button type="button" onClick={() => act(`${op} run`, () => client.pipelineOperation(id, op), states.reload)}>
            {op[0]!.toUpperCase() + op.slice(1)} run
          </button>
        ))}
      </div>
      <StreamLine end={streamEnd} />
      <OutcomeLine outcome={outcome} />
      <ErrorLine error={graph.error ?? states.error} />
      <div class="run-layout">
        {placed === undefined ? <p>Loading the graph…</p> : <GraphView placed={placed} states={names} selected={selected} onSelect={setSelected} label={`pipeline ${id}`} />}
        {selected === undefined || graph.data === undefined ? (
          <aside class="panel">
            <p>Select a node (click it, or Tab to it and press Enter) to see its state and act on it.</p>
          </aside>
        ) : (
          <NodePanel
            client={client}
            runId={id}
            graph={graph.data}
            nodeId={selected}
            stateName={names[selected]}
            stamp={states.data}
            events={events.filter((e) => e.data?.node_id === selected)}
            onChanged={states.reload}
          />
        )}
      </div>
      <details class="events">
        <summary>Event log ({events.length})</summary>
        <ol>
          {events.map((e) => (
            <li>
              <code>{e.seq}</code> {e.event_type} {typeof e.data?.node_id === "string" ? <code>{e.data.node_id}</code> : null} <time>{e.at}</time>
            </li>
          ))}
        </ol>
      </details>
    </section>
  );
}

interface PanelProps {
  client: Client;
  runId: string;
  graph: PipelineGraph;
  nodeId: string;
  stateName: string | undefined;
  /** Changes whenever the run's states are reloaded, so the panel reloads with them. */
  stamp: unknown;
  events: RunEvent[];
  onChanged: () => void;
}

type NodeDetail = {
  state: Record<string, unknown> | null;
  execution_data: { inputs: unknown; outputs: unknown } | null;
  data: { inputs: Record<string, { value: unknown }>; outputs: unknown };
  schedule: Record<string, unknown> | null;
  histories: Record<string, unknown>[];
  callback_url?: string;
};

function NodePanel({ client, runId, graph, nodeId, stateName, stamp, events, onChanged }: PanelProps) {
  const detail = useLoad(() => client.pipelineNode(runId, nodeId) as Promise<NodeDetail>, [runId, nodeId, stamp]);
  const node = graph.nodes.find((n) => n.id === nodeId) ?? ({ id: nodeId, type: "Pipeline", name: null, pipeline_id: "" } as GraphNode);
  const outgoing = graph.flows.filter((f) => f.source === nodeId);
  const [outcome, act] = useAction();
  const [retryData, setRetryData] = useState<string | undefined>(undefined);
  const [callbackData, setCallbackData] = useState("{}");
  const [exData, setExData] = useState("");
  const [flowId, setFlowId] = useState("");
  const [flowIds, setFlowIds] = useState<string[]>([]);
  useEffect(() => {
    setRetryData(undefined);
    setFlowId("");
    setFlowIds([]);
  }, [nodeId]);

  const d = detail.data;
  const inputsText = d === undefined ? "{}" : JSON.stringify(Object.fromEntries(Object.entries(d.data.inputs).map(([k, v]) => [k, v.value])), null, 2);
  const version = typeof d?.state?.version === "string" ? d.state.version : "";
  const op = (label: string, call: () => Promise<unknown>) => act(label, call, onChanged);
  const hookOrder = events.map((e) => e.event_type);

  return (
    <aside class="panel" aria-labelledby="panel-title">
      <h2 id="panel-title">
        {node.name ?? nodeId} <small>({node.type})</small>
      </h2>
      <p>
        id <code>{nodeId}</code> · state <span class={`badge state-${stateName ?? "NONE"}`}>{stateName ?? "not started"}</span>
        {node.code ? (
          <>
            {" "}
            · component <code>{node.code}</code>
          </>
        ) : null}
      </p>
      <ErrorLine error={detail.error} />
      <OutcomeLine outcome={outcome} />

      <h3>Actions</h3>
      <div class="actions" role="group" aria-label="node actions">
        {node.type === "SubProcess" ? (
          <>
            {(["pause", "resume", "revoke"] as const).map((o) => (
              <button type="button" onClick={() => op(`${o} subprocess`, () => client.pipelineOperation(runId, o, nodeId))}>
                {o[0]!.toUpperCase() + o.slice(1)} subprocess
              </button>
            ))}
            <button type="button" onClick={() => op("retry subprocess", () => client.nodeOperation(runId, nodeId, "retry-subprocess"))}>
              Retry subprocess
            </button>
          </>
        ) : null}
        <button type="button" onClick={() => op("pause node", () => client.nodeOperation(runId, nodeId, "pause"))}>
          Pause node
        </button>
        <button type="button" onClick={() => op("resume node", () => client.nodeOperation(runId, nodeId, "resume"))}>
          Resume node
        </button>
        <button type="button" onClick={() => op("skip", () => client.nodeOperation(runId, nodeId, "skip"))}>
          Skip
        </button>
      </div>

      <form
        class="op-form"
        aria-label="retry"
        onSubmit={(e: Event) => {
          e.preventDefault();
          void op("retry", async () => client.nodeOperation(runId, nodeId, "retry", { data: parseJson(retryData ?? inputsText, "retry data") }));
        }}
      >
        <label>
          Retry with data (JSON: input name → value)
          <textarea name="retry-data" rows={5} spellcheck={false} value={retryData ?? inputsText} onInput={(e: Event) => setRetryData((e.target as HTMLTextAreaElement).value)} />
        </label>
        <button type="submit">Retry</button>
      </form>

      <form
        class="op-form"
        aria-label="forced fail"
        onSubmit={(e: Event) => {
          e.preventDefault();
          void op("forced fail", () => client.nodeOperation(runId, nodeId, "forced-fail", exData ? { ex_data: exData } : {}));
        }}
      >
        <label>
          Forced fail, with message <input name="ex-data" value={exData} onInput={(e: Event) => setExData((e.target as HTMLInputElement).value)} />
        </label>
        <button type="submit">Forced fail</button>
      </form>

      {node.type === "ExclusiveGateway" ? (
        <form
          class="op-form"
          aria-label="skip exclusive gateway"
          onSubmit={(e: Event) => {
            e.preventDefault();
            void op("skip exclusive gateway", () => client.nodeOperation(runId, nodeId, "skip-exclusive-gateway", { flow_id: flowId || outgoing[0]?.id }));
          }}
        >
          <label>
            Skip the gateway along flow{" "}
            <select name="flow" onChange={(e: Event) => setFlowId((e.target as HTMLSelectElement).value)}>
              {outgoing.map((f) => (
                <option value={f.id} selected={f.id === flowId}>
                  {f.id} → {f.target} {f.condition ? `(${f.condition})` : f.default ? "(default)" : ""}
                </option>
              ))}
            </select>
          </label>
          <button type="submit">Skip gateway</button>
        </form>
      ) : null}

      {node.type === "ConditionalParallelGateway" ? (
        <form
          class="op-form"
          aria-label="skip conditional parallel gateway"
          onSubmit={(e: Event) => {
            e.preventDefault();
            void op("skip conditional parallel gateway", () =>
              client.nodeOperation(runId, nodeId, "skip-conditional-parallel-gateway", { flow_ids: flowIds, converge_gateway_id: node.converge_gateway_id ?? "" }),
            );
          }}
        >
          <fieldset>
            <legend>Skip the gateway along flows (converging at {node.converge_gateway_id ?? "?"})</legend>
            {outgoing.map((f) => (
              <label class="check">
                <input
                  type="checkbox"
                  name="flows"
                  value={f.id}
                  checked={flowIds.includes(f.id)}
                  onChange={(e: Event) => {
                    const on = (e.target as HTMLInputElement).checked;
                    setFlowIds((ids) => (on ? [...ids, f.id] : ids.filter((x) => x !== f.id)));
                  }}
                />{" "}
                {f.id} → {f.target} {f.condition ? `(${f.condition})` : ""}
              </label>
            ))}
          </fieldset>
          <button type="submit">Skip gateway</button>
        </form>
      ) : null}

      <form
        class="op-form"
        aria-label="callback"
        onSubmit={(e: Event) => {
          e.preventDefault();
          void op("callback", async () => client.nodeOperation(runId, nodeId, "callback", { version, data: parseJson(callbackData, "callback data") }));
        }}
      >
        <label>
          Callback data (JSON), for version <code>{version || "?"}</code>
          <textarea name="callback-data" rows={3} spellcheck={false} value={callbackData} onInput={(e: Event) => setCallbackData((e.target as HTMLTextAreaElement).value)} />
        </label>
        <button type="submit">Callback</button>
      </form>

      {outgoing.some((f) => f.condition !== undefined) ? (
        <>
          <h3>Flows</h3>
          <ul>
            {outgoing.map((f) => (
              <li>
                <code>{f.id}</code> → <code>{f.target}</code> {f.default ? "(default)" : f.condition ? <code>{f.condition}</code> : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}

      {d === undefined ? null : (
        <>
          {d.callback_url ? (
            <>
              <h3>Callback URL</h3>
              <p>
                <code class="url" data-testid="callback-url">
                  {d.callback_url}
                </code>
              </p>
            </>
          ) : null}
          <h3>State</h3>
          <Json value={d.state} label="state" />
          <h3>Inputs and outputs</h3>
          <Json value={d.execution_data ?? d.data} label="inputs and outputs" />
          <h3>Schedule</h3>
          <Json value={d.schedule} label="schedule" />
          <h3>Histories ({d.histories.length})</h3>
          <Json value={d.histories} label="histories" />
          <h3>Hook call order</h3>
          {hookOrder.length === 0 ? <p>No events for this node yet.</p> : <ol class="hooks">{hookOrder.map((h) => <li>{h}</li>)}</ol>}
        </>
      )}
    </aside>
  );
}
