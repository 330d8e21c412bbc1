import type { WorkflowDef } from "../engine/nocobase/workflow";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS workflows (key TEXT PRIMARY KEY, current INTEGER NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS workflow_versions (
  key TEXT NOT NULL, version INTEGER NOT NULL, definition TEXT NOT NULL, sha256 TEXT NOT NULL,
  executed INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL,
  PRIMARY KEY (key, version)
);
CREATE TABLE IF NOT EXISTS executions (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, key TEXT NOT NULL, version INTEGER NOT NULL,
  status INTEGER, created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS executions_key ON executions (key, seq);
`;

/** A stored version: the definition as saved (its `version` field is the stored one), and its use. */
export interface WorkflowVersion {
  readonly definition: WorkflowDef;
  readonly executed: number;
  readonly createdAt: string;
  readonly current: boolean;
}

export interface WorkflowSummary {
  readonly key: string;
  readonly version: number;
  readonly title: string | null;
  readonly enabled: boolean;
  readonly sync: boolean;
  readonly trigger: string;
  readonly updatedAt: string;
}

export interface ExecutionSummary {
  readonly id: string;
  readonly key: string;
  readonly version: number;
  readonly status: number | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/**
 * A project's workflow definitions, versioned per key (nocobase-workflow.md §0), and the index of their
 * executions. Every save is a new version and versions are never changed, so a version that has executed is
 * frozen by construction; executions in flight hold their own copy of the version they started on.
 */
export class WorkflowRegistry {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(SCHEMA);
  }

  /**
   * Saves `definition` (without a version) as the workflow's new current version, unless it equals the current
   * one (by content hash), which is kept.
   */
  put(definition: Omit<WorkflowDef, "version">, sha256: string): { version: number; created: boolean } {
    const current = this.currentVersion(definition.key);
    if (current !== undefined) {
      const row = this.sql.exec<{ sha256: string }>("SELECT sha256 FROM workflow_versions WHERE key = ? AND version = ?", definition.key, current).one();
      if (row.sha256 === sha256) return { version: current, created: false };
    }
    const latest = this.sql.exec<{ latest: number | null }>("SELECT MAX(version) AS latest FROM workflow_versions WHERE key = ?", definition.key).one().latest ?? 0;
    const version = latest + 1;
    const now = new Date().toISOString();
    this.sql.exec(
      "INSERT INTO workflow_versions (key, version, definition, sha256, created_at) VALUES (?, ?, ?, ?, ?)",
      definition.key,
      version,
      JSON.stringify({ ...definition, version }),
      sha256,
      now,
    );
    this.sql.exec(
      "INSERT INTO workflows (key, current, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET current = excluded.current, updated_at = excluded.updated_at",
      definition.key,
      version,
      now,
    );
    return { version, created: true };
  }

  /** The current version, or an older one by number (also of a deleted workflow, for executions that ran it). */
  get(key: string, version?: number): WorkflowVersion | undefined {
    const current = this.currentVersion(key);
    const wanted = version ?? current;
    if (wanted === undefined) return undefined;
    const row = this.sql
      .exec<{ definition: string; executed: number; created_at: string }>(
        "SELECT definition, executed, created_at FROM workflow_versions WHERE key = ? AND version = ?",
        key,
        wanted,
      )
      .toArray()[0];
    if (row === undefined) return undefined;
    return { definition: JSON.parse(row.definition) as WorkflowDef, executed: row.executed, createdAt: row.created_at, current: wanted === current };
  }

  versions(key: string): { version: number; executed: number; createdAt: string }[] {
    return this.sql
      .exec<{ version: number; executed: number; created_at: string }>("SELECT version, executed, created_at FROM workflow_versions WHERE key = ? ORDER BY version", key)
      .toArray()
      .map((row) => ({ version: row.version, executed: row.executed, createdAt: row.created_at }));
  }

  list(): WorkflowSummary[] {
    return this.sql
      .exec<{ key: string; current: number; updated_at: string; definition: string }>(
        "SELECT w.key, w.current, w.updated_at, v.definition FROM workflows w JOIN workflow_versions v ON v.key = w.key AND v.version = w.current ORDER BY w.key",
      )
      .toArray()
      .map((row) => {
        const def = JSON.parse(row.definition) as WorkflowDef & { title?: string; enabled?: boolean };
        return { key: row.key, version: row.current, title: def.title ?? null, enabled: def.enabled !== false, sync: def.sync, trigger: def.trigger.type, updatedAt: row.updated_at };
      });
  }

  /** Removes the workflow from use; its versions stay for the executions that ran them, and a new save continues their numbering. */
  delete(key: string): boolean {
    return this.sql.exec("DELETE FROM workflows WHERE key = ?", key).rowsWritten > 0;
  }

  /** Lists an execution, or updates its status; the first report counts it against its version (versionStats.executed). */
  recordExecution(id: string, key: string, version: number, status: number | null): void {
    const now = new Date().toISOString();
    if (this.sql.exec("UPDATE executions SET status = ?, updated_at = ? WHERE id = ?", status, now, id).rowsWritten > 0) return;
    this.sql.exec("INSERT INTO executions (id, key, version, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)", id, key, version, status, now, now);
    this.sql.exec("UPDATE workflow_versions SET executed = executed + 1 WHERE key = ? AND version = ?", key, version);
  }

  /** An execution deleted by `deleteExecutionOnStatus` leaves the list. */
  forgetExecution(id: string): void {
    this.sql.exec("DELETE FROM executions WHERE id = ?", id);
  }

  /** Newest first; `cursor` is the `next` of the previous page. */
  listExecutions(key: string, cursor: number | undefined, limit: number): { executions: ExecutionSummary[]; next: number | null } {
    const rows = this.sql
      .exec<{ seq: number; id: string; key: string; version: number; status: number | null; created_at: string; updated_at: string }>(
        "SELECT seq, id, key, version, status, created_at, updated_at FROM executions WHERE key = ? AND seq < ? ORDER BY seq DESC LIMIT ?",
        key,
        cursor ?? Number.MAX_SAFE_INTEGER,
        limit,
      )
      .toArray();
    return {
      executions: rows.map((r) => ({ id: r.id, key: r.key, version: r.version, status: r.status, createdAt: r.created_at, updatedAt: r.updated_at })),
      next: rows.length === limit ? rows.at(-1)!.seq : null,
    };
  }

  private currentVersion(key: string): number | undefined {
    return this.sql.exec<{ current: number }>("SELECT current FROM workflows WHERE key = ?", key).toArray()[0]?.current;
  }
}
