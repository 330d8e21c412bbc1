import { DurableObject } from "cloudflare:workers";
import { FigureTable, type HistogramFigures, type MetricFigures } from "../metrics/figures";
import { metrics, type MetricsSink } from "../metrics/recorder";

export interface MetricsEnv {
  readonly METRICS: DurableObjectNamespace<Metrics>;
}

/** Who is scraping: the admin (the Worker checked the token), or the holder of a scrape token, by its hash. */
export type ScrapeAccess = { readonly admin: true } | { readonly tokenHash: string };

const SCHEMA = [
  "CREATE TABLE IF NOT EXISTS metric_values (series TEXT PRIMARY KEY, value REAL NOT NULL)",
  "CREATE TABLE IF NOT EXISTS metric_histograms (series TEXT PRIMARY KEY, buckets TEXT NOT NULL, sum REAL NOT NULL, count INTEGER NOT NULL)",
  "CREATE TABLE IF NOT EXISTS metric_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
];

const encoder = new TextEncoder();

/**
 * The runtime's one store of metrics (docs/operations.md): every producer (the Worker's isolates, the run objects,
 * the event brokers) sends it batches of increments and gauge deltas, and a scrape reads it alone, never the objects
 * the figures came from. The totals live in memory and in SQLite, so a restart keeps them; the scrape token's hash
 * is kept here too.
 */
export class Metrics extends DurableObject<MetricsEnv> {
  private readonly sql = this.ctx.storage.sql;
  private tableRecord: FigureTable | undefined;

  constructor(ctx: DurableObjectState, env: MetricsEnv) {
    super(ctx, env);
    for (const statement of SCHEMA) this.sql.exec(statement);
  }

  add(batch: MetricFigures): void {
    const table = this.table();
    const changed = table.merge(batch);
    for (const key of changed.values) {
      this.sql.exec("INSERT INTO metric_values (series, value) VALUES (?, ?) ON CONFLICT (series) DO UPDATE SET value = excluded.value", key, table.values.get(key)!);
    }
    for (const key of changed.histograms) {
      const series = table.histograms.get(key)!;
      this.sql.exec(
        "INSERT INTO metric_histograms (series, buckets, sum, count) VALUES (?, ?, ?, ?) ON CONFLICT (series) DO UPDATE SET buckets = excluded.buckets, sum = excluded.sum, count = excluded.count",
        key,
        JSON.stringify(series.buckets),
        series.sum,
        series.count,
      );
    }
  }

  /**
   * Every total, after adding the scraping isolate's unsent batch; undefined, with nothing added, when the scrape
   * token does not match.
   */
  scrape(access: ScrapeAccess, pending: MetricFigures | undefined): MetricFigures | undefined {
    if (!("admin" in access) && !this.scrapeTokenMatches(access.tokenHash)) return undefined;
    if (pending !== undefined) this.add(pending);
    return this.table().figures();
  }

  /** Replaces the scrape token: the previous one stops working at once. Only its hash is stored. */
  rotateScrapeToken(tokenHash: string): void {
    this.sql.exec("INSERT INTO metric_settings (key, value) VALUES ('scrape_token_hash', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", tokenHash);
  }

  private scrapeTokenMatches(tokenHash: string): boolean {
    const stored = this.sql.exec<{ value: string }>("SELECT value FROM metric_settings WHERE key = 'scrape_token_hash'").toArray()[0]?.value;
    if (stored === undefined) return false;
    const [a, b] = [encoder.encode(stored), encoder.encode(tokenHash)];
    return a.byteLength === b.byteLength && crypto.subtle.timingSafeEqual(a, b);
  }

  private table(): FigureTable {
    if (this.tableRecord !== undefined) return this.tableRecord;
    const table = new FigureTable();
    for (const row of this.sql.exec<{ series: string; value: number }>("SELECT series, value FROM metric_values")) table.values.set(row.series, row.value);
    for (const row of this.sql.exec<{ series: string; buckets: string; sum: number; count: number }>("SELECT series, buckets, sum, count FROM metric_histograms")) {
      const series: HistogramFigures = { buckets: JSON.parse(row.buckets) as number[], sum: row.sum, count: row.count };
      table.histograms.set(row.series, series);
    }
    this.tableRecord = table;
    return table;
  }
}

/** The one Metrics object. */
export function metricsObject(env: MetricsEnv): DurableObjectStub<Metrics> {
  return env.METRICS.get(env.METRICS.idFromName("metrics"));
}

function metricsSink(env: MetricsEnv): MetricsSink {
  return async (batch) => {
    await metricsObject(env).add(batch);
  };
}

/**
 * Sends the isolate's batch in the background, coalesced (metrics/recorder.ts). A Worker passes its waitUntil; a
 * Durable Object needs nothing, its timers run while it lives.
 */
export function flushMetricsSoon(env: MetricsEnv, keepAlive?: (work: Promise<void>) => void): void {
  // A request's keepAlive (waitUntil) must not wait: see MetricsRecorder.flushSoon.
  const work = metrics.flushSoon(metricsSink(env), keepAlive === undefined);
  if (work !== undefined) keepAlive?.(work);
}
