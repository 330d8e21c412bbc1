const SCHEMA = `
CREATE TABLE IF NOT EXISTS runs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, state TEXT NOT NULL,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_state ON runs (state, seq);
`;

export type RunSummary = {
  readonly id: string;
  readonly state: string;
  readonly created_at: string;
  readonly updated_at: string;
};

/**
 * A project's list of its pipeline runs, kept in the project's registry object so that listing never fans out to
 * every run's object. Each run reports its root state here when it changes.
 */
export class RunIndex {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(SCHEMA);
  }

  record(id: string, state: string): void {
    const now = new Date().toISOString();
    this.sql.exec(
      "INSERT INTO runs (id, state, created_at, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
      id,
      state,
      now,
      now,
    );
  }

  /** Newest first; `cursor` is the `next` of the previous page. */
  list(state: string | undefined, cursor: number | undefined, limit: number): { runs: RunSummary[]; next: number | null } {
    const before = cursor ?? Number.MAX_SAFE_INTEGER;
    const rows = (
      state === undefined
        ? this.sql.exec<RunSummary & { seq: number }>("SELECT seq, id, state, created_at, updated_at FROM runs WHERE seq < ? ORDER BY seq DESC LIMIT ?", before, limit)
        : this.sql.exec<RunSummary & { seq: number }>(
            "SELECT seq, id, state, created_at, updated_at FROM runs WHERE state = ? AND seq < ? ORDER BY seq DESC LIMIT ?",
            state,
            before,
            limit,
          )
    ).toArray();
    return { runs: rows.map(({ seq: _seq, ...run }) => run), next: rows.length === limit ? rows.at(-1)!.seq : null };
  }
}
