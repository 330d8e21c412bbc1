import type { MetricDef } from "./catalog";
import { FigureTable, seriesKey, type MetricFigures } from "./figures";

/** Sends a batch to where the figures are summed (the Metrics Durable Object). */
export type MetricsSink = (batch: MetricFigures) => Promise<void>;

/** A producer sends at most once per interval... */
const FLUSH_INTERVAL_MS = 1000;
/** ...unless its batch has grown to this many series. */
const LARGE_BATCH_SERIES = 500;
/** A scheduled flush not done after this long is taken for lost (its request context ended) and scheduled again. */
const STALE_FLUSH_MS = 10_000;

/**
 * The isolate's unsent figures. Recording is an in-memory increment; flushSoon() sends the batch in the background,
 * coalesced, so the hot path never awaits anything. A failed send puts its figures back for the next one.
 */
export class MetricsRecorder {
  private batch = new FigureTable();
  private scheduledAt: number | undefined;
  private lastSentAt = 0;

  /** Adds to a counter, or shifts a gauge by `by` (gauges are kept as deltas and summed where they are stored). */
  add(metric: MetricDef, labels: readonly string[], by = 1): void {
    this.batch.add(seriesKey(metric, labels), by);
  }

  observe(metric: MetricDef, labels: readonly string[], value: number): void {
    this.batch.observe(seriesKey(metric, labels), metric.buckets!, value);
  }

  /** Takes the whole batch (a scrape carries it along), or undefined when nothing is buffered. */
  take(): MetricFigures | undefined {
    if (this.batch.size === 0) return undefined;
    const figures = this.batch.figures();
    this.batch = new FigureTable();
    return figures;
  }

  /** Puts figures back, after a send of them failed. */
  restore(figures: MetricFigures): void {
    this.batch.merge(figures);
  }

  /**
   * Sends the batch once FLUSH_INTERVAL_MS has passed since the last send (at once when it is large). Answers the
   * work for the caller to keep alive (waitUntil), or undefined when a send is already scheduled or nothing is buffered.
   * `mayWait: false` sends only a batch that is due now and never waits for one: a Worker request's waitUntil that
   * waits holds back the next request on its keep-alive connection (seen as 1 s stalls in bench:hooks); what is not
   * due goes with a later request's send, or with a scrape.
   */
  flushSoon(sink: MetricsSink, mayWait = true): Promise<void> | undefined {
    if (this.batch.size === 0) return undefined;
    const now = Date.now();
    const large = this.batch.size >= LARGE_BATCH_SERIES;
    if (!large && this.scheduledAt !== undefined && now - this.scheduledAt < STALE_FLUSH_MS) return undefined;
    const wait = large ? 0 : Math.max(0, this.lastSentAt + FLUSH_INTERVAL_MS - now);
    if (wait > 0 && !mayWait) return undefined;
    this.scheduledAt = now;
    return (async () => {
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      this.scheduledAt = undefined;
      await this.send(sink);
    })();
  }

  private async send(sink: MetricsSink): Promise<void> {
    const batch = this.take();
    if (batch === undefined) return;
    this.lastSentAt = Date.now();
    try {
      await sink(batch);
    } catch (error) {
      this.restore(batch);
      console.error("[metrics] could not send a batch; kept for the next flush:", error);
    }
  }
}

/** The isolate's one recorder: the Worker and the Durable Objects an isolate hosts share it. */
export const metrics = new MetricsRecorder();
