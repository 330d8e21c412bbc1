import type { ExecutionRecord, JobRecord, TaskRecord } from "../engine/nocobase/records";
import { JOB_STATUS } from "../engine/nocobase/statuses";
import type { NocobaseStore } from "../engine/nocobase/store";

/**
 * One execution's tables. Records are JSON in one column each: the engine reads them whole and never queries
 * inside them. Ids are INTEGER PRIMARY KEYs, so reading in id order is reading the table in key order.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS nocobase_execution (id INTEGER PRIMARY KEY CHECK (id = 1), record TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS nocobase_jobs (id INTEGER PRIMARY KEY, node_id INTEGER NOT NULL, record TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS nocobase_jobs_node ON nocobase_jobs (node_id, id);
CREATE TABLE IF NOT EXISTS nocobase_tasks (id INTEGER PRIMARY KEY, record TEXT NOT NULL);
`;

/**
 * NocobaseStore on a Durable Object's SQLite. The execution is cached in memory (every step reads it); jobs are
 * read from SQLite, which answers without I/O. Ids reserved but not yet written are remembered in memory: after a
 * restart nothing refers to them, so starting again above the highest stored id keeps ids increasing.
 */
export class SqlNocobaseStore implements NocobaseStore {
  private executionRecord: ExecutionRecord | undefined | null = null;
  private reservedJobId = 0;
  private reservedTaskId = 0;

  constructor(private readonly sql: SqlStorage) {
    sql.exec(SCHEMA);
  }

  execution(): ExecutionRecord | undefined {
    if (this.executionRecord === null) {
      const row = this.sql.exec<{ record: string }>("SELECT record FROM nocobase_execution WHERE id = 1").toArray()[0];
      this.executionRecord = row === undefined ? undefined : (JSON.parse(row.record) as ExecutionRecord);
    }
    return this.executionRecord;
  }

  putExecution(execution: ExecutionRecord): void {
    const record = JSON.stringify(execution);
    this.sql.exec("INSERT INTO nocobase_execution (id, record) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET record = excluded.record", record);
    this.executionRecord = JSON.parse(record) as ExecutionRecord;
  }

  newJobId(): number {
    this.reservedJobId = Math.max(this.reservedJobId, this.highest("nocobase_jobs")) + 1;
    return this.reservedJobId;
  }

  putJob(job: JobRecord): void {
    this.sql.exec(
      "INSERT INTO nocobase_jobs (id, node_id, record) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET node_id = excluded.node_id, record = excluded.record",
      job.id,
      job.nodeId,
      JSON.stringify(job),
    );
  }

  job(id: number): JobRecord | undefined {
    const row = this.sql.exec<{ record: string }>("SELECT record FROM nocobase_jobs WHERE id = ?", id).toArray()[0];
    return row === undefined ? undefined : (JSON.parse(row.record) as JobRecord);
  }

  latestJobs(): JobRecord[] {
    return this.sql
      .exec<{ record: string }>("SELECT record FROM nocobase_jobs WHERE id IN (SELECT MAX(id) FROM nocobase_jobs GROUP BY node_id) ORDER BY id")
      .toArray()
      .map((row) => JSON.parse(row.record) as JobRecord);
  }

  pendingJobs(): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM nocobase_jobs WHERE json_extract(record, '$.status') = ?", JOB_STATUS.PENDING).one().n;
  }

  jobs(): JobRecord[] {
    return this.sql
      .exec<{ record: string }>("SELECT record FROM nocobase_jobs ORDER BY id")
      .toArray()
      .map((row) => JSON.parse(row.record) as JobRecord);
  }

  newTaskId(): number {
    this.reservedTaskId = Math.max(this.reservedTaskId, this.highest("nocobase_tasks")) + 1;
    return this.reservedTaskId;
  }

  putTask(task: TaskRecord): void {
    this.sql.exec("INSERT INTO nocobase_tasks (id, record) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET record = excluded.record", task.id, JSON.stringify(task));
  }

  task(id: number): TaskRecord | undefined {
    const row = this.sql.exec<{ record: string }>("SELECT record FROM nocobase_tasks WHERE id = ?", id).toArray()[0];
    return row === undefined ? undefined : (JSON.parse(row.record) as TaskRecord);
  }

  tasks(): TaskRecord[] {
    return this.sql
      .exec<{ record: string }>("SELECT record FROM nocobase_tasks ORDER BY id")
      .toArray()
      .map((row) => JSON.parse(row.record) as TaskRecord);
  }

  /** Deletes every row of the execution (`deleteExecutionOnStatus`). */
  deleteAll(): void {
    this.sql.exec("DELETE FROM nocobase_execution");
    this.sql.exec("DELETE FROM nocobase_jobs");
    this.sql.exec("DELETE FROM nocobase_tasks");
    this.executionRecord = undefined;
  }

  private highest(table: "nocobase_jobs" | "nocobase_tasks"): number {
    return this.sql.exec<{ id: number | null }>(`SELECT MAX(id) AS id FROM ${table}`).one().id ?? 0;
  }
}
