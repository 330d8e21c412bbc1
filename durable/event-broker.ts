import { DurableObject } from "cloudflare:workers";
import { recordCorrelatedDelivery, recordCorrelatedEvent } from "../metrics/record";
import type { ExecutionRun } from "./execution-run";
import { flushMetricsSoon, type MetricsEnv } from "./metrics-object";
import type { PipelineRun } from "./pipeline-run";

/** A node waiting for a correlated event: a bamboo callback node's version, or a NocoBase `event` node's pending job. */
export type EventWaiter =
  | { readonly dialect: "pipeline"; readonly object: string; readonly nodeId: string; readonly version: string }
  | { readonly dialect: "execution"; readonly object: string; readonly jobId: number };

/** An event as the Worker accepted it (api.md "Waiting and resuming from outside"). */
export interface CorrelatedEvent {
  readonly id: string;
  readonly name: string;
  readonly correlationKey: string;
  readonly payload: unknown;
  readonly ttlSeconds: number;
}

/** What accepting an event answers, and a re-sent event (same id) answers again. */
export interface EventAnswer {
  readonly id: string;
  readonly delivered: boolean;
}

/** An event kept for a waiter still to come, as its broker stores it (times in ms since the epoch). */
export interface BufferedEvent {
  readonly id: string;
  readonly name: string;
  readonly correlationKey: string;
  /** The payload as its JSON text: the RPC stub's types cannot carry an `unknown`. */
  readonly payloadJson: string;
  /** null for an event kept before brokers stored when they accepted one. */
  readonly receivedAt: number | null;
  readonly expiresAt: number;
}

export interface EventBrokerEnv extends MetricsEnv {
  readonly PIPELINE_RUNS: DurableObjectNamespace<PipelineRun>;
  readonly EXECUTION_RUNS: DurableObjectNamespace<ExecutionRun>;
}

/** How long an event id is remembered at least, so a late re-send of a delivered event is still a no-op. */
const ANSWER_KEEP_MS = 24 * 3600 * 1000;
/** When a delivery failed (the run's object could not be reached), the alarm tries again this much later. */
const RETRY_MS = 1000;

const SCHEMA = [
  // seq orders both tables: events are delivered in acceptance order, each to the earliest waiter.
  "CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, name TEXT NOT NULL, key TEXT NOT NULL, payload TEXT NOT NULL, expires_at INTEGER NOT NULL, received_at INTEGER)",
  "CREATE INDEX IF NOT EXISTS events_pair ON events (name, key, seq)",
  "CREATE TABLE IF NOT EXISTS waiters (seq INTEGER PRIMARY KEY AUTOINCREMENT, waiter TEXT NOT NULL UNIQUE, name TEXT NOT NULL, key TEXT NOT NULL)",
  "CREATE INDEX IF NOT EXISTS waiters_pair ON waiters (name, key, seq)",
  // The first answer of each event id; delivered is NULL while that first call is still matching.
  "CREATE TABLE IF NOT EXISTS answers (id TEXT PRIMARY KEY, delivered INTEGER, keep_until INTEGER NOT NULL)",
];

/**
 * The buffered events and the waiting nodes of some name + correlation key pairs of one project (event-shards.ts
 * picks the object). Matching a pair is serialized in the object, so each event resumes exactly one waiter, the
 * earliest, in acceptance order. A waiter whose node moved on refuses the delivery; it is dropped and the event
 * goes to the next waiter, or stays. Expired events are never delivered, and the alarm deletes them.
 */
export class EventBroker extends DurableObject<EventBrokerEnv> {
  private readonly sql = this.ctx.storage.sql;
  /** Per pair, the tail of its matching: one pair's deliveries never interleave. */
  private readonly matching = new Map<string, Promise<void>>();
  private retryAt: number | undefined;

  constructor(ctx: DurableObjectState, env: EventBrokerEnv) {
    super(ctx, env);
    for (const statement of SCHEMA) this.sql.exec(statement);
    // Brokers created before events carried their arrival time get the column; the events they kept show none.
    if (!this.sql.exec<{ name: string }>("PRAGMA table_info(events)").toArray().some((column) => column.name === "received_at")) {
      this.sql.exec("ALTER TABLE events ADD COLUMN received_at INTEGER");
    }
  }

  /** Accepts an event: delivers it now if a node waits (and no earlier event of the pair does), else keeps it. */
  async publish(event: CorrelatedEvent): Promise<EventAnswer> {
    const pair = pairOf(event.name, event.correlationKey);
    if (this.answerRow(event.id) !== undefined) {
      // A re-send: once the first call has matched, its answer is stored.
      await this.matching.get(pair);
      return this.firstAnswer(event.id);
    }
    const now = Date.now();
    const expiresAt = now + event.ttlSeconds * 1000;
    this.sql.exec(
      "INSERT INTO events (id, name, key, payload, expires_at, received_at) VALUES (?, ?, ?, ?, ?, ?)",
      event.id,
      event.name,
      event.correlationKey,
      JSON.stringify(event.payload ?? null),
      expiresAt,
      now,
    );
    this.sql.exec("INSERT INTO answers (id, delivered, keep_until) VALUES (?, NULL, ?)", event.id, Math.max(expiresAt, now + ANSWER_KEEP_MS));
    recordCorrelatedEvent();
    await this.serial(pair, async () => {
      await this.matchNow(event.name, event.correlationKey);
      this.sql.exec("UPDATE answers SET delivered = ? WHERE id = ?", this.isBuffered(event.id) ? 0 : 1, event.id);
    });
    await this.armAlarm();
    flushMetricsSoon(this.env);
    return this.firstAnswer(event.id);
  }

  /** Registers a waiting node (again is a no-op), and delivers the pair's earliest kept event to it at once. */
  async wait(waiter: EventWaiter, name: string, correlationKey: string): Promise<void> {
    this.sql.exec("INSERT OR IGNORE INTO waiters (waiter, name, key) VALUES (?, ?, ?)", JSON.stringify(waiter), name, correlationKey);
    await this.serial(pairOf(name, correlationKey), () => this.matchNow(name, correlationKey));
    await this.armAlarm();
    flushMetricsSoon(this.env);
  }

  /** How many unexpired events and waiting nodes a pair has (for operators and tests). */
  pending(name: string, correlationKey: string): { events: number; waiters: number } {
    const count = (sql: string, ...args: unknown[]) => this.sql.exec<{ n: number }>(sql, ...args).one().n;
    return {
      events: count("SELECT COUNT(*) AS n FROM events WHERE name = ? AND key = ? AND expires_at > ?", name, correlationKey, Date.now()),
      waiters: count("SELECT COUNT(*) AS n FROM waiters WHERE name = ? AND key = ?", name, correlationKey),
    };
  }

  /** The unexpired events no node has taken yet, of `name` and/or `correlationKey` when given, newest first. */
  buffered(filter: { name?: string; correlationKey?: string }, limit: number): BufferedEvent[] {
    const name = filter.name ?? null;
    const key = filter.correlationKey ?? null;
    return this.sql
      .exec<{ id: string; name: string; key: string; payload: string; received_at: number | null; expires_at: number }>(
        "SELECT id, name, key, payload, received_at, expires_at FROM events WHERE expires_at > ? AND (? IS NULL OR name = ?) AND (? IS NULL OR key = ?) ORDER BY seq DESC LIMIT ?",
        Date.now(),
        name,
        name,
        key,
        key,
        limit,
      )
      .toArray()
      .map((row) => ({ id: row.id, name: row.name, correlationKey: row.key, payloadJson: row.payload, receivedAt: row.received_at, expiresAt: row.expires_at }));
  }

  /** Drops expired events and forgotten answers, and retries the pairs whose delivery failed. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    this.sql.exec("DELETE FROM events WHERE expires_at <= ?", now);
    this.sql.exec("DELETE FROM answers WHERE keep_until <= ?", now);
    this.retryAt = undefined;
    const pairs = this.sql
      .exec<{ name: string; key: string }>("SELECT DISTINCT e.name, e.key FROM events e JOIN waiters w ON w.name = e.name AND w.key = e.key")
      .toArray();
    for (const { name, key } of pairs) await this.serial(pairOf(name, key), () => this.matchNow(name, key));
    await this.armAlarm();
    flushMetricsSoon(this.env);
  }

  /** Hands the pair's earliest event to its earliest waiter until one of them runs out. */
  private async matchNow(name: string, correlationKey: string): Promise<void> {
    for (;;) {
      const event = this.sql
        .exec<{ seq: number; id: string; payload: string }>("SELECT seq, id, payload FROM events WHERE name = ? AND key = ? AND expires_at > ? ORDER BY seq LIMIT 1", name, correlationKey, Date.now())
        .toArray()[0];
      const waiter = this.sql.exec<{ seq: number; waiter: string }>("SELECT seq, waiter FROM waiters WHERE name = ? AND key = ? ORDER BY seq LIMIT 1", name, correlationKey).toArray()[0];
      if (event === undefined || waiter === undefined) return;
      let accepted: boolean;
      try {
        accepted = await this.deliver(JSON.parse(waiter.waiter) as EventWaiter, event.id, JSON.parse(event.payload));
      } catch (error) {
        // Both stay: the alarm tries again.
        console.error(`[events ${name}/${correlationKey}] delivery failed:`, error);
        recordCorrelatedDelivery("failed");
        this.retryAt = Date.now() + RETRY_MS;
        return;
      }
      recordCorrelatedDelivery(accepted ? "resumed" : "refused");
      if (accepted) this.sql.exec("DELETE FROM events WHERE seq = ?", event.seq);
      this.sql.exec("DELETE FROM waiters WHERE seq = ?", waiter.seq);
    }
  }

  /**
   * Resumes the waiting node through its run's own resume path; false when the node no longer waits. The run
   * answers one event id once, so offering it again (this object died before it could forget the event) repeats
   * the first answer and resumes nothing.
   */
  private deliver(waiter: EventWaiter, eventId: string, payload: unknown): Promise<boolean> {
    if (waiter.dialect === "pipeline") {
      const runs = this.env.PIPELINE_RUNS;
      return runs.get(runs.idFromString(waiter.object)).deliverEvent(eventId, waiter.nodeId, waiter.version, payload);
    }
    const runs = this.env.EXECUTION_RUNS;
    return runs.get(runs.idFromString(waiter.object)).deliverEvent(eventId, waiter.jobId, payload);
  }

  private serial(pair: string, work: () => Promise<void>): Promise<void> {
    const run = (this.matching.get(pair) ?? Promise.resolve()).then(work);
    const tail = run.catch(() => undefined);
    this.matching.set(pair, tail);
    void tail.then(() => {
      if (this.matching.get(pair) === tail) this.matching.delete(pair);
    });
    return run;
  }

  private answerRow(id: string): { delivered: number | null } | undefined {
    return this.sql.exec<{ delivered: number | null }>("SELECT delivered FROM answers WHERE id = ?", id).toArray()[0];
  }

  private isBuffered(id: string): boolean {
    return this.sql.exec("SELECT 1 FROM events WHERE id = ?", id).toArray().length > 0;
  }

  /** The answer the event's first call gave (after a restart mid-match, whether it is still kept). */
  private firstAnswer(id: string): EventAnswer {
    const delivered = this.answerRow(id)?.delivered;
    return { id, delivered: delivered === null || delivered === undefined ? !this.isBuffered(id) : delivered === 1 };
  }

  /** The one alarm at the earliest expiry, forgotten answer or retry. */
  private async armAlarm(): Promise<void> {
    const next = this.sql
      .exec<{ at: number | null }>("SELECT MIN(at) AS at FROM (SELECT MIN(expires_at) AS at FROM events UNION ALL SELECT MIN(keep_until) FROM answers)")
      .one().at;
    const at = Math.min(next ?? Number.POSITIVE_INFINITY, this.retryAt ?? Number.POSITIVE_INFINITY);
    if (at === Number.POSITIVE_INFINITY) await this.ctx.storage.deleteAlarm();
    else if ((await this.ctx.storage.getAlarm()) !== at) await this.ctx.storage.setAlarm(at);
  }
}

function pairOf(name: string, correlationKey: string): string {
  return JSON.stringify([name, correlationKey]);
}
