import type { ExecutionRecord, JobRecord, TaskRecord } from "./records";
import type { NocobaseStore } from "./store";

/** A deep copy, so neither the caller nor the store can change the other's objects afterwards. */
const copy = <T>(value: T): T => structuredClone(value);

/**
 * NocobaseStore in plain Maps, with the SQL store's semantics: `put*` upserts, job ids only increase (an id
 * reserved or written is never handed out again), and records are deep-copied in and out. It lets the engine core
 * run without a Durable Object (unit tests, previews).
 */
export class MemoryNocobaseStore implements NocobaseStore {
  private executionRecord: ExecutionRecord | undefined;
  private readonly jobRows = new Map<number, JobRecord>();
  private highestJobId = 0;
  private readonly taskRows = new Map<number, TaskRecord>();
  private highestTaskId = 0;

  execution(): ExecutionRecord | undefined {
    return copy(this.executionRecord);
  }

  putExecution(execution: ExecutionRecord): void {
    this.executionRecord = copy(execution);
  }

  newJobId(): number {
    this.highestJobId += 1;
    return this.highestJobId;
  }

  putJob(job: JobRecord): void {
    if (job.id > this.highestJobId) this.highestJobId = job.id;
    this.jobRows.set(job.id, copy(job));
  }

  job(id: number): JobRecord | undefined {
    return copy(this.jobRows.get(id));
  }

  latestJobs(): JobRecord[] {
    const latest = new Map<number, JobRecord>();
    for (const job of this.jobRows.values()) {
      const seen = latest.get(job.nodeId);
      if (seen === undefined || job.id > seen.id) latest.set(job.nodeId, job);
    }
    return copy([...latest.values()].sort((a, b) => a.id - b.id));
  }

  jobs(): JobRecord[] {
    return copy([...this.jobRows.values()].sort((a, b) => a.id - b.id));
  }

  newTaskId(): number {
    this.highestTaskId += 1;
    return this.highestTaskId;
  }

  putTask(task: TaskRecord): void {
    if (task.id > this.highestTaskId) this.highestTaskId = task.id;
    this.taskRows.set(task.id, copy(task));
  }

  task(id: number): TaskRecord | undefined {
    return copy(this.taskRows.get(id));
  }

  tasks(): TaskRecord[] {
    return copy([...this.taskRows.values()].sort((a, b) => a.id - b.id));
  }
}
