import { useEffect, useMemo, useState } from "hono/jsx/dom";
import type { Client, Job, StreamEnd, Workflow } from "../client";
import { GraphView } from "../graph/graph-view";
import { placeGraph } from "../graph/layout";
import { workflowGraphInput } from "../graph/workflow";
import { href } from "../route";
import { ErrorLine, Json, OutcomeLine, parseJson, StreamLine, useAction, useLoad } from "../ui";

/** NocoBase's job and execution statuses (an execution's null is QUEUEING; its 0 is STARTED). */
const STATUS: Record<number, string> = { 0: "PENDING", 1: "RESOLVED", [-1]: "FAILED", [-2]: "ERROR", [-3]: "ABORTED", [-4]: "CANCELED", [-5]: "REJECTED", [-6]: "RETRY_NEEDED" };
const statusName = (status: number | null) => (status === null ? "QUEUEING" : (STATUS[status] ?? String(status)));
const executionStatusName = (status: number | null) => (status === 0 ? "STARTED" : statusName(status));

const versionNumbers = (workflow: Workflow | undefined): number[] => (workflow?.versions ?? []).map((v) => v.version).sort((a, b) => b - a);

export function WorkflowsPage({ client }: { client: Client }) {
  const list = useLoad(() => client.listWorkflows(), []);
  return (
    <section aria-labelledby="workflows-title">
      <h1 id="workflows-title">Workflows</h1>
      <ErrorLine error={list.error} />
      <table class="list">
        <thead>
          <tr>
            <th scope="col">key</th>
            <th scope="col">title</th>
            <th scope="col">version</th>
          </tr>
        </thead>
        <tbody>
          {(list.data?.workflows ?? []).map((w) => (
            <tr>
              <td>
                <a href={href("workflows", w.key)}>{w.key}</a>
              </td>
              <td>{w.title ?? ""}</td>
              <td>{w.version}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.data?.workflows.length === 0 ? <p>No workflows.</p> : null}
    </section>
  );
}

/** A workflow at one of its versions: its graph, the variables a node may use, its executions, and a run form. */
export function WorkflowPage({ client, workflowKey }: { client: Client; workflowKey: string }) {
  const [version, setVersion] = useState<number | undefined>(undefined);
  const workflow = useLoad(() => client.workflow(workflowKey, version), [workflowKey, version]);
  const executions = useLoad(() => client.listExecutions(workflowKey), [workflowKey]);
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const variables = useLoad(
    () => (selected === undefined || selected.startsWith("@") ? Promise.resolve(undefined) : client.workflowVariables(workflowKey, selected, workflow.data?.version)),
    [workflowKey, selected, workflow.data?.version],
  );
  const [context, setContext] = useState("{}");
  const [outcome, act] = useAction();
  const placed = useMemo(() => (workflow.data === undefined ? undefined : placeGraph(workflowGraphInput(workflow.data.nodes))), [workflow.data]);
  const node = workflow.data?.nodes.find((n) => n.key === selected);

  return (
    <section aria-labelledby="workflow-title">
      <p>
        <a href={href("workflows")}>← Workflows</a>
      </p>
      <h1 id="workflow-title">
        Workflow {workflowKey} {workflow.data ? <small>version {workflow.data.version}{workflow.data.current ? " (current)" : ""}</small> : null}
      </h1>
      <ErrorLine error={workflow.error} />
      <label>
        version{" "}
        <select onChange={(e: Event) => setVersion(Number((e.target as HTMLSelectElement).value) || undefined)}>
          <option value="">current</option>
          {versionNumbers(workflow.data).map((v) => (
            <option value={String(v)} selected={v === version}>
              {v}
            </option>
          ))}
        </select>
      </label>
      {workflow.data ? (
        <p>
          trigger <code>{workflow.data.trigger.type}</code> · {workflow.data.sync ? "sync" : "async"}
        </p>
      ) : null}
      <div class="run-layout">
        {placed === undefined ? <p>Loading…</p> : <GraphView placed={placed} states={{}} selected={selected} onSelect={setSelected} label={`workflow ${workflowKey}`} />}
        <aside class="panel">
          {node === undefined ? (
            <p>Select a node to see its config and the variables it may use.</p>
          ) : (
            <>
              <h2>
                {node.title ?? node.key} <small>({node.type})</small>
              </h2>
              <h3>Config</h3>
              <Json value={node.config ?? {}} label="config" />
              <h3>Variables it may use</h3>
              <ErrorLine error={variables.error} />
              {variables.data === undefined ? null : <Json value={variables.data.options} label="variables" />}
            </>
          )}
          <form
            class="op-form"
            aria-label="execute"
            onSubmit={(e: Event) => {
              e.preventDefault();
              void act("execute", async () => client.executeWorkflow(workflowKey, parseJson(context, "context")), executions.reload);
            }}
          >
            <label>
              Run with $context (JSON)
              <textarea name="context" rows={3} spellcheck={false} value={context} onInput={(e: Event) => setContext((e.target as HTMLTextAreaElement).value)} />
            </label>
            <button type="submit">Execute</button>
          </form>
          <OutcomeLine outcome={outcome} />
        </aside>
      </div>
      <h2>Executions</h2>
      <ErrorLine error={executions.error} />
      <button type="button" onClick={executions.reload}>
        Refresh
      </button>
      <table class="list">
        <thead>
          <tr>
            <th scope="col">execution</th>
            <th scope="col">version</th>
            <th scope="col">status</th>
            <th scope="col">created</th>
          </tr>
        </thead>
        <tbody>
          {(executions.data?.executions ?? []).map((x) => (
            <tr>
              <td>
                <a href={href("executions", x.id)}>{x.id}</a>
              </td>
              <td>{x.version}</td>
              <td>
                <span class={`badge status-${executionStatusName(x.status)}`}>{executionStatusName(x.status)}</span>
              </td>
              <td>{x.createdAt}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** One execution: its jobs over the graph of the version it runs, kept current over its event stream. */
export function ExecutionPage({ client, id }: { client: Client; id: string }) {
  const execution = useLoad(() => client.execution(id), [id]);
  const x = execution.data;
  const workflow = useLoad(() => (x === undefined ? Promise.resolve(undefined) : client.workflow(x.key, x.version)), [x?.key, x?.version]);
  const tasks = useLoad(() => client.manualTasks(id), [id, x]);
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const [outcome, act] = useAction();

  const [streamEnd, setStreamEnd] = useState<StreamEnd | undefined>(undefined);
  useEffect(() => {
    const abort = new AbortController();
    setStreamEnd(undefined);
    void client
      .followEvents("executions", id, () => execution.reload(), abort.signal)
      .then((end) => {
        if (!abort.signal.aborted) setStreamEnd(end);
      });
    return () => abort.abort();
  }, [id]);

  const placed = useMemo(() => (workflow.data === undefined ? undefined : placeGraph(workflowGraphInput(workflow.data.nodes))), [workflow.data]);
  // A node's colour is its latest job's status (a loop or a rerun may give a node several jobs).
  const overlay = useMemo(() => {
    const states: Record<string, string> = {};
    for (const job of x?.jobs ?? []) states[job.nodeKey] = statusName(job.status);
    return states;
  }, [x]);
  const jobs = (x?.jobs ?? []).filter((j) => selected === undefined || j.nodeKey === selected);

  return (
    <section aria-labelledby="execution-title">
      <p>{x ? <a href={href("workflows", x.key)}>← Workflow {x.key}</a> : null}</p>
      <h1 id="execution-title">
        Execution {id}{" "}
        <span class={`badge status-${executionStatusName(x?.status ?? null)}`} data-testid="execution-status">
          {x ? executionStatusName(x.status) : "…"}
        </span>
      </h1>
      <StreamLine end={streamEnd} />
      <ErrorLine error={execution.error ?? workflow.error} />
      <div class="actions">
        <button type="button" onClick={() => act("cancel execution", () => client.cancelExecution(id), execution.reload)}>
          Cancel execution
        </button>
      </div>
      <OutcomeLine outcome={outcome} />
      <div class="run-layout">
        {placed === undefined ? <p>Loading…</p> : <GraphView placed={placed} states={overlay} selected={selected} onSelect={setSelected} label={`execution ${id}`} />}
        <aside class="panel">
          <h2>Jobs{selected === undefined ? "" : ` of ${selected}`}</h2>
          {selected === undefined ? null : (
            <button type="button" onClick={() => setSelected(undefined)}>
              Show every job
            </button>
          )}
          {jobs.map((job) => (
            <JobCard client={client} executionId={id} job={job} onChanged={execution.reload} />
          ))}
          {x === undefined ? null : (
            <>
              <h3>Context</h3>
              <Json value={x.context} label="context" />
              {x.output === undefined ? null : (
                <>
                  <h3>Output</h3>
                  <Json value={x.output} label="output" />
                </>
              )}
            </>
          )}
        </aside>
      </div>
      <h2>Manual tasks</h2>
      <ErrorLine error={tasks.error} />
      {(tasks.data ?? []).length === 0 ? (
        <p>No manual tasks.</p>
      ) : (
        <table class="list">
          <thead>
            <tr>
              <th scope="col">node</th>
              <th scope="col">assignee</th>
              <th scope="col">status</th>
              <th scope="col">task URL (POST the submission, no key needed)</th>
            </tr>
          </thead>
          <tbody>
            {(tasks.data ?? []).map((t) => (
              <tr>
                <td>{t.nodeKey}</td>
                <td>{t.assignee}</td>
                <td>{statusName(t.status)}</td>
                <td>
                  <code class="url">{t.url}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function JobCard({ client, executionId, job, onChanged }: { client: Client; executionId: string; job: Job; onChanged: () => void }) {
  const [status, setStatus] = useState("1");
  const [result, setResult] = useState("null");
  const [outcome, act] = useAction();
  const pending = job.status === 0;
  return (
    <article class="job" aria-label={`job ${job.id} of ${job.nodeKey}`} data-job-id={String(job.id)}>
      <h3>
        Job {String(job.id)} · {job.nodeKey} <span class={`badge status-${statusName(job.status)}`}>{statusName(job.status)}</span>
      </h3>
      <Json value={{ result: job.result, meta: job.meta }} label="result and meta" />
      {job.resumeUrl ? (
        <p>
          resume URL <code class="url">{job.resumeUrl}</code>
        </p>
      ) : null}
      {pending ? (
        <form
          class="op-form"
          aria-label={`resume job ${job.id}`}
          onSubmit={(e: Event) => {
            e.preventDefault();
            void act("resume job", async () => client.resumeJob(executionId, job.id, { status: Number(status), result: parseJson(result, "result") }), onChanged);
          }}
        >
          <label>
            status{" "}
            <select name="status" onChange={(e: Event) => setStatus((e.target as HTMLSelectElement).value)}>
              {[1, -1, -5, 0].map((s) => (
                <option value={String(s)} selected={String(s) === status}>
                  {statusName(s)}
                </option>
              ))}
            </select>
          </label>
          <label>
            result (JSON)
            <textarea name="result" rows={2} spellcheck={false} value={result} onInput={(e: Event) => setResult((e.target as HTMLTextAreaElement).value)} />
          </label>
          <button type="submit">Resume job</button>
        </form>
      ) : null}
      <OutcomeLine outcome={outcome} />
    </article>
  );
}

