import { IllegalTransition, StateVersionNotMatch } from "./errors";
import type { StateRecord } from "./records";
import type { BambooRuntime } from "./runtime";
import { canTransit, type StateName } from "./states";
import { onStateChanged } from "./timers";

export interface SetStateOptions {
  /** The version the caller captured: the write is refused when the stored one differs. */
  readonly version?: string;
  readonly rootId?: string;
  readonly parentId?: string;
  readonly loop?: number;
  readonly innerLoop?: number;
  readonly isRetry?: boolean;
  readonly isSkip?: boolean;
  readonly resetRetry?: boolean;
  readonly resetSkip?: boolean;
  readonly resetErrorIgnored?: boolean;
  readonly errorIgnored?: boolean;
  readonly refreshVersion?: boolean;
  readonly setStartedTime?: boolean;
  readonly clearStartedTime?: boolean;
  readonly setArchiveTime?: boolean;
  readonly clearArchivedTime?: boolean;
}

/**
 * bamboo's single state write path (bamboo-engine.md §2.2): creates the row without a transition check, else
 * checks the captured version and the transition table. Answers the version now stored.
 */
export function setState(rt: BambooRuntime, nodeId: string, to: StateName, options: SetStateOptions = {}): string {
  const now = rt.host.now();
  const current = rt.store.state(nodeId);
  let next: StateRecord;
  if (current === undefined) {
    next = {
      nodeId,
      rootId: options.rootId ?? "",
      parentId: options.parentId ?? "",
      name: to,
      version: rt.host.newId("v"),
      loop: options.loop ?? 1,
      innerLoop: options.innerLoop ?? 1,
      retry: 0,
      skip: options.isSkip ?? false,
      errorIgnored: options.errorIgnored ?? false,
      createdTime: now,
      startedTime: options.setStartedTime ? now : null,
      archivedTime: options.setArchiveTime ? now : null,
    };
  } else {
    if (options.version !== undefined && options.version !== current.version) {
      throw new StateVersionNotMatch(`state version of node(${nodeId}) is ${current.version}, not ${options.version}`);
    }
    if (!canTransit(current.name, to)) {
      throw new IllegalTransition(`can't not transit node(${nodeId}) state from ${current.name} to ${to}`);
    }
    next = {
      ...current,
      name: to,
      rootId: options.rootId ?? current.rootId,
      parentId: options.parentId ?? current.parentId,
      version: options.refreshVersion ? rt.host.newId("v") : current.version,
      loop: options.loop ?? current.loop,
      innerLoop: options.innerLoop ?? current.innerLoop,
      retry: options.resetRetry ? 0 : current.retry + (options.isRetry ? 1 : 0),
      skip: options.isSkip ? true : options.resetSkip ? false : current.skip,
      errorIgnored: options.errorIgnored ? true : options.resetErrorIgnored ? false : current.errorIgnored,
      startedTime: options.setStartedTime ? now : options.clearStartedTime ? null : current.startedTime,
      archivedTime: options.setArchiveTime ? now : options.clearArchivedTime ? null : current.archivedTime,
    };
  }
  rt.store.putState(next);
  onStateChanged(rt, next);
  return next.version;
}
