/**
 * Every metric hookflow exposes at GET /metrics: its name, type, labels and meaning (docs/operations.md describes
 * the same list for operators). Label values are project names and words from fixed sets, so series stay few.
 */

export type MetricType = "counter" | "gauge" | "histogram";

export interface MetricDef {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  readonly labels: readonly string[];
  /** A histogram's upper bounds, ascending (the +Inf bucket is implied). */
  readonly buckets?: readonly number[];
}

/** Latencies from a millisecond to ten seconds. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Alarms are late by milliseconds when healthy and by minutes after an outage. */
const LAG_BUCKETS = [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

export const HOOK_CALLS: MetricDef = {
  name: "hookflow_hook_calls_total",
  type: "counter",
  help: "Fireboom hook calls that ran a script, by project, hook kind and outcome (ok, or the sandbox error code).",
  labels: ["project", "kind", "outcome"],
};

export const HOOK_DURATION: MetricDef = {
  name: "hookflow_hook_duration_seconds",
  type: "histogram",
  help: "Time a Fireboom hook call spent loading and running its script, by project and hook kind.",
  labels: ["project", "kind"],
  buckets: LATENCY_BUCKETS,
};

export const SANDBOX_BREACHES: MetricDef = {
  name: "hookflow_sandbox_breaches_total",
  type: "counter",
  help: "Script calls the sandbox stopped (a limit, a denied permission, or a crash), by project and error code.",
  labels: ["project", "code"],
};

export const SANDBOX_BREACH_CPU: MetricDef = {
  name: "hookflow_sandbox_breach_cpu_ms_total",
  type: "counter",
  help: "Guest CPU milliseconds the stopped calls had used, by project and error code.",
  labels: ["project", "code"],
};

export const RUN_TRANSITIONS: MetricDef = {
  name: "hookflow_run_transitions_total",
  type: "counter",
  help: "Runs entering a state (a bamboo pipeline's root state, a NocoBase execution's status), by dialect and state.",
  labels: ["dialect", "state"],
};

export const RUNS: MetricDef = {
  name: "hookflow_runs",
  type: "gauge",
  help: "Runs in each state, by dialect and state (a deleted NocoBase execution leaves the count).",
  labels: ["dialect", "state"],
};

export const PENDING_WAITS: MetricDef = {
  name: "hookflow_pending_waits",
  type: "gauge",
  help: "Nodes waiting to be resumed from outside or polled: bamboo nodes with an open schedule, NocoBase pending jobs of started executions.",
  labels: ["dialect"],
};

export const RESUME_LATENCY: MetricDef = {
  name: "hookflow_resume_latency_seconds",
  type: "histogram",
  help: "From a resume arriving at its run (signed resume/callback/task URL, or a correlated event) to the next work item written, by dialect.",
  labels: ["dialect"],
  buckets: LATENCY_BUCKETS,
};

export const ALARM_LAG: MetricDef = {
  name: "hookflow_alarm_lag_seconds",
  type: "histogram",
  help: "How late a run object's alarm fired against the time it was set for, by dialect.",
  labels: ["dialect"],
  buckets: LAG_BUCKETS,
};

export const CORRELATED_EVENTS: MetricDef = {
  name: "hookflow_correlated_events_total",
  type: "counter",
  help: "Correlated events accepted (POST /v1/projects/{p}/events; a re-sent event id is not counted again).",
  labels: [],
};

export const CORRELATED_DELIVERIES: MetricDef = {
  name: "hookflow_correlated_event_deliveries_total",
  type: "counter",
  help: "Correlated events handed to a waiting node, by outcome: resumed, refused (the node no longer waits), failed (its run could not be reached; retried).",
  labels: ["outcome"],
};

export const SSE_EVENTS: MetricDef = {
  name: "hookflow_sse_events_total",
  type: "counter",
  help: "Run events written to Server-Sent Event streams.",
  labels: [],
};

export const SSE_FAILURES: MetricDef = {
  name: "hookflow_sse_stream_failures_total",
  type: "counter",
  help: "Server-Sent Event streams ended by a failed read of their run (the client reconnects with Last-Event-ID).",
  labels: [],
};

export const SUBSCRIPTION_DELIVERIES: MetricDef = {
  name: "hookflow_subscription_deliveries_total",
  type: "counter",
  help: "Run events delivered out, by target (webhook: a subscription's POST; signal: a signal script call) and outcome: delivered, failed (retried), gave_up.",
  labels: ["target", "outcome"],
};

/** In the order the exposition lists them. */
export const CATALOG: readonly MetricDef[] = [
  HOOK_CALLS,
  HOOK_DURATION,
  SANDBOX_BREACHES,
  SANDBOX_BREACH_CPU,
  RUN_TRANSITIONS,
  RUNS,
  PENDING_WAITS,
  RESUME_LATENCY,
  ALARM_LAG,
  CORRELATED_EVENTS,
  CORRELATED_DELIVERIES,
  SSE_EVENTS,
  SSE_FAILURES,
  SUBSCRIPTION_DELIVERIES,
];
