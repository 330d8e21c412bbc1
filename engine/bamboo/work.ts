import type { WorkItem } from "../run-host";
import { execute, schedule } from "./engine";
import { subscribeEventWait } from "./event-wait";
import { WORK, type BambooRuntime } from "./runtime";
import { fireNodeTimer } from "./timer-actions";

/** Runs one queued work item of the bamboo dialect; `recovering` when a restart interrupted an earlier attempt. */
export async function runWork(rt: BambooRuntime, item: WorkItem, recovering: boolean): Promise<void> {
  const args = item.args;
  switch (item.kind) {
    case WORK.execute:
      return execute(rt, Number(args.processId), String(args.nodeId), recovering);
    case WORK.schedule:
      return schedule(rt, Number(args.processId), String(args.nodeId), Number(args.scheduleId), args.callbackDataId === undefined ? undefined : Number(args.callbackDataId), recovering);
    case WORK.timeout:
    case WORK.timerEvent:
      return fireNodeTimer(rt, args, item.kind);
    case WORK.awaitEvent:
      return subscribeEventWait(rt, args);
    default:
      throw new Error(`unknown bamboo work item ${item.kind}`);
  }
}
