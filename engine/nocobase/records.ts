/** The rows of one execution, as the NocoBase engine reads and writes them through NocobaseStore (§0). */

export interface ExecutionRecord {
  readonly id: string;
  /** The workflow key and the version the execution runs on (frozen for its lifetime). */
  readonly key: string;
  readonly version: number;
  /** null = QUEUEING, 0 = STARTED, else a terminal EXECUTION_STATUS. */
  readonly status: number | null;
  /** `timeout`, `manual_cancel` or `parent_aborted`, when aborted. */
  readonly reason: string | null;
  /** The trigger data, `$context`. */
  readonly context: unknown;
  /** What an `output` node set. */
  readonly output: unknown;
  /** De-duplication key of the trigger event. */
  readonly eventKey: string;
  /** Milliseconds since the epoch; set when the execution is entered (QUEUEING → STARTED). */
  readonly startedAt: number | null;
  readonly expiresAt: number | null;
}

export interface JobRecord {
  /** Only increases within an execution: the latest job of a node is its highest id. */
  readonly id: number;
  readonly executionId: string;
  readonly nodeId: number;
  readonly nodeKey: string;
  readonly upstreamId: number | null;
  readonly status: number;
  readonly result: unknown;
  readonly meta: unknown;
  readonly log: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  /**
   * Set while a resume from outside is accepted and has not finished running (queued, or its Processor still
   * awaiting): a second resume of the job is refused then, so concurrent deliveries resume it once.
   */
  readonly resuming?: boolean;
}

/** One assignee's task of a `manual` node (NocoBase's workflowManualTasks row). */
export interface TaskRecord {
  readonly id: number;
  readonly jobId: number;
  readonly nodeId: number;
  readonly nodeKey: string;
  /** Who may submit it (a user id as the workflow named it). */
  readonly assignee: string;
  /** 0 while pending; the action's status once submitted (1 resolved, -5 rejected). */
  readonly status: number;
  readonly result: unknown;
  readonly title: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}
