/** NocoBase's job and execution statuses (nocobase-workflow.md §1.2), and how a job status becomes an execution status. */

export const JOB_STATUS = {
  PENDING: 0,
  RESOLVED: 1,
  FAILED: -1,
  ERROR: -2,
  ABORTED: -3,
  CANCELED: -4,
  REJECTED: -5,
  RETRY_NEEDED: -6,
} as const;

export const EXECUTION_STATUS = {
  QUEUEING: null,
  STARTED: 0,
  RESOLVED: 1,
  FAILED: -1,
  ERROR: -2,
  ABORTED: -3,
  CANCELED: -4,
  REJECTED: -5,
  RETRY_NEEDED: -6,
} as const;

export const EXECUTION_REASON = {
  TIMEOUT: "timeout",
  MANUAL_CANCEL: "manual_cancel",
  PARENT_ABORTED: "parent_aborted",
} as const;

export type ExecutionReason = (typeof EXECUTION_REASON)[keyof typeof EXECUTION_REASON];

/** Processor.StatusMap: the identity on the known statuses, with PENDING → STARTED. */
export const STATUS_MAP: Readonly<Record<number, number>> = {
  [JOB_STATUS.PENDING]: EXECUTION_STATUS.STARTED,
  [JOB_STATUS.RESOLVED]: EXECUTION_STATUS.RESOLVED,
  [JOB_STATUS.FAILED]: EXECUTION_STATUS.FAILED,
  [JOB_STATUS.ERROR]: EXECUTION_STATUS.ERROR,
  [JOB_STATUS.ABORTED]: EXECUTION_STATUS.ABORTED,
  [JOB_STATUS.CANCELED]: EXECUTION_STATUS.CANCELED,
  [JOB_STATUS.REJECTED]: EXECUTION_STATUS.REJECTED,
  [JOB_STATUS.RETRY_NEEDED]: EXECUTION_STATUS.RETRY_NEEDED,
};

/** The execution status a job status ends the execution with: StatusMap, else the sign (100 → 1, −100 → −1). */
export function executionStatusOf(jobStatus: number): number {
  return STATUS_MAP[jobStatus] ?? Math.sign(jobStatus);
}
