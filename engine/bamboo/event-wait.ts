import type { BambooRuntime } from "./runtime";
import { WORK } from "./runtime";
import type { EventWait, ScheduleMode, ServiceResult } from "./service";

/**
 * Correlated events in bamboo (api.md "Waiting and resuming from outside"): a callback component's `execute` calls
 * `this.waitForEvent(name, correlationKey)`, and the event's payload arrives as its callback data. The node waits
 * as any callback node does; the subscription is a queued work item, so it is stored with the wait and made only
 * after the node's schedule exists (an event already buffered is delivered as soon as it is made).
 */

/** An `execute` that asked for an event in a component that does not wait for callbacks fails, saying why. */
export function checkedEventWait(result: ServiceResult, mode: ScheduleMode | undefined): ServiceResult {
  if (result.waitForEvent === undefined || result.threw !== undefined || mode === "CALLBACK" || mode === "MULTIPLE_CALLBACK") return result;
  return { ...result, returned: false, threw: "waitForEvent needs a callback component (needSchedule = true, no interval)" };
}

/** Queues the subscription of the node's version to its event, to run once this attempt is stored. */
export function queueEventWait(rt: BambooRuntime, nodeId: string, version: string, wait: EventWait): void {
  rt.host.enqueue({ kind: WORK.awaitEvent, args: { nodeId, version, name: wait.name, correlationKey: wait.correlationKey } });
}

/** Subscribes the node, unless it moved on meanwhile (a subscription of a stale version would only be refused). */
export async function subscribeEventWait(rt: BambooRuntime, args: Readonly<Record<string, unknown>>): Promise<void> {
  const nodeId = String(args.nodeId);
  const version = String(args.version);
  const state = rt.store.state(nodeId);
  const schedule = rt.store.scheduleOf(nodeId, version);
  if (state?.name !== "RUNNING" || state.version !== version || schedule === undefined || schedule.finished || schedule.expired) return;
  await rt.waitForEvent?.(nodeId, version, String(args.name), String(args.correlationKey));
}
