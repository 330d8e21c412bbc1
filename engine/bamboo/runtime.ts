import type { RunHost } from "../run-host";
import type { RunSettings } from "./records";
import type { BambooScripts } from "./service";
import type { BambooStore } from "./store";

/**
 * bamboo's Engine Runtime Interface, narrowed to what this engine needs: the run's tables, the run host (clock,
 * work queue and timers, event log, ids) and the run's scripts. A Durable Object implements it; the engine and
 * its handlers know nothing else.
 */
export interface BambooRuntime {
  readonly store: BambooStore;
  readonly host: RunHost;
  readonly scripts: BambooScripts;
  readonly settings: RunSettings;
  /** The resume URL of a callback node's current version, when the host offers one. */
  callbackUrl?(nodeId: string, version: string): string | undefined;
  /**
   * Subscribes the callback node's version to a correlated event, once its wait is stored; the host then delivers
   * the event as that node's callback. Absent where the host has no events.
   */
  waitForEvent?(nodeId: string, version: string, name: string, correlationKey: string): Promise<void>;
}

/** Work item kinds the bamboo engine queues on its run host. */
export const WORK = {
  execute: "bamboo.execute",
  schedule: "bamboo.schedule",
  timeout: "bamboo.timeout",
  timerEvent: "bamboo.timer_event",
  /** `{nodeId, version, name, correlationKey}`: subscribe a waiting callback node to its correlated event. */
  awaitEvent: "bamboo.await_event",
} as const;
