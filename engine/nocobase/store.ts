import type { ExecutionRecord, JobRecord, TaskRecord } from "./records";

/**
 * The tables of one execution (one Durable Object per execution), as the NocoBase engine reads and writes them.
 * Calls are synchronous: a Durable Object's SQLite answers without I/O, and the writes the Processor makes at an
 * `exit` (its buffered jobs, then the execution) happen without an await in between, so they land in one batch.
 */
export interface NocobaseStore {
  execution(): ExecutionRecord | undefined;
  putExecution(execution: ExecutionRecord): void;

  /** Reserves a job id greater than every job id ever reserved or stored (AUTOINCREMENT); none is reused. */
  newJobId(): number;
  /** Inserts or replaces a job by id. */
  putJob(job: JobRecord): void;
  job(id: number): JobRecord | undefined;
  /** The job with the highest id for each node, in id order (Processor.prepare). */
  latestJobs(): JobRecord[];
  /** Every job of the execution, in id order. */
  jobs(): JobRecord[];

  /** Manual tasks: ids only increase, like job ids. */
  newTaskId(): number;
  putTask(task: TaskRecord): void;
  task(id: number): TaskRecord | undefined;
  /** Every task of the execution, in id order. */
  tasks(): TaskRecord[];
}
