import { recordSubscriptionDelivery } from "../metrics/record";
import type { ProjectRegistry } from "./project-registry";
import { MAX_DELIVERY_ATTEMPTS, MAX_RETRY_AGE_MS, postEvent, retryDelay, subscriptionPolicy, wantsEvent } from "./event-delivery";
import { storedEvents, type RunEvent, type RunRef } from "./run-event";
import type { RunIdentity } from "./run-object";
import { SIGNAL_FAILED, SignalScripts } from "./signal-scripts";
import type { DeliveryAttempt, Subscription, SubscriptionSnapshot } from "./subscriptions";

/** What the outbox needs of its run object. */
export interface OutboxHost {
  run(): RunRef | undefined;
  identity(): RunIdentity | undefined;
  registry(): DurableObjectStub<ProjectRegistry>;
  /** Called when a registry call failed (a stub that threw fails every later call). */
  registryFailed(): void;
  /** Appends an event to the run's log and writes it out. */
  emit(type: string, data: Record<string, unknown>): void;
  /** Sets the run's alarm again (it takes nextDue() into account). */
  rearm(): Promise<void>;
}

/**
 * While a consumer is being served its next_at is pushed this far ahead: if the object dies mid-delivery the
 * alarm comes back and delivers again (at least once).
 */
const LEASE_MS = 30_000;
/** When the registry cannot be asked for the subscriptions, try again this much later. */
const REGISTRY_RETRY_MS = 5_000;
const BATCH = 50;
/**
 * The subscription list is asked of the registry at most this often (the answer is "unchanged" while its key is
 * current): a busy run drains many times a second. A subscription created meanwhile loses nothing, since its cursor
 * starts from its creation time.
 */
const SNAPSHOT_TTL_MS = 1_000;
const SIGNALS = "signal";
/** A row that only holds the alarm for another look at the subscriptions (after a failure, or when the cache expires). */
const RETRY_REFRESH = "refresh";
const subscriptionConsumer = (name: string) => `sub:${name}`;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS run_outbox (
  consumer TEXT PRIMARY KEY, after_seq INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
  first_failed_at INTEGER, next_at INTEGER
);
`;

interface Cursor {
  afterSeq: number;
  attempts: number;
  firstFailedAt: number | null;
}

/**
 * A run's outgoing events: its subscriptions' webhooks and its signal scripts (api.md "Events out"). The events
 * are the run's own durable log, so the outbox is one cursor per consumer (how far it got, and the retry state of
 * its next event): nothing stored can be lost, and each consumer sees the run's events in order. A cursor moves
 * past an event only after it was handled, so a crash delivers it again. Retries wait on the run's one alarm
 * (nextDue() is folded into it by the run object).
 */
export class EventOutbox {
  private snapshot: SubscriptionSnapshot | undefined;
  private snapshotAt = 0;
  /** The run's last stored event when the snapshot was fetched: later ones may be for a subscription it misses. */
  private snapshotSeq = 0;
  private signals: SignalScripts | undefined;
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly sql: SqlStorage,
    private readonly host: OutboxHost,
  ) {
    sql.exec(SCHEMA);
  }

  /** When a consumer wants to run again (a retry, or the lease of one in progress). */
  nextDue(): number | undefined {
    return this.sql.exec<{ due: number | null }>("SELECT MIN(next_at) AS due FROM run_outbox").one().due ?? undefined;
  }

  /** Delivers what is stored and due; a call while a pass runs makes it run once more. */
  pump(): Promise<void> {
    if (this.running !== undefined) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.pass();
      } while (this.again);
    })()
      .catch((error: unknown) => console.error("[outbox] pass failed:", error))
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private async pass(): Promise<void> {
    const run = this.host.run();
    const identity = this.host.identity();
    if (run === undefined || identity === undefined) return;
    const snapshot = await this.refresh();
    if (snapshot === undefined) {
      this.sql.exec("INSERT INTO run_outbox (consumer, after_seq, next_at) VALUES (?, 0, ?) ON CONFLICT (consumer) DO UPDATE SET next_at = excluded.next_at", RETRY_REFRESH, Date.now() + REGISTRY_RETRY_MS);
      await this.host.rearm();
      return;
    }
    this.signals ??= new SignalScripts(this.host.registry(), identity.project, identity.scripts, identity.limits);
    this.syncConsumers(snapshot, this.signals.paths.length > 0);
    if (this.lastSeq() > this.snapshotSeq) {
      // Events stored since the snapshot was fetched: look again once it expires, for a subscription created since.
      this.sql.exec("INSERT INTO run_outbox (consumer, after_seq, next_at) VALUES (?, 0, ?)", RETRY_REFRESH, this.snapshotAt + SNAPSHOT_TTL_MS);
    }

    const now = Date.now();
    const due: string[] = [];
    for (const row of this.sql.exec<{ consumer: string; after_seq: number }>("SELECT consumer, after_seq FROM run_outbox WHERE (next_at IS NULL OR next_at <= ?) AND consumer != ?", now, RETRY_REFRESH).toArray()) {
      const pending = storedEvents(this.sql, identity.project, run, row.after_seq, 1).length > 0;
      // A consumer with nothing pending holds no alarm (a lease left by a restart after its last event).
      this.setNextAt(row.consumer, pending ? now + LEASE_MS : null);
      if (pending) due.push(row.consumer);
    }
    await this.host.rearm();
    if (due.length === 0) return;
    await Promise.all(
      due.map((consumer) => {
        if (consumer === SIGNALS) return this.runSignals(identity.project, run);
        const subscription = snapshot.subscriptions.find((s) => subscriptionConsumer(s.name) === consumer)!;
        return this.deliver(subscription, snapshot, identity.project, run);
      }),
    );
    await this.host.rearm();
  }

  /**
   * Reads the project's subscriptions along with another registry call (`read` gets the key the outbox knows and
   * answers the snapshot, or undefined when unchanged), so a run that reports to the registry anyway makes no second
   * call for them.
   */
  async readAlong<T>(read: (knownKey: string | undefined) => Promise<{ readonly value: T; readonly subscriptions: SubscriptionSnapshot | undefined }>): Promise<T> {
    const seq = this.lastSeq();
    const { value, subscriptions } = await read(this.snapshot?.key);
    this.snapshot = subscriptions ?? this.snapshot;
    if (this.snapshot !== undefined) {
      this.snapshotAt = Date.now();
      this.snapshotSeq = seq;
    }
    return value;
  }

  /** The project's subscriptions, cached until the registry's key changes; undefined when the registry failed. */
  private async refresh(): Promise<SubscriptionSnapshot | undefined> {
    if (this.snapshot !== undefined && Date.now() - this.snapshotAt < SNAPSHOT_TTL_MS) return this.snapshot;
    try {
      const seq = this.lastSeq();
      this.snapshot = (await this.host.registry().subscriptionSnapshot(this.snapshot?.key)) ?? this.snapshot;
      this.snapshotAt = Date.now();
      this.snapshotSeq = seq;
      return this.snapshot;
    } catch (error) {
      this.host.registryFailed();
      console.error("[outbox] could not read the subscriptions:", error);
      return undefined;
    }
  }

  /**
   * A cursor for every subscription (starting after the events stored before it was created) and for the signal
   * scripts (from the run's first event); a deleted subscription's cursor goes.
   */
  private syncConsumers(snapshot: SubscriptionSnapshot, hasSignals: boolean): void {
    const wanted = new Set(snapshot.subscriptions.map((s) => subscriptionConsumer(s.name)));
    if (hasSignals) wanted.add(SIGNALS);
    const existing = new Set(this.sql.exec<{ consumer: string }>("SELECT consumer FROM run_outbox").toArray().map((row) => row.consumer));
    for (const consumer of existing) {
      if (!wanted.has(consumer)) this.sql.exec("DELETE FROM run_outbox WHERE consumer = ?", consumer);
    }
    for (const subscription of snapshot.subscriptions) {
      if (existing.has(subscriptionConsumer(subscription.name))) continue;
      const before = this.sql.exec<{ seq: number | null }>("SELECT MAX(seq) AS seq FROM run_events WHERE at < ?", subscription.createdAt).one().seq ?? 0;
      this.sql.exec("INSERT INTO run_outbox (consumer, after_seq) VALUES (?, ?) ON CONFLICT (consumer) DO NOTHING", subscriptionConsumer(subscription.name), before);
    }
    if (hasSignals) this.sql.exec("INSERT INTO run_outbox (consumer, after_seq) VALUES (?, 0) ON CONFLICT (consumer) DO NOTHING", SIGNALS);
  }

  /** POSTs the subscription's events in order until one fails (it is retried later) or none is left. */
  private async deliver(subscription: Subscription, snapshot: SubscriptionSnapshot, project: string, run: RunRef): Promise<void> {
    const consumer = subscriptionConsumer(subscription.name);
    const policy = subscriptionPolicy(snapshot.rules);
    const log: DeliveryAttempt[] = [];
    try {
      for (let cursor = this.cursor(consumer); cursor !== undefined; cursor = this.cursor(consumer)) {
        const events = storedEvents(this.sql, project, run, cursor.afterSeq, BATCH);
        if (events.length === 0) return this.setNextAt(consumer, null);
        for (const event of events) {
          if (!wantsEvent(subscription, event.type)) {
            this.advance(consumer, event.seq);
            continue;
          }
          const attempt = cursor.attempts + 1;
          const { status, error } = await postEvent(subscription, event, policy);
          const now = Date.now();
          const delivered = status !== null && status >= 200 && status < 300;
          const firstFailedAt = cursor.firstFailedAt ?? now;
          const gaveUp = !delivered && (attempt >= MAX_DELIVERY_ATTEMPTS || now - firstFailedAt >= MAX_RETRY_AGE_MS);
          recordSubscriptionDelivery("webhook", delivered ? "delivered" : gaveUp ? "gave_up" : "failed");
          log.push({ eventId: event.id, run: `${run.kind}/${run.id}`, attempt, status, error: error ?? (delivered ? null : `HTTP ${status}`), gaveUp, at: new Date(now).toISOString() });
          if (delivered || gaveUp) {
            if (gaveUp) console.error(`[outbox] ${subscription.name}: gave up on ${event.id} after ${attempt} attempts`);
            this.advance(consumer, event.seq);
            cursor = { afterSeq: event.seq, attempts: 0, firstFailedAt: null };
            continue;
          }
          this.sql.exec(
            "UPDATE run_outbox SET attempts = ?, first_failed_at = ?, next_at = ? WHERE consumer = ?",
            attempt,
            firstFailedAt,
            now + retryDelay(attempt),
            consumer,
          );
          return;
        }
      }
    } finally {
      if (log.length > 0) {
        await this.host
          .registry()
          .recordDeliveries(subscription.name, log)
          .catch((error: unknown) => {
            this.host.registryFailed();
            console.error(`[outbox] ${subscription.name}: could not log deliveries:`, error);
          });
      }
    }
  }

  /** Calls the signal scripts with each event; failures become `signal_failed` events (which are not signalled). */
  private async runSignals(project: string, run: RunRef): Promise<void> {
    for (let cursor = this.cursor(SIGNALS); cursor !== undefined; cursor = this.cursor(SIGNALS)) {
      const events = storedEvents(this.sql, project, run, cursor.afterSeq, BATCH);
      if (events.length === 0) return this.setNextAt(SIGNALS, null);
      for (const event of events) {
        if (event.type !== SIGNAL_FAILED) await this.signal(event);
        this.advance(SIGNALS, event.seq);
      }
    }
  }

  private async signal(event: RunEvent): Promise<void> {
    const failures = await this.signals!.deliver(event);
    recordSubscriptionDelivery("signal", "delivered", this.signals!.paths.length - failures.length);
    recordSubscriptionDelivery("signal", "failed", failures.length);
    for (const failure of failures) this.host.emit(SIGNAL_FAILED, { ...failure, event_id: event.id, event_type: event.type });
    // The new events are for the subscriptions, whose pass may be over.
    if (failures.length > 0) this.again = true;
  }

  private lastSeq(): number {
    return this.sql.exec<{ seq: number | null }>("SELECT MAX(seq) AS seq FROM run_events").one().seq ?? 0;
  }

  private cursor(consumer: string): Cursor | undefined {
    const row = this.sql
      .exec<{ after_seq: number; attempts: number; first_failed_at: number | null }>("SELECT after_seq, attempts, first_failed_at FROM run_outbox WHERE consumer = ?", consumer)
      .toArray()[0];
    return row === undefined ? undefined : { afterSeq: row.after_seq, attempts: row.attempts, firstFailedAt: row.first_failed_at };
  }

  private advance(consumer: string, seq: number): void {
    this.sql.exec("UPDATE run_outbox SET after_seq = ?, attempts = 0, first_failed_at = NULL WHERE consumer = ?", seq, consumer);
  }

  private setNextAt(consumer: string, at: number | null): void {
    this.sql.exec("UPDATE run_outbox SET next_at = ? WHERE consumer = ?", at, consumer);
  }
}
