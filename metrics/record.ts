import type { InvokeOutcome } from "../sandbox";
import {
  ALARM_LAG,
  CORRELATED_DELIVERIES,
  CORRELATED_EVENTS,
  HOOK_CALLS,
  HOOK_DURATION,
  PENDING_WAITS,
  RESUME_LATENCY,
  RUN_TRANSITIONS,
  RUNS,
  SANDBOX_BREACH_CPU,
  SANDBOX_BREACHES,
  SSE_EVENTS,
  SSE_FAILURES,
  SUBSCRIPTION_DELIVERIES,
} from "./catalog";
import { metrics } from "./recorder";

/**
 * What the Worker and the Durable Objects record, one function per fact (catalog.ts says what each metric means).
 * Each is an in-memory increment of the isolate's batch; durable/metrics-object.ts and the Worker flush it.
 */

export type Dialect = "bamboo" | "nocobase";

/** A Fireboom hook call that ran its script: `kind` is the script path's first segment (operation, global, …). */
export function recordHookCall(project: string, kind: string, outcome: InvokeOutcome, seconds: number): void {
  metrics.add(HOOK_CALLS, [project, kind, outcome.ok ? "ok" : outcome.error.code]);
  metrics.observe(HOOK_DURATION, [project, kind], seconds);
}

/** Any sandboxed call: those the sandbox stopped (every error but a script's own throw) are breaches. */
export function recordSandboxCall(project: string, outcome: InvokeOutcome): void {
  if (outcome.ok || outcome.error.code === "script_error") return;
  metrics.add(SANDBOX_BREACHES, [project, outcome.error.code]);
  metrics.add(SANDBOX_BREACH_CPU, [project, outcome.error.code], outcome.usage.cpuMs);
}

/** A run moved from state `from` to `to` (undefined: it did not exist, or no longer does). */
export function recordRunState(dialect: Dialect, from: string | undefined, to: string | undefined): void {
  if (from !== undefined) metrics.add(RUNS, [dialect, from], -1);
  if (to === undefined) return;
  metrics.add(RUNS, [dialect, to], 1);
  metrics.add(RUN_TRANSITIONS, [dialect, to]);
}

export function recordPendingWaits(dialect: Dialect, change: number): void {
  metrics.add(PENDING_WAITS, [dialect], change);
}

export function recordResume(dialect: Dialect, seconds: number): void {
  metrics.observe(RESUME_LATENCY, [dialect], seconds);
}

export function recordAlarmLag(dialect: Dialect, seconds: number): void {
  metrics.observe(ALARM_LAG, [dialect], seconds);
}

export function recordCorrelatedEvent(): void {
  metrics.add(CORRELATED_EVENTS, []);
}

export function recordCorrelatedDelivery(outcome: "resumed" | "refused" | "failed"): void {
  metrics.add(CORRELATED_DELIVERIES, [outcome]);
}

export function recordSseEvent(): void {
  metrics.add(SSE_EVENTS, []);
}

export function recordSseFailure(): void {
  metrics.add(SSE_FAILURES, []);
}

export function recordSubscriptionDelivery(target: "webhook" | "signal", outcome: "delivered" | "failed" | "gave_up", count = 1): void {
  if (count > 0) metrics.add(SUBSCRIPTION_DELIVERIES, [target, outcome], count);
}
