import type { WorkItem } from "../run-host";
import { abortExecution, endResuming, enterExecution, pickPatch } from "./operations";
import { Processor } from "./processor";
import { WORK, type NocobaseRuntime } from "./runtime";
import { EXECUTION_REASON, EXECUTION_STATUS, JOB_STATUS } from "./statuses";

/**
 * Runs one queued work item of the NocoBase dialect; `recovering` when a restart interrupted an earlier attempt.
 * A Processor buffers its jobs until an `exit`, so an attempt cut short left nothing of its own behind.
 */
export async function runWork(rt: NocobaseRuntime, item: WorkItem, recovering: boolean): Promise<void> {
  const args = item.args;
  const execution = rt.store.execution();
  if (execution === undefined || (args.executionId !== undefined && args.executionId !== execution.id)) return;
  switch (item.kind) {
    case WORK.start: {
      if (enterExecution(rt)) return new Processor(rt).start();
      // Entered by the interrupted attempt, which stored no job yet: run it again from its head.
      if (recovering && execution.status === EXECUTION_STATUS.STARTED && rt.store.jobs().length === 0) return new Processor(rt).start();
      return; // a start for an execution already started or ended
    }
    case WORK.resume:
    case WORK.delay: {
      const jobId = Number(args.jobId);
      const job = rt.store.job(jobId);
      try {
        if (job === undefined || job.status !== JOB_STATUS.PENDING || execution.status !== EXECUTION_STATUS.STARTED) return;
        return await new Processor(rt).resume(jobId, item.kind === WORK.resume ? pickPatch(args) : {});
      } finally {
        // Only once the resume has run (it may have awaited I/O with the job still PENDING) may another be accepted.
        if (item.kind === WORK.resume) endResuming(rt, jobId);
      }
    }
    case WORK.resumeStored: {
      if (execution.status !== EXECUTION_STATUS.STARTED || rt.store.job(Number(args.jobId)) === undefined) return;
      return new Processor(rt).resume(Number(args.jobId));
    }
    case WORK.rerun: {
      if (execution.status !== EXECUTION_STATUS.STARTED) return;
      return new Processor(rt).rerun(Number(args.nodeId));
    }
    case WORK.awaitEvent: {
      // A job that moved on meanwhile (cancelled, timed out, resumed by its URL) is not subscribed.
      const job = rt.store.job(Number(args.jobId));
      if (job?.status !== JOB_STATUS.PENDING || execution.status !== EXECUTION_STATUS.STARTED) return;
      return rt.services?.waitForEvent?.(job.id, String(args.name), String(args.correlationKey));
    }
    case WORK.timeout: {
      if (execution.status !== EXECUTION_STATUS.STARTED || execution.expiresAt === null) return;
      const remaining = execution.expiresAt - rt.host.now();
      if (remaining > 0) {
        rt.host.enqueue(item, remaining);
        return;
      }
      abortExecution(rt, EXECUTION_REASON.TIMEOUT);
      return;
    }
    default:
      throw new Error(`unknown nocobase work item ${item.kind}`);
  }
}
