/**
 * The component (bamboo Service) contract as the engine sees it across the sandbox: what a component script
 * declares, what one method call gets, and what it answers (api.md "Pipelines", bamboo-engine.md §3.1).
 */

/** The flags of a component script's default export. */
export interface ServiceInfo {
  readonly needSchedule: boolean;
  /** Seconds between polls, `"square"` for 1, 4, 9, … s, or null for callback modes. */
  readonly interval: number | "square" | null;
  readonly multiCallback: boolean;
  readonly needRunHook: boolean;
}

/** The `this` a method sees (besides finishSchedule/isScheduleFinished/log, which the guest adds). */
export interface ServiceSelf {
  readonly id: string;
  readonly version: string;
  readonly rootPipelineId: string;
  readonly topPipelineId: string;
  readonly loop: number;
  readonly innerLoop: number;
  readonly callbackUrl?: string;
}

export interface ServiceCall {
  /** `execute`, `schedule`, or a hook name such as `node_enter`. */
  readonly method: string;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly outputs: Readonly<Record<string, unknown>>;
  readonly parentInputs: Readonly<Record<string, unknown>>;
  /** Passed as the third argument when defined (`null` for a poll's schedule). */
  readonly callbackData?: unknown;
  readonly self: ServiceSelf;
}

/**
 * How one method call ended. `returned` is what the method returned (`undefined` counts as true); `threw` is the
 * exception text that becomes `ex_data`. `outputs` are `data.outputs` after the call, kept even when it threw.
 */
export interface ServiceResult {
  readonly returned: unknown;
  readonly threw?: string;
  readonly outputs: Readonly<Record<string, unknown>>;
  readonly scheduleFinished: boolean;
  /** The component has no method of that name (hooks are optional). */
  readonly missing?: boolean;
  /** The method called `this.waitForEvent(name, correlationKey)`: the node's callback is that correlated event. */
  readonly waitForEvent?: EventWait;
}

/** A correlated event a waiting node is resumed by (api.md "Waiting and resuming from outside"). */
export interface EventWait {
  readonly name: string;
  readonly correlationKey: string;
}

export type ScheduleMode = "POLL" | "CALLBACK" | "MULTIPLE_CALLBACK";

export function scheduleModeOf(info: ServiceInfo): ScheduleMode | undefined {
  if (!info.needSchedule) return undefined;
  if (info.interval !== null) return "POLL";
  return info.multiCallback ? "MULTIPLE_CALLBACK" : "CALLBACK";
}

/** The wait before the (times+1)-th poll, after the times-th (bamboo sets count = times - 1, then next()). */
export function pollIntervalSeconds(interval: number | "square", times: number): number {
  return interval === "square" ? times * times : interval;
}

/** The scripts a run reaches, pinned to the versions the run started with. */
export interface BambooScripts {
  service(code: string): Promise<ServiceInfo>;
  callService(code: string, call: ServiceCall): Promise<ServiceResult>;
  /** A lazy variable's value; throws with the script's error when it fails. */
  lazyValue(code: string, value: unknown, context: Readonly<Record<string, unknown>>): Promise<unknown>;
  /** Runs an ExecutableEndEvent; throws with the script's error text when it fails. */
  endEvent(code: string, pipelineStack: readonly string[], rootPipelineId: string): Promise<void>;
}
