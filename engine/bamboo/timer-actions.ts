import { InvalidOperation } from "./errors";
import { forcedFailActivity, skipNode } from "./operations";
import { WORK, type BambooRuntime } from "./runtime";
import { parseCycle } from "./timers";

const TIMEOUT_EX_DATA = "forced fail by bamboo_engine";

/**
 * A node timeout or timer event fired. It acts only if the node is still RUNNING at the version that armed it and
 * a process sits there; then it forced-fails the node and, for `forced_fail_and_skip`, skips it (the behaviour
 * bamboo intends; its contrib's skip call fails).
 */
export async function fireNodeTimer(rt: BambooRuntime, args: Readonly<Record<string, unknown>>, kind: string): Promise<void> {
  const nodeId = String(args.nodeId);
  const version = String(args.version);
  const state = rt.store.state(nodeId);
  if (state?.name !== "RUNNING" || state.version !== version) return;
  if (!rt.store.liveProcesses().some((p) => p.currentNodeId === nodeId)) return;
  let action = String(args.action ?? "forced_fail");
  if (kind === WORK.timerEvent) {
    const event = rt.store.node(nodeId)?.timerEvents?.[Number(args.index)];
    if (event === undefined) return;
    action = event.action ?? "bamboo_engine_forced_fail";
    const remaining = Number(args.remaining);
    const cycle = event.timer_type === "time_cycle" ? parseCycle(event.defined) : undefined;
    if (cycle !== undefined && remaining > 0) {
      rt.host.enqueue({ kind: WORK.timerEvent, args: { ...args, remaining: remaining - 1 } }, cycle.intervalMs);
    }
  }
  try {
    await forcedFailActivity(rt, nodeId, TIMEOUT_EX_DATA);
    if (action.endsWith("forced_fail_and_skip")) await skipNode(rt, nodeId);
  } catch (error) {
    // The node moved on between the check and the action (or is not skippable): the timer has nothing to do.
    if (!(error instanceof InvalidOperation)) throw error;
  }
}
