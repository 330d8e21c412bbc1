import type { RunHost } from "../run-host";
import type { InstructionRegistry } from "./instruction";
import type { NocobaseStore } from "./store";
import type { WorkflowGraph } from "./workflow";

/**
 * What the NocoBase engine needs from its host: the execution's tables, the run host (clock, work queue whose
 * delayed items are the timers, event log, ids), the instruction types, and the workflow version the execution
 * runs on. A Durable Object implements it; the Processor and the instructions know nothing else.
 */
export interface NocobaseRuntime {
  readonly store: NocobaseStore;
  readonly host: RunHost;
  readonly instructions: InstructionRegistry;
  /** The linked workflow version of the execution (`linkWorkflow`). */
  readonly workflow: WorkflowGraph;
  /** `$env`: the project's environment variables. */
  readonly env?: Readonly<Record<string, unknown>>;
  readonly settings?: NocobaseSettings;
}

export interface NocobaseSettings {
  /** WORKFLOW_LOOP_LIMIT: a loop that would start iteration N+1 ends as ERROR with `exceeded: true`. 0/absent = none. */
  readonly loopLimit?: number;
}

/** Work item kinds the NocoBase engine queues on its run host. */
export const WORK = {
  /** `{executionId}`: enter a QUEUEING execution and run it from its head. */
  start: "nocobase.start",
  /** `{executionId, jobId, status?, result?, meta?}`: set those fields on the pending job, then resume it. */
  resume: "nocobase.resume",
  /** `{executionId, jobId}` (jobId as a string, for `cancel`): a delay node's timer. */
  delay: "nocobase.delay",
  /** `{executionId}`: `options.timeout` has passed since the execution started. */
  timeout: "nocobase.timeout",
} as const;
