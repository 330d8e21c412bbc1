/** What a signed link answered: its HTTP status and JSON body, repeated to every copy of the same delivery. */
export interface DeliveryAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** How long a delivery's answer is kept (api.md: at least 24 hours, even after the node and the run have ended). */
const KEPT_MS = 48 * 3600 * 1000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS run_deliveries (key TEXT PRIMARY KEY, status INTEGER NOT NULL, body TEXT NOT NULL, at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS run_deliveries_at ON run_deliveries (at);
`;

/** A run object's answer as a signed link gives it: 202 `{accepted: true}`, or the refusal's status and error. */
export function deliveryAnswerOf(answer: { readonly ok: true } | { readonly ok: false; readonly status: number; readonly code: string; readonly message: string }): DeliveryAnswer {
  return answer.ok ? { status: 202, body: { accepted: true } } : { status: answer.status, body: { error: { code: answer.code, message: answer.message } } };
}

/**
 * The deliveries a run's signed links received, by delivery key (the link and its body, or its Idempotency-Key),
 * with what each answered. A repeated delivery gets the first answer and changes nothing; a copy that arrives while
 * the first is still being handled waits for it. The run object is single-threaded, so the check and the
 * reservation cannot interleave.
 */
export class DeliveryLog {
  private readonly inFlight = new Map<string, Promise<DeliveryAnswer>>();

  constructor(private readonly sql: SqlStorage) {
    sql.exec(SCHEMA);
  }

  /** Claims `key` for good (e.g. "this node version was called back"); false when it was claimed before. */
  claim(key: string): boolean {
    const now = Date.now();
    return this.sql.exec("INSERT INTO run_deliveries (key, status, body, at) VALUES (?, 0, 'null', ?) ON CONFLICT (key) DO NOTHING", key, now).rowsWritten > 0;
  }

  /** Gives a claim back (what it stood for did not happen). */
  release(key: string): void {
    this.sql.exec("DELETE FROM run_deliveries WHERE key = ?", key);
  }

  once(key: string, deliver: () => Promise<DeliveryAnswer>): Promise<DeliveryAnswer> {
    const stored = this.sql.exec<{ status: number; body: string }>("SELECT status, body FROM run_deliveries WHERE key = ?", key).toArray()[0];
    if (stored !== undefined) return Promise.resolve({ status: stored.status, body: JSON.parse(stored.body) as unknown });
    const pending = this.inFlight.get(key);
    if (pending !== undefined) return pending;
    const answer = deliver()
      .then((delivered) => {
        const now = Date.now();
        this.sql.exec("DELETE FROM run_deliveries WHERE at < ?", now - KEPT_MS);
        this.sql.exec("INSERT INTO run_deliveries (key, status, body, at) VALUES (?, ?, ?, ?)", key, delivered.status, JSON.stringify(delivered.body), now);
        return delivered;
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, answer);
    return answer;
  }
}
