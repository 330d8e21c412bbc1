import { DeliveryLog } from "./run-deliveries";
import { DurableObject } from "cloudflare:workers";
import type { RunHost, WorkItem } from "../engine/run-host";
import { recordAlarmLag, recordPendingWaits, recordResume, recordRunState, type Dialect } from "../metrics/record";
import type { Limits } from "../sandbox";
import { EventOutbox } from "./event-outbox";
import type { EventBrokersEnv } from "./event-shards";
import { flushMetricsSoon, type MetricsEnv } from "./metrics-object";
import type { ProjectRegistry } from "./project-registry";
import type { RunRef } from "./run-event";
import type { SubscriptionSnapshot } from "./subscriptions";
import { RunQueue } from "./run-queue";
import type { PinnedScripts } from "./run-scripts";

export interface RunEnv extends EventBrokersEnv, MetricsEnv {
  readonly PROJECTS: DurableObjectNamespace<ProjectRegistry>;
}

/** What the Worker hands a new run: who owns it, the scripts it pins and its limits. */
export interface RunIdentity {
  readonly project: string;
  /** The origin the run's signed links carry: the project's `publicOrigin`, else the one the run was started at. */
  readonly origin?: string;
  readonly scripts: PinnedScripts;
  readonly limits: Limits;
}

/** Refusals come back as data: errors do not keep their class across RPC. */
export type Answer<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly status: 404 | 409; readonly code: string; readonly message: string };

export function notFound<T>(message = "no such run"): Answer<T> {
  return { ok: false, status: 404, code: "not_found", message };
}

const META_SCHEMA = "CREATE TABLE IF NOT EXISTS run_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)";

/** What the metrics' gauges last counted of this run (kept in run_meta, so a restarted object neither counts it twice nor drops it). */
interface Metered {
  readonly state?: string;
  readonly pendingWaits: number;
}

/** A work item that keeps failing is dropped after this many attempts (logged), rather than block the run. */
const MAX_ATTEMPTS = 3;
/** How long a run object keeps the project's signing secret before asking again (a rotation's reach). */
const LINK_SECRET_TTL_MS = 5_000;

/** While work is queued the alarm stays at most this far ahead, so a restart mid-drain resumes the queue. */
const WATCHDOG_MS = 1000;
/** Work items an operator call runs before it answers (see kick). */
const INLINE_ITEMS = 4;
/** The longest a stream's read waits here for a new event (the Worker sends a heartbeat when it answers empty). */
const MAX_EVENT_WAIT_MS = 30_000;

/**
 * What every run's Durable Object does whatever its dialect: it keeps the run's identity, implements the run host
 * of engine/run-host.ts over SQLite (a persisted work queue whose delayed items are the run's timers, and an
 * ordered event log), drains the queue one item at a time, and multiplexes the timers on the object's one alarm.
 * A dialect's object extends it with its engine's runtime and RPC methods.
 */
export abstract class RunObject extends DurableObject<RunEnv> {
  protected readonly queue = new RunQueue(this.ctx.storage.sql);
  /** What the run's signed links answered, so a repeated delivery is answered alike and changes nothing. */
  protected readonly deliveries = new DeliveryLog(this.ctx.storage.sql);
  private draining = false;
  private alarmAt: number | null | undefined;
  private identityRecord: RunIdentity | undefined;
  private meteredRecord: Metered | undefined;
  /** When a resume from outside arrived, until the work it caused has been written (the resume latency metric). */
  private resumeArrivedAt: number | undefined;
  /** The run's subscriptions' webhooks and signal scripts, fed from the event log after each drain. */
  private readonly outbox = new EventOutbox(this.ctx.storage.sql, {
    run: () => this.runRef(),
    identity: () => this.identity(),
    registry: () => this.registry(),
    registryFailed: () => {
      this.registryStub = undefined;
    },
    emit: (type, data) => {
      this.queue.appendEvent(type, data, Date.now());
      this.flush();
    },
    rearm: () => this.armAlarm(),
  });

  constructor(ctx: DurableObjectState, env: RunEnv) {
    super(ctx, env);
    ctx.storage.sql.exec(META_SCHEMA);
  }

  /** Which engine the run is, as the metrics label it. */
  protected abstract readonly dialect: Dialect;

  /** Runs one queued item of the dialect; `recovering` when a restart interrupted an earlier attempt. */
  protected abstract runWork(item: WorkItem, recovering: boolean): Promise<void>;

  /** Which run this is, once it exists (names the run in the events it sends out). */
  protected abstract runRef(): RunRef | undefined;

  /**
   * Writes out what is buffered (events; a dialect's store adds its own): before anything that may let the storage
   * batch commit, so a commit never holds half a step.
   */
  protected flush(): void {
    this.queue.flushEvents();
    this.wakeEventWaiters();
  }

  /** The pending reads of waitEvents, woken by every flush and at the end of a drain (each re-reads the log). */
  private readonly eventWaiters = new Set<() => void>();

  private wakeEventWaiters(): void {
    for (const wake of this.eventWaiters) wake();
  }

  /** Called after the queue has drained (a dialect reports its run's state from here). */
  protected async afterDrain(): Promise<void> {}

  /** Whether the run has reached a final state: no event follows once those already logged are read. */
  protected abstract ended(): boolean;

  /** The run's engine event log, in order. */
  events(after: number, limit: number): Answer<{ events: unknown[]; next: number | null }> {
    if (this.identity() === undefined) return notFound();
    const events = this.queue.events(after, limit);
    return { ok: true, value: { events, next: events.length === limit ? events.at(-1)!.seq : null } };
  }

  /**
   * A page of the event log for a stream (worker/event-stream.ts): at once when there are events after `after` or the
   * run has ended, else as soon as one is written, or empty after `waitMs`. `ended` says the page holds the run's
   * last events. The wait is a promise woken by flush() in this object, so a stream learns of an event without polling.
   */
  async waitEvents(after: number, limit: number, waitMs: number): Promise<Answer<{ events: unknown[]; ended: boolean }>> {
    const deadline = Date.now() + Math.min(waitMs, MAX_EVENT_WAIT_MS);
    for (;;) {
      if (this.identity() === undefined) return notFound();
      // Mid-drain a final state may be stored before the step's last events are emitted: the run has ended only
      // once no work is running or due (the end of a drain wakes the waiters again).
      const due = this.queue.earliestDue();
      const ended = !this.draining && (due === undefined || due > Date.now()) && this.ended();
      const events = this.queue.events(after, limit);
      if (events.length > 0 || ended || Date.now() >= deadline) return { ok: true, value: { events, ended: ended && events.length < limit } };
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.eventWaiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, deadline - Date.now());
        this.eventWaiters.add(wake);
      });
    }
  }

  override async alarm(): Promise<void> {
    this.recordAlarmLag();
    this.alarmAt = undefined;
    if (this.draining) {
      // A long drain is still going: keep a watchdog alarm in case this instance dies before it ends.
      await this.ctx.storage.setAlarm(Date.now() + WATCHDOG_MS);
      return;
    }
    await this.drain();
    await this.outbox.pump();
    flushMetricsSoon(this.env);
  }

  /** How late this alarm is against the time it was set for (after a restart: the earliest due work or delivery). */
  private recordAlarmLag(): void {
    const due = this.alarmAt ?? this.earliestDue();
    if (due !== undefined && due !== null) recordAlarmLag(this.dialect, Math.max(0, Date.now() - due) / 1000);
  }

  /**
   * Counts the run's state and its waiting nodes in the metrics, as changes since what was last counted; a state of
   * undefined takes the run out of the gauges (a deleted execution).
   */
  protected meterRun(state: string | undefined, pendingWaits: number): void {
    const last = this.metered();
    if (state === last.state && pendingWaits === last.pendingWaits) return;
    if (state !== last.state) recordRunState(this.dialect, last.state, state);
    if (pendingWaits !== last.pendingWaits) recordPendingWaits(this.dialect, pendingWaits - last.pendingWaits);
    this.meteredRecord = state === undefined ? { pendingWaits } : { state, pendingWaits };
    this.ctx.storage.sql.exec("INSERT INTO run_meta (key, value) VALUES ('metered', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", JSON.stringify(this.meteredRecord));
    flushMetricsSoon(this.env);
  }

  private metered(): Metered {
    if (this.meteredRecord !== undefined) return this.meteredRecord;
    const row = this.ctx.storage.sql.exec<{ value: string }>("SELECT value FROM run_meta WHERE key = 'metered'").toArray()[0];
    this.meteredRecord = row === undefined ? { pendingWaits: 0 } : (JSON.parse(row.value) as Metered);
    return this.meteredRecord;
  }

  /** A resume from outside arrived: the next work item written ends its latency (see drain). */
  protected markResumeArrived(): void {
    this.resumeArrivedAt ??= Date.now();
  }

  protected identity(): RunIdentity | undefined {
    if (this.identityRecord !== undefined) return this.identityRecord;
    const row = this.ctx.storage.sql.exec<{ value: string }>("SELECT value FROM run_meta WHERE key = 'identity'").toArray()[0];
    this.identityRecord = row === undefined ? undefined : (JSON.parse(row.value) as RunIdentity);
    return this.identityRecord;
  }

  protected saveIdentity(identity: RunIdentity): void {
    this.ctx.storage.sql.exec("INSERT INTO run_meta (key, value) VALUES ('identity', ?)", JSON.stringify(identity));
    this.identityRecord = identity;
  }

  /** Cleared when a call through it fails: a stub that threw fails every later call. */
  protected registryStub: DurableObjectStub<ProjectRegistry> | undefined;

  /** The project's registry object, through one stub: calls made on one stub are delivered in order. */
  protected registry(): DurableObjectStub<ProjectRegistry> {
    this.registryStub ??= this.env.PROJECTS.get(this.env.PROJECTS.idFromName(this.identity()!.project));
    return this.registryStub;
  }

  private linkSecretCache: { readonly secret: string; readonly fetchedAt: number } | undefined;

  /**
   * The project's current signing secret for the run's signed links, asked of the registry at most every few seconds:
   * a rotation reaches runs in flight, whose next links are then signed with the new secret.
   */
  protected async linkSecret(): Promise<string | undefined> {
    if (this.linkSecretCache !== undefined && Date.now() - this.linkSecretCache.fetchedAt < LINK_SECRET_TTL_MS) return this.linkSecretCache.secret;
    let secret: string | undefined;
    try {
      secret = await this.registry().signingSecret();
    } catch (error) {
      // The run goes on without fresh links rather than fail its step: the last secret, if any, still signs.
      this.registryStub = undefined;
      console.error("[run] could not read the project's signing secret:", error);
      return this.linkSecretCache?.secret;
    }
    this.linkSecretCache = secret === undefined ? undefined : { secret, fetchedAt: Date.now() };
    return secret;
  }

  /** The secret linkSecret() last fetched, for an engine that asks for a URL synchronously. */
  protected cachedLinkSecret(): string | undefined {
    return this.linkSecretCache?.secret;
  }

  /**
   * A call to the project's registry that also answers its subscriptions for the run's outbox (one call, not two):
   * `report` gets the subscriptions key the outbox knows.
   */
  protected reportAlong<T>(report: (knownSubscriptionsKey: string | undefined) => Promise<{ readonly value: T; readonly subscriptions: SubscriptionSnapshot | undefined }>): Promise<T> {
    return this.outbox.readAlong(report);
  }

  /** The run host the engines see. */
  protected readonly host: RunHost = {
    now: () => Date.now(),
    enqueue: (item: WorkItem, delayMs?: number) => this.queue.enqueue(item, Date.now() + (delayMs ?? 0)),
    cancel: (kind, key, value) => this.queue.cancel(kind, key, value),
    emit: (eventType, data) => this.queue.appendEvent(eventType, data, Date.now()),
    newId: (prefix) => prefix + crypto.randomUUID().replaceAll("-", ""),
    background: (task) => {
      task()
        .then(
          (item) => {
            if (item !== undefined) this.queue.enqueue(item, Date.now());
          },
          (error: unknown) => console.error(`[run ${this.ctx.id}] background task failed:`, error),
        )
        .finally(() => this.kick());
    },
  };

  /**
   * Ends a call that changed the run: writes out buffered events, then starts draining after the call has answered
   * (bamboo's operations return before their work runs).
   */
  protected kick(inline = false): void {
    this.flush();
    void this.armAlarm();
    if (this.draining) return;
    // Inline, the first few items run before the call answers, in its storage batch: a resume reaches the next
    // node without waiting for another commit. The rest, and everything after a start, runs after the answer.
    if (inline) void this.drain(INLINE_ITEMS);
    else setTimeout(() => void this.drain(), 0);
  }

  private async drain(maxItems = Number.POSITIVE_INFINITY): Promise<void> {
    if (this.draining || this.identity() === undefined) return;
    this.draining = true;
    let items = 0;
    try {
      for (let work = this.queue.take(Date.now()); work !== undefined; work = items < maxItems ? this.queue.take(Date.now()) : undefined) {
        items++;
        try {
          await this.runWork(work.item, work.attempts > 0);
        } catch (error) {
          console.error(`[run ${this.ctx.id}] ${work.item.kind} ${JSON.stringify(work.item.args)} failed (attempt ${work.attempts + 1}):`, error);
          if (work.attempts + 1 < MAX_ATTEMPTS) this.queue.enqueue(work.item, Date.now() + 1000 * (work.attempts + 1));
        }
        this.flush();
        this.queue.done(work.id);
        if (this.resumeArrivedAt !== undefined) {
          recordResume(this.dialect, (Date.now() - this.resumeArrivedAt) / 1000);
          this.resumeArrivedAt = undefined;
        }
      }
    } finally {
      // A resume that caused no work has nothing to measure.
      this.resumeArrivedAt = undefined;
      this.draining = false;
      this.wakeEventWaiters();
      if (items >= maxItems) setTimeout(() => void this.drain(), 0);
      await this.armAlarm();
    }
    await this.afterDrain();
    flushMetricsSoon(this.env);
    // The deliveries the pump makes are sent with the batch after it.
    void this.outbox.pump().then(() => flushMetricsSoon(this.env));
  }

  /** When the earliest queued item or outgoing delivery is due. */
  private earliestDue(): number | undefined {
    const work = this.queue.earliestDue();
    const delivery = this.outbox.nextDue();
    return work === undefined ? delivery : delivery === undefined ? work : Math.min(work, delivery);
  }

  /** Sets the one alarm to the earliest queued item (now-due work gets a watchdog a moment ahead). */
  private async armAlarm(): Promise<void> {
    const due = this.earliestDue();
    const at = due === undefined ? null : Math.max(due, this.draining ? Date.now() + WATCHDOG_MS : due);
    if (at === this.alarmAt) return;
    this.alarmAt = at;
    if (at === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(at);
  }
}
