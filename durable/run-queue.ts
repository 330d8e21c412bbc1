import type { WorkItem } from "../engine/run-host";

/** A queued work item as stored: due time, and how many times a run of it has started. */
export interface QueuedWork {
  readonly id: number;
  readonly item: WorkItem;
  readonly dueAt: number;
  readonly attempts: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS run_work (
  id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, args TEXT NOT NULL, due_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS run_work_due ON run_work (due_at, id);
CREATE TABLE IF NOT EXISTS run_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, event_type TEXT NOT NULL, data TEXT NOT NULL, at INTEGER NOT NULL
);
`;

/**
 * A run's persisted work queue and event log. Work due now and timers are one table: an item is due at a time,
 * and the run's single alarm is set to the earliest one. An item stays until its run completes, so a restart
 * runs it again (with `attempts` > 0, which tells the engine it is recovering).
 */
export class RunQueue {
  private pendingEvents: (string | number)[] = [];

  constructor(private readonly sql: SqlStorage) {
    sql.exec(SCHEMA);
  }

  enqueue(item: WorkItem, dueAt: number): void {
    this.sql.exec("INSERT INTO run_work (kind, args, due_at) VALUES (?, ?, ?)", item.kind, JSON.stringify(item.args), dueAt);
  }

  /** Drops queued items of `kind` whose JSON args have `key` equal to `value`. */
  cancel(kind: string, key: string, value: string): void {
    this.sql.exec("DELETE FROM run_work WHERE kind = ? AND json_extract(args, '$.' || ?) = ?", kind, key, value);
  }

  /** The earliest item due at `now` or before, marked as started. */
  take(now: number): QueuedWork | undefined {
    const row = this.sql
      .exec<{ id: number; kind: string; args: string; due_at: number; attempts: number }>(
        "SELECT id, kind, args, due_at, attempts FROM run_work WHERE due_at <= ? ORDER BY due_at, id LIMIT 1",
        now,
      )
      .toArray()[0];
    if (row === undefined) return undefined;
    this.sql.exec("UPDATE run_work SET attempts = attempts + 1 WHERE id = ?", row.id);
    return { id: row.id, item: { kind: row.kind, args: JSON.parse(row.args) as Record<string, unknown> }, dueAt: row.due_at, attempts: row.attempts };
  }

  done(id: number): void {
    this.sql.exec("DELETE FROM run_work WHERE id = ?", id);
  }

  /** When the earliest queued item is due, if any. */
  earliestDue(): number | undefined {
    const row = this.sql.exec<{ due: number | null }>("SELECT MIN(due_at) AS due FROM run_work").one();
    return row.due ?? undefined;
  }

  /**
   * Events are buffered and written in multi-row statements (a node emits several): flushEvents() must run before
   * anything that may let the storage batch commit (an await on I/O) and at the end of each unit of work.
   */
  appendEvent(eventType: string, data: unknown, at: number): void {
    this.pendingEvents.push(eventType, JSON.stringify(data), at);
  }

  flushEvents(): void {
    const pending = this.pendingEvents;
    // At most 99 bound parameters per statement (three per event).
    for (let start = 0; start < pending.length; start += 99) {
      const chunk = pending.slice(start, start + 99);
      const rows = Array.from({ length: chunk.length / 3 }, () => "(?, ?, ?)").join(", ");
      this.sql.exec(`INSERT INTO run_events (event_type, data, at) VALUES ${rows}`, ...chunk);
    }
    this.pendingEvents = [];
  }

  events(after: number, limit: number): { seq: number; event_type: string; data: unknown; at: string }[] {
    this.flushEvents();
    return this.sql
      .exec<{ seq: number; event_type: string; data: string; at: number }>(
        "SELECT seq, event_type, data, at FROM run_events WHERE seq > ? ORDER BY seq LIMIT ?",
        after,
        limit,
      )
      .toArray()
      .map((row) => ({ seq: row.seq, event_type: row.event_type, data: JSON.parse(row.data) as unknown, at: new Date(row.at).toISOString() }));
  }
}
