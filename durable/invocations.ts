import type { LogEntry, SandboxError, Usage } from "../sandbox";

/** How many recorded hook calls a project keeps when its settings do not say (`invocations.keep`). */
export const DEFAULT_INVOCATIONS_KEPT = 500;

/**
 * A hook call as the Worker hands it over to be recorded. The call and its outcome come as JSON, redacted and
 * cut to size by the Worker (see worker/fireboom/record-invocation.ts): the registry stores them as they are.
 */
export interface NewInvocation {
  readonly path: string;
  readonly version: number;
  readonly sha256: string;
  readonly ok: boolean;
  readonly errorCode: string | undefined;
  /** Milliseconds since the epoch, when the call ended. */
  readonly recordedAt: number;
  readonly durationMs: number;
  readonly usage: Usage;
  /** What a replay needs (the ctx data and what the host calls use), or null when it was too large to keep. */
  readonly call: string | null;
  /** `{result?, error?, logs, omitted?}` */
  readonly outcome: string;
}

export interface InvocationSummary {
  readonly id: string;
  readonly path: string;
  readonly version: number;
  readonly sha256: string;
  readonly outcome: "ok" | "error";
  readonly errorCode?: string;
  readonly recordedAt: string;
  readonly durationMs: number;
  readonly usage: Usage;
}

export interface RecordedOutcome {
  readonly result?: unknown;
  readonly error?: SandboxError;
  readonly logs: LogEntry[];
  /** The parts left out because the record would have been too large ("args", "result", "logs", "error"). */
  readonly omitted?: string[];
}

/** A recorded call with its JSON as it was stored (the Worker reads it; the registry never looks inside). */
export interface StoredInvocation extends InvocationSummary {
  /** NewInvocation.call */
  readonly callJson: string | null;
  /** NewInvocation.outcome, a RecordedOutcome */
  readonly outcomeJson: string;
}

export interface InvocationFilter {
  readonly path?: string;
  readonly ok?: boolean;
  /** Milliseconds since the epoch: recorded at or after. */
  readonly since?: number;
  /** Milliseconds since the epoch: recorded before. */
  readonly until?: number;
  readonly limit: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS invocations (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, path TEXT NOT NULL, version INTEGER NOT NULL,
  sha256 TEXT NOT NULL, ok INTEGER NOT NULL, error_code TEXT, recorded_at INTEGER NOT NULL, duration_ms INTEGER NOT NULL,
  usage TEXT NOT NULL, call TEXT, outcome TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS invocations_by_path ON invocations (path, seq);
`;

type SummaryRow = {
  id: string;
  path: string;
  version: number;
  sha256: string;
  ok: number;
  error_code: string | null;
  recorded_at: number;
  duration_ms: number;
  usage: string;
};

const SUMMARY_COLUMNS = "id, path, version, sha256, ok, error_code, recorded_at, duration_ms, usage";

const summaryOf = (row: SummaryRow): InvocationSummary => ({
  id: row.id,
  path: row.path,
  version: row.version,
  sha256: row.sha256,
  outcome: row.ok === 1 ? "ok" : "error",
  ...(row.error_code === null ? {} : { errorCode: row.error_code }),
  recordedAt: new Date(row.recorded_at).toISOString(),
  durationMs: row.duration_ms,
  usage: JSON.parse(row.usage) as Usage,
});

/**
 * A project's recorded hook calls (the failed ones, and the sampled share of the others), over the registry's
 * SQLite. The newest `keep` are kept.
 */
export class InvocationLog {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(SCHEMA);
  }

  /** Stores the call under a new id and drops the oldest past `keep`; answers the id. */
  record(invocation: NewInvocation, keep: number): string {
    const id = crypto.randomUUID();
    this.sql.exec(
      "INSERT INTO invocations (id, path, version, sha256, ok, error_code, recorded_at, duration_ms, usage, call, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      id,
      invocation.path,
      invocation.version,
      invocation.sha256,
      invocation.ok ? 1 : 0,
      invocation.errorCode ?? null,
      invocation.recordedAt,
      invocation.durationMs,
      JSON.stringify(invocation.usage),
      invocation.call,
      invocation.outcome,
    );
    this.trim(keep);
    return id;
  }

  /** Keeps the newest `keep` calls. */
  trim(keep: number): void {
    this.sql.exec("DELETE FROM invocations WHERE seq <= (SELECT seq FROM invocations ORDER BY seq DESC LIMIT 1 OFFSET ?)", keep);
  }

  /** Newest first. */
  list(filter: InvocationFilter): InvocationSummary[] {
    const conditions: string[] = [];
    const values: (string | number)[] = [];
    const where = (condition: string, value: string | number) => {
      conditions.push(condition);
      values.push(value);
    };
    if (filter.path !== undefined) where("path = ?", filter.path);
    if (filter.ok !== undefined) where("ok = ?", filter.ok ? 1 : 0);
    if (filter.since !== undefined) where("recorded_at >= ?", filter.since);
    if (filter.until !== undefined) where("recorded_at < ?", filter.until);
    const clause = conditions.length === 0 ? "" : `WHERE ${conditions.join(" AND ")}`;
    return this.sql
      .exec<SummaryRow>(`SELECT ${SUMMARY_COLUMNS} FROM invocations ${clause} ORDER BY seq DESC LIMIT ?`, ...values, filter.limit)
      .toArray()
      .map(summaryOf);
  }

  get(id: string): StoredInvocation | undefined {
    const row = this.sql
      .exec<SummaryRow & { call: string | null; outcome: string }>(`SELECT ${SUMMARY_COLUMNS}, call, outcome FROM invocations WHERE id = ?`, id)
      .toArray()[0];
    if (row === undefined) return undefined;
    return { ...summaryOf(row), callJson: row.call, outcomeJson: row.outcome };
  }
}
