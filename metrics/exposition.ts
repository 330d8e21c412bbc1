import { CATALOG, type MetricDef } from "./catalog";
import { seriesParts, type HistogramFigures, type MetricFigures } from "./figures";

/** Prometheus text exposition format 0.0.4 (https://prometheus.io/docs/instrumenting/exposition_formats/). */
export const EXPOSITION_CONTENT_TYPE = "text/plain; version=0.0.4";

const escapeHelp = (text: string) => text.replaceAll("\\", "\\\\").replaceAll("\n", "\\n");
const escapeLabel = (value: string) => value.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");

function number(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(value);
}

function labelSet(names: readonly string[], values: readonly string[]): string {
  if (names.length === 0) return "";
  return `{${names.map((name, i) => `${name}="${escapeLabel(values[i] ?? "")}"`).join(",")}}`;
}

function histogramLines(metric: MetricDef, labels: readonly string[], series: HistogramFigures): string[] {
  const bounds = metric.buckets!;
  const lines: string[] = [];
  let cumulative = 0;
  for (const [i, bound] of [...bounds, Number.POSITIVE_INFINITY].entries()) {
    cumulative += series.buckets[i] ?? 0;
    lines.push(`${metric.name}_bucket${labelSet([...metric.labels, "le"], [...labels, number(bound)])} ${cumulative}`);
  }
  lines.push(`${metric.name}_sum${labelSet(metric.labels, labels)} ${number(series.sum)}`);
  lines.push(`${metric.name}_count${labelSet(metric.labels, labels)} ${series.count}`);
  return lines;
}

/** Series by metric name, each as its label values and figure. */
function groupByMetric<T>(series: Readonly<Record<string, T>>): Map<string, [string[], T][]> {
  const groups = new Map<string, [string[], T][]>();
  for (const [key, figure] of Object.entries(series)) {
    const { name, labels } = seriesParts(key);
    let group = groups.get(name);
    if (group === undefined) groups.set(name, (group = []));
    group.push([labels, figure]);
  }
  return groups;
}

/** The figures as exposition text: every catalog metric with HELP and TYPE, its series sorted by labels. */
export function exposition(figures: MetricFigures): string {
  const values = groupByMetric(figures.values);
  const histograms = groupByMetric(figures.histograms);
  const byLabels = (a: [string[], unknown], b: [string[], unknown]) => a[0].join("\u0000").localeCompare(b[0].join("\u0000"));
  const lines: string[] = [];
  for (const metric of CATALOG) {
    lines.push(`# HELP ${metric.name} ${escapeHelp(metric.help)}`, `# TYPE ${metric.name} ${metric.type}`);
    if (metric.type === "histogram") {
      for (const [labels, series] of (histograms.get(metric.name) ?? []).sort(byLabels)) lines.push(...histogramLines(metric, labels, series));
    } else {
      for (const [labels, value] of (values.get(metric.name) ?? []).sort(byLabels)) lines.push(`${metric.name}${labelSet(metric.labels, labels)} ${number(value)}`);
    }
  }
  return lines.join("\n") + "\n";
}
