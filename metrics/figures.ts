import type { MetricDef } from "./catalog";

/**
 * A series is named by its metric's name and its label values joined by SERIES_SEPARATOR (a control character no
 * project name or label word contains): building the key is one string concatenation on the hot path.
 */
export const SERIES_SEPARATOR = "\u001f";

export function seriesKey(metric: MetricDef, labels: readonly string[]): string {
  return labels.length === 0 ? metric.name : metric.name + SERIES_SEPARATOR + labels.join(SERIES_SEPARATOR);
}

export function seriesParts(key: string): { name: string; labels: string[] } {
  const [name, ...labels] = key.split(SERIES_SEPARATOR);
  return { name: name!, labels };
}

/** One histogram series: a count per bucket (not cumulative; the last one is above the highest bound), sum and count. */
export interface HistogramFigures {
  readonly buckets: number[];
  sum: number;
  count: number;
}

/**
 * Figures as plain data, for RPC: counter increments and gauge deltas (a batch) or their totals (a snapshot), and
 * histogram series. Adding a batch to a snapshot is the same operation for every type.
 */
export interface MetricFigures {
  readonly values: Record<string, number>;
  readonly histograms: Record<string, HistogramFigures>;
}

/** Series in memory, added to by recording or by merging other figures. */
export class FigureTable {
  readonly values = new Map<string, number>();
  readonly histograms = new Map<string, HistogramFigures>();

  get size(): number {
    return this.values.size + this.histograms.size;
  }

  add(key: string, by: number): void {
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }

  observe(key: string, bounds: readonly number[], value: number): void {
    let series = this.histograms.get(key);
    if (series === undefined) {
      series = { buckets: new Array<number>(bounds.length + 1).fill(0), sum: 0, count: 0 };
      this.histograms.set(key, series);
    }
    let bucket = 0;
    while (bucket < bounds.length && value > bounds[bucket]!) bucket++;
    series.buckets[bucket]!++;
    series.sum += value;
    series.count++;
  }

  /** Adds `figures` in; answers the keys it changed. */
  merge(figures: MetricFigures): { values: string[]; histograms: string[] } {
    for (const [key, by] of Object.entries(figures.values)) this.add(key, by);
    for (const [key, other] of Object.entries(figures.histograms)) {
      const series = this.histograms.get(key);
      if (series === undefined || series.buckets.length !== other.buckets.length) {
        this.histograms.set(key, { buckets: [...other.buckets], sum: other.sum, count: other.count });
        continue;
      }
      other.buckets.forEach((n, i) => (series.buckets[i]! += n));
      series.sum += other.sum;
      series.count += other.count;
    }
    return { values: Object.keys(figures.values), histograms: Object.keys(figures.histograms) };
  }

  figures(): MetricFigures {
    return { values: Object.fromEntries(this.values), histograms: Object.fromEntries(this.histograms) };
  }
}
