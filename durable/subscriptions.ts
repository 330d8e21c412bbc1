/** An outbound webhook subscription as the project's registry stores it (api.md "Events out"). */
export interface Subscription {
  readonly name: string;
  readonly url: string;
  /** Event types, or `*` for all. */
  readonly events: readonly string[];
  readonly secret: string;
  /** Milliseconds since the epoch: a run delivers only events stored from then on. */
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** One POST of one event to one subscription, as the delivery log shows it. */
export interface DeliveryAttempt {
  readonly eventId: string;
  readonly run: string;
  readonly attempt: number;
  /** The receiver's HTTP status, or null when there was no answer (see `error`). */
  readonly status: number | null;
  readonly error: string | null;
  /** The last attempt of an event that never got a 2xx: the event is skipped. */
  readonly gaveUp: boolean;
  readonly at: string;
}

/** What a run object caches: the subscriptions and the URL rules, under a key that changes whenever either does. */
export interface SubscriptionSnapshot {
  readonly key: string;
  readonly subscriptions: readonly Subscription[];
  /** The project's `workflows` settings, whose `requestHosts` and `allowPrivateNetwork` subscriptions follow. */
  readonly rules: { readonly requestHosts?: readonly string[]; readonly allowPrivateNetwork?: boolean };
}

/** The delivery log keeps this many attempts per subscription. */
export const DELIVERY_LOG_SIZE = 100;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS subscriptions (
  name TEXT PRIMARY KEY, url TEXT NOT NULL, events TEXT NOT NULL, secret TEXT NOT NULL,
  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS subscription_deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT, subscription TEXT NOT NULL, event_id TEXT NOT NULL, run TEXT NOT NULL,
  attempt INTEGER NOT NULL, status INTEGER, error TEXT, gave_up INTEGER NOT NULL, at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS subscription_deliveries_by_name ON subscription_deliveries (subscription, id);
CREATE TABLE IF NOT EXISTS subscription_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
`;

type Row = { name: string; url: string; events: string; secret: string; created_at: number; updated_at: number };

const subscriptionOf = (row: Row): Subscription => ({
  name: row.name,
  url: row.url,
  events: JSON.parse(row.events) as string[],
  secret: row.secret,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** A webhook signing secret: 32 random bytes as hex, prefixed so it is recognisable in a config file. */
function newSubscriptionSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `whsec_${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/**
 * A project's subscriptions and their delivery log, over the registry's SQLite. Every change bumps a generation
 * number, which run objects compare to know when their cached list is stale.
 */
export class SubscriptionStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(SCHEMA);
  }

  get generation(): number {
    return this.sql.exec<{ value: number }>("SELECT value FROM subscription_meta WHERE key = 'generation'").toArray()[0]?.value ?? 0;
  }

  /**
   * Creates or replaces a subscription. An update keeps the secret (receivers keep verifying) unless `rotate`
   * asks for a new one; the creation time stays, so runs keep their place in the event log.
   */
  put(name: string, url: string, events: readonly string[], rotate: boolean): { subscription: Subscription; created: boolean } {
    const now = Date.now();
    const existing = this.get(name);
    const secret = existing === undefined || rotate ? newSubscriptionSecret() : existing.secret;
    this.sql.exec(
      `INSERT INTO subscriptions (name, url, events, secret, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET url = excluded.url, events = excluded.events, secret = excluded.secret, updated_at = excluded.updated_at`,
      name,
      url,
      JSON.stringify(events),
      secret,
      now,
      now,
    );
    this.bump();
    return { subscription: this.get(name)!, created: existing === undefined };
  }

  get(name: string): Subscription | undefined {
    const row = this.sql.exec<Row>("SELECT * FROM subscriptions WHERE name = ?", name).toArray()[0];
    return row === undefined ? undefined : subscriptionOf(row);
  }

  list(): Subscription[] {
    return this.sql.exec<Row>("SELECT * FROM subscriptions ORDER BY name").toArray().map(subscriptionOf);
  }

  /** Removes the subscription and its delivery log. */
  delete(name: string): boolean {
    const deleted = this.sql.exec("DELETE FROM subscriptions WHERE name = ?", name).rowsWritten > 0;
    if (deleted) {
      this.sql.exec("DELETE FROM subscription_deliveries WHERE subscription = ?", name);
      this.bump();
    }
    return deleted;
  }

  /** Appends attempts to a subscription's log (if it still exists), keeping the last DELIVERY_LOG_SIZE. */
  record(name: string, attempts: readonly DeliveryAttempt[]): void {
    if (this.get(name) === undefined) return;
    for (const a of attempts) {
      this.sql.exec(
        "INSERT INTO subscription_deliveries (subscription, event_id, run, attempt, status, error, gave_up, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        name,
        a.eventId,
        a.run,
        a.attempt,
        a.status,
        a.error,
        a.gaveUp ? 1 : 0,
        Date.parse(a.at),
      );
    }
    this.sql.exec(
      "DELETE FROM subscription_deliveries WHERE subscription = ? AND id <= (SELECT id FROM subscription_deliveries WHERE subscription = ? ORDER BY id DESC LIMIT 1 OFFSET ?)",
      name,
      name,
      DELIVERY_LOG_SIZE,
    );
  }

  /** The most recent attempts first. */
  deliveries(name: string): DeliveryAttempt[] {
    return this.sql
      .exec<{ event_id: string; run: string; attempt: number; status: number | null; error: string | null; gave_up: number; at: number }>(
        "SELECT event_id, run, attempt, status, error, gave_up, at FROM subscription_deliveries WHERE subscription = ? ORDER BY id DESC",
        name,
      )
      .toArray()
      .map((row) => ({
        eventId: row.event_id,
        run: row.run,
        attempt: row.attempt,
        status: row.status,
        error: row.error,
        gaveUp: row.gave_up === 1,
        at: new Date(row.at).toISOString(),
      }));
  }

  private bump(): void {
    this.sql.exec(
      "INSERT INTO subscription_meta (key, value) VALUES ('generation', 1) ON CONFLICT (key) DO UPDATE SET value = value + 1",
    );
  }
}
