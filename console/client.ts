/**
 * The console's one way to the hookflow HTTP API (api.md): every page calls these methods and nothing else, so the
 * console can do exactly what its bearer token can, and a refusal reaches the page as the API's own error.
 */

/** An answer the API refused: its status, and the `{"error": {"code", "message"}}` it sent. */
export class ApiRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Session {
  readonly token: string;
  readonly project: string;
}

export interface StateView {
  id: string;
  state: string;
  version: string;
  loop: number;
  inner_loop: number;
  retry: number;
  skip: boolean;
  error_ignored: boolean;
  started_time: string | null;
  archived_time: string | null;
  children: Record<string, StateView>;
}

export interface GraphNode {
  id: string;
  type: string;
  name: string | null;
  pipeline_id: string;
  code?: string;
  converge_gateway_id?: string;
}

export interface GraphFlow {
  id: string;
  source: string;
  target: string;
  condition?: string;
  default?: boolean;
}

export interface PipelineGraph {
  id: string;
  nodes: GraphNode[];
  flows: GraphFlow[];
}

export interface RunEvent {
  seq: number;
  event_type: string;
  data: Record<string, unknown> | null;
  at: string;
}

export interface WorkflowNode {
  key: string;
  type: string;
  title?: string;
  config?: unknown;
  upstream?: string | null;
  branchIndex?: number | null;
}

export interface Workflow {
  key: string;
  title?: string;
  version: number;
  sync?: boolean;
  trigger: { type: string; config?: unknown };
  nodes: WorkflowNode[];
  current: boolean;
  versions: { version: number; executed: number; createdAt: string }[];
}

export interface Job {
  id: number | string;
  nodeId: number | string;
  nodeKey: string;
  status: number;
  result: unknown;
  meta: unknown;
  log?: unknown;
  resumeUrl?: string;
}

export interface Execution {
  id: string;
  key: string;
  version: number;
  status: number | null;
  reason?: string | null;
  context: unknown;
  output?: unknown;
  jobs: Job[];
}

export interface InvokeAnswer {
  ok: boolean;
  result?: unknown;
  error?: { code: string; message: string; stack?: string };
  logs: { level: string; message: string }[];
  usage: { cpuMs: number; memoryBytes: number };
}

export interface Invocation {
  id: string;
  path: string;
  version: number;
  sha256: string;
  outcome: string;
  errorCode?: string;
  recordedAt: string;
  durationMs: number;
  usage: unknown;
}

/** One side of a replay: the version that ran and what came of it (docs/hooks.md "Recorded calls and replay"). */
export interface CallOutcome {
  version: number;
  ok: boolean;
  result?: unknown;
  error?: { code: string; message: string; stack?: string };
  logs: { level: string; message: string }[];
  usage: unknown;
  omitted?: string[];
}

/** An event kept because no node waited for its name and key yet (docs/waits.md "Correlated events"). */
export interface BufferedEvent {
  id: string;
  name: string;
  correlationKey: string;
  payload: unknown;
  receivedAt: string | null;
  expiresAt: string;
}

/** What a project key's text says about its project (`hf_<project>.<key id>.<secret>`). */
export function projectOfApiKey(token: string): string | undefined {
  return /^hf_([a-z0-9][a-z0-9-]{0,62})\./.exec(token)?.[1];
}

type Method = "GET" | "POST" | "PUT" | "DELETE";

/** Why following a run's events stopped: the run has ended, the API refused the stream, or the page let go. */
export type StreamEnd = "ended" | "refused" | "aborted";

/** Root states after which bamboo writes nothing more for a run (docs/pipelines.md). */
const FINAL_PIPELINE_STATES: ReadonlySet<string> = new Set(["FINISHED", "REVOKED"]);
/** A NocoBase execution's only statuses that are not final: queueing (null) and started (0). */
const EXECUTION_QUEUEING = null;
const EXECUTION_STARTED = 0;
/** A dropped event stream is resumed after RECONNECT_FIRST_MS, doubled while streams bring nothing, up to RECONNECT_MAX_MS. */
const RECONNECT_FIRST_MS = 1000;
const RECONNECT_MAX_MS = 30_000;

/** Waits `ms`, or less if `signal` aborts first. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done);
  });
}

export class Client {
  constructor(private readonly session: Session) {}

  get project(): string {
    return this.session.project;
  }

  private url(path: string): string {
    return `/v1/projects/${encodeURIComponent(this.session.project)}${path}`;
  }

  private async call<T>(method: Method, path: string, body?: unknown, contentType = "application/json"): Promise<T> {
    const headers: Record<string, string> = { Authorization: `Bearer ${this.session.token}` };
    if (body !== undefined) headers["Content-Type"] = contentType;
    const response = await fetch(this.url(path), {
      method,
      headers,
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = text === "" ? null : JSON.parse(text);
    } catch {
      parsed = text;
    }
    if (!response.ok) {
      const error = (parsed as { error?: { code?: string; message?: string } } | null)?.error;
      throw new ApiRefusal(response.status, error?.code ?? `http_${response.status}`, error?.message ?? `${response.status} ${response.statusText}`);
    }
    return parsed as T;
  }

  projectInfo() {
    return this.call<{ project: string; scripts: number }>("GET", "");
  }

  // Pipelines (bamboo)
  listPipelines(state?: string, cursor?: number | null) {
    const query = new URLSearchParams();
    if (state) query.set("state", state);
    if (cursor !== undefined && cursor !== null) query.set("cursor", String(cursor));
    const suffix = query.size === 0 ? "" : `?${query}`;
    return this.call<{ pipelines: { id: string; state: string; created_at: string; updated_at: string }[]; next: number | null }>("GET", `/pipelines${suffix}`);
  }
  pipelineStates(id: string) {
    return this.call<StateView>("GET", `/pipelines/${encodeURIComponent(id)}`);
  }
  pipelineGraph(id: string) {
    return this.call<PipelineGraph>("GET", `/pipelines/${encodeURIComponent(id)}/graph`);
  }
  pipelineNode(id: string, node: string) {
    return this.call<Record<string, unknown>>("GET", `/pipelines/${encodeURIComponent(id)}/nodes/${encodeURIComponent(node)}`);
  }
  pipelineOperation(id: string, op: "pause" | "resume" | "revoke", subprocess?: string) {
    return this.call<{ result: true }>("POST", `/pipelines/${encodeURIComponent(id)}/${op}`, subprocess ? { pipeline_id: subprocess } : {});
  }
  nodeOperation(id: string, node: string, op: string, body: unknown = {}) {
    return this.call<{ result: true }>("POST", `/pipelines/${encodeURIComponent(id)}/nodes/${encodeURIComponent(node)}/${op}`, body);
  }

  /**
   * Follows a run's events as Server-Sent Events (fetch, because EventSource cannot send the bearer token), calling
   * `onEvent` for each. A dropped stream (or a 5xx) is resumed from the last event seen, after 1 s, and twice as long
   * each time the stream brought nothing (no event, no heartbeat), up to 30 s. It stops for good once the run has ended
   * (the server ends the stream after a final state's last event), when the API refuses the stream (4xx), and when
   * `signal` aborts; it answers which.
   */
  async followEvents(kind: "pipelines" | "executions", id: string, onEvent: (event: RunEvent) => void, signal: AbortSignal): Promise<StreamEnd> {
    let lastId = "";
    let delay = 0;
    while (!signal.aborted) {
      let heard = false;
      try {
        const response = await fetch(this.url(`/${kind}/${encodeURIComponent(id)}/events`), {
          headers: { Authorization: `Bearer ${this.session.token}`, Accept: "text/event-stream", ...(lastId ? { "Last-Event-ID": lastId } : {}) },
          signal,
        });
        // 204: the run has ended and nothing came after the last event seen.
        if (response.status === 204) return "ended";
        if (response.status >= 400 && response.status < 500) return "refused";
        // A 5xx is a stream that did not start: tried again like one that dropped.
        if (!response.ok || response.body === null) throw new Error(`the event stream answered ${response.status}`);
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end: number;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = frame
              .split("\n")
              .filter((line) => line.startsWith("data:"))
              .map((line) => line.slice(5).trimStart())
              .join("\n");
            const idLine = frame.split("\n").find((line) => line.startsWith("id:"));
            if (idLine) lastId = idLine.slice(3).trim();
            // An event or a heartbeat (a comment) says the stream was working, unlike the `retry:` every stream opens with.
            if (data || frame.startsWith(":")) heard = true;
            if (data) onEvent(JSON.parse(data) as RunEvent);
          }
        }
      } catch {
        if (signal.aborted) return "aborted";
      }
      if (signal.aborted) return "aborted";
      // The stream ended: after a final state's last event, or cut while idle (a restart, a proxy). Only the run's
      // state tells which; a run that is gone (404) has ended too.
      const ended = await this.runHasEnded(kind, id).catch((failure: unknown) => failure instanceof ApiRefusal && failure.status === 404);
      if (ended) return "ended";
      delay = heard ? RECONNECT_FIRST_MS : Math.min(Math.max(delay * 2, RECONNECT_FIRST_MS), RECONNECT_MAX_MS);
      await pause(delay, signal);
    }
    return "aborted";
  }

  /** Whether the run is in a final state: a pipeline FINISHED or REVOKED, an execution neither queueing nor started. */
  private async runHasEnded(kind: "pipelines" | "executions", id: string): Promise<boolean> {
    if (kind === "pipelines") return FINAL_PIPELINE_STATES.has((await this.pipelineStates(id)).state);
    const { status } = await this.execution(id);
    return status !== EXECUTION_QUEUEING && status !== EXECUTION_STARTED;
  }

  // Workflows (NocoBase)
  listWorkflows() {
    return this.call<{ workflows: { key: string; title?: string; version: number; enabled?: boolean }[] }>("GET", "/workflows");
  }
  workflow(key: string, version?: number) {
    return this.call<Workflow>("GET", `/workflows/${encodeURIComponent(key)}${version === undefined ? "" : `?version=${version}`}`);
  }
  workflowVariables(key: string, node: string, version?: number) {
    const query = new URLSearchParams({ node });
    if (version !== undefined) query.set("version", String(version));
    return this.call<{ node: string; version: number; options: unknown }>("GET", `/workflows/${encodeURIComponent(key)}/variables?${query}`);
  }
  executeWorkflow(key: string, context: unknown) {
    return this.call<{ execution: { id: string; status: number | null } }>("POST", `/workflows/${encodeURIComponent(key)}/execute`, { context });
  }
  listExecutions(key: string) {
    return this.call<{ executions: { id: string; key: string; version: number; status: number | null; createdAt: string }[]; next: number | null }>(
      "GET",
      `/workflows/${encodeURIComponent(key)}/executions`,
    );
  }
  execution(id: string) {
    return this.call<Execution>("GET", `/executions/${encodeURIComponent(id)}`);
  }
  cancelExecution(id: string) {
    return this.call<unknown>("POST", `/executions/${encodeURIComponent(id)}/cancel`, {});
  }
  resumeJob(id: string, jobId: string | number, body: { status?: number; result?: unknown; meta?: unknown }) {
    return this.call<unknown>("POST", `/executions/${encodeURIComponent(id)}/jobs/${encodeURIComponent(String(jobId))}/resume`, body);
  }
  manualTasks(id: string) {
    return this.call<{ id: number; jobId: number; nodeKey: string; assignee: string; status: number; result: unknown; url: string }[]>(
      "GET",
      `/executions/${encodeURIComponent(id)}/tasks`,
    );
  }

  // Scripts
  listScripts() {
    return this.call<{ scripts: { path: string; version: number; sha256: string; updatedAt: string }[] }>("GET", "/scripts");
  }
  script(path: string, version?: number) {
    return this.call<{ path: string; version: number; sha256: string; source: string; versions: { version: number; sha256: string; createdAt: string }[] }>(
      "GET",
      `/scripts/${path}${version === undefined ? "" : `?version=${version}`}`,
    );
  }
  uploadScript(path: string, source: string) {
    return this.call<{ path: string; version: number; sha256: string }>("PUT", `/scripts/${path}`, source, "application/javascript");
  }
  rollback(path: string, version: number) {
    return this.call<unknown>("POST", "/rollback", { path, version });
  }
  invoke(path: string, exportName: string, args: unknown[]) {
    return this.call<InvokeAnswer>("POST", "/invoke", { path, export: exportName, args });
  }

  // Waits and events
  sendEvent(body: { name: string; correlationKey: string; payload?: unknown; ttlSeconds?: number }) {
    return this.call<unknown>("POST", "/events", body);
  }
  bufferedEvents(name: string, correlationKey: string) {
    const query = new URLSearchParams();
    if (name) query.set("name", name);
    if (correlationKey) query.set("key", correlationKey);
    return this.call<{ events: BufferedEvent[] }>("GET", `/events${query.size === 0 ? "" : `?${query}`}`);
  }
  listSubscriptions() {
    return this.call<{ subscriptions: { name: string; url: string; events: string[] }[] }>("GET", "/subscriptions");
  }
  deliveries(name: string) {
    return this.call<{ deliveries: Record<string, unknown>[] }>("GET", `/subscriptions/${encodeURIComponent(name)}/deliveries`);
  }

  // Fireboom recorded calls
  listInvocations(path: string, outcome: "" | "ok" | "error") {
    const query = new URLSearchParams();
    if (path) query.set("path", path);
    if (outcome) query.set("outcome", outcome);
    return this.call<{ invocations: Invocation[] }>("GET", `/invocations${query.size === 0 ? "" : `?${query}`}`);
  }
  invocation(id: string) {
    return this.call<Record<string, unknown>>("GET", `/invocations/${encodeURIComponent(id)}`);
  }
  replayInvocation(id: string, body: { version?: number; live?: boolean }) {
    return this.call<{ recorded: CallOutcome; replay: CallOutcome }>("POST", `/invocations/${encodeURIComponent(id)}/replay`, body);
  }
}
