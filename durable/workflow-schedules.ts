import { nextScheduleTime, type ScheduleConfig } from "../engine/nocobase/triggers";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS workflow_schedules (
  key TEXT PRIMARY KEY, version INTEGER NOT NULL, config TEXT NOT NULL, origin TEXT NOT NULL,
  fired INTEGER NOT NULL, next_at INTEGER
);
CREATE INDEX IF NOT EXISTS workflow_schedules_next ON workflow_schedules (next_at);
`;

/** A schedule that is due: which workflow version, at what time, from which origin its signed links are made. */
export interface DueSchedule {
  readonly key: string;
  readonly version: number;
  readonly at: number;
  readonly origin: string;
}

/**
 * The schedule triggers of a project's workflows (static mode: `startsOn`, `repeat`, `endsOn`, `limit`), each with
 * its next fire time. The project's registry object keeps its one alarm at the earliest.
 */
export class WorkflowSchedules {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(SCHEMA);
  }

  /** (Re)arms the schedule of a saved version; a new version starts counting its fires again, as NocoBase re-enables it. */
  set(key: string, version: number, config: ScheduleConfig, origin: string, now: number): void {
    this.sql.exec(
      "INSERT INTO workflow_schedules (key, version, config, origin, fired, next_at) VALUES (?, ?, ?, ?, 0, ?) ON CONFLICT (key) DO UPDATE SET version = excluded.version, config = excluded.config, origin = excluded.origin, fired = 0, next_at = excluded.next_at",
      key,
      version,
      JSON.stringify(config),
      origin,
      nextScheduleTime(config, now, 0),
    );
  }

  remove(key: string): void {
    this.sql.exec("DELETE FROM workflow_schedules WHERE key = ?", key);
  }

  due(now: number): DueSchedule[] {
    return this.sql
      .exec<{ key: string; version: number; next_at: number; origin: string }>("SELECT key, version, next_at, origin FROM workflow_schedules WHERE next_at <= ? ORDER BY next_at", now)
      .toArray()
      .map((row) => ({ key: row.key, version: row.version, at: row.next_at, origin: row.origin }));
  }

  /** Counts a fire at `at` and moves to the next time after both `at` and `now` (missed times are not made up). */
  fired(key: string, at: number, now: number): void {
    const row = this.sql.exec<{ config: string; fired: number }>("SELECT config, fired FROM workflow_schedules WHERE key = ?", key).toArray()[0];
    if (row === undefined) return;
    const fired = row.fired + 1;
    this.sql.exec("UPDATE workflow_schedules SET fired = ?, next_at = ? WHERE key = ?", fired, nextScheduleTime(JSON.parse(row.config) as ScheduleConfig, Math.max(at, now), fired), key);
  }

  earliest(): number | undefined {
    return this.sql.exec<{ at: number | null }>("SELECT MIN(next_at) AS at FROM workflow_schedules").one().at ?? undefined;
  }
}
