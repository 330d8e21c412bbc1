import type { StateRecord } from "./records";
import { WORK, type BambooRuntime } from "./runtime";
import type { TimerEvent } from "./tree";

/**
 * Node timeouts (`timeout_config`) and timer events (`events.timer_events`), bamboo's node_timeout and
 * node_timer_event contribs: armed as run-host timers when a node enters RUNNING, dropped when it leaves.
 * Each timer is bound to the node's version, so one that fires late changes nothing (see timer-actions.ts).
 */
export function onStateChanged(rt: BambooRuntime, state: StateRecord): void {
  const node = rt.store.node(state.nodeId);
  if (node?.type !== "ServiceActivity" || (node.timeout === undefined && node.timerEvents === undefined)) return;
  if (state.name !== "RUNNING") {
    if (state.name === "FINISHED" || state.name === "FAILED" || state.name === "SUSPENDED") {
      rt.host.cancel(WORK.timeout, "nodeId", state.nodeId);
      rt.host.cancel(WORK.timerEvent, "nodeId", state.nodeId);
    }
    return;
  }
  const timeout = node.timeout;
  if (timeout?.enable && typeof timeout.seconds === "number" && timeout.seconds >= 0) {
    const action = timeout.action === "forced_fail_and_skip" ? "forced_fail_and_skip" : "forced_fail";
    rt.host.enqueue({ kind: WORK.timeout, args: { nodeId: state.nodeId, version: state.version, action } }, timeout.seconds * 1000);
  }
  (node.timerEvents ?? []).forEach((event, index) => {
    if (event.enable === false) return;
    const first = firstDelay(event, rt.host.now());
    if (first === undefined) return;
    rt.host.enqueue({ kind: WORK.timerEvent, args: { nodeId: state.nodeId, version: state.version, index, remaining: first.remaining } }, first.delayMs);
  });
}

/** The delay before a timer event first fires, and how many more times a cycle repeats after that. */
export function firstDelay(event: TimerEvent, now: number): { delayMs: number; remaining: number } | undefined {
  switch (event.timer_type) {
    case "time_date": {
      const at = Date.parse(event.defined);
      return Number.isNaN(at) ? undefined : { delayMs: Math.max(0, at - now), remaining: 0 };
    }
    case "time_duration": {
      const ms = parseIsoDuration(event.defined);
      return ms === undefined ? undefined : { delayMs: ms, remaining: 0 };
    }
    case "time_cycle": {
      const cycle = parseCycle(event.defined);
      return cycle === undefined ? undefined : { delayMs: cycle.intervalMs, remaining: cycle.repeat - 1 };
    }
    default:
      return undefined;
  }
}

/** `R3/PT1M` → three repetitions a minute apart (`R/…` repeats without end). */
export function parseCycle(defined: string): { repeat: number; intervalMs: number } | undefined {
  const match = /^R(\d*)\/(.+)$/.exec(defined.trim());
  if (!match) return undefined;
  const intervalMs = parseIsoDuration(match[2]!);
  if (intervalMs === undefined || intervalMs <= 0) return undefined;
  return { repeat: match[1] === "" ? Number.POSITIVE_INFINITY : Number(match[1]), intervalMs };
}

/** ISO 8601 durations (`P1DT2H`, `PT10M`, `PT0.5S`, `P2W`); years and months count as 365 and 30 days. */
export function parseIsoDuration(text: string): number | undefined {
  const match = /^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(
    text.trim(),
  );
  if (!match || text.trim() === "P" || text.trim().endsWith("T")) return undefined;
  const [, y, mo, w, d, h, mi, s] = match.map((part) => (part === undefined ? 0 : Number(part)));
  const days = y! * 365 + mo! * 30 + w! * 7 + d!;
  return Math.round(((days * 24 + h!) * 60 + mi!) * 60_000 + s! * 1000);
}
