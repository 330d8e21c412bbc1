import { env, SELF } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import { metricsObject } from "../../durable/metrics-object";
import type { Bindings } from "../../worker/env";
import { V2_BODY } from "../fixtures/fireboom";
import { parseBody } from "../fixtures/http";
import { ADMIN, api, newProject, uploadOk } from "./helpers";
import { node, pipeline, pipelineProject, run, runId, waitFor as waitForRun } from "./pipeline-harness";
import { execute, postSigned, saveWorkflow, settled, waitFor as waitForExecution, workflowProject } from "./workflow-harness";

/**
 * GET /metrics (docs/operations.md): Prometheus text that a strict reading of the 0.0.4 grammar accepts, counters
 * that move with the calls made, and its auth (the admin token or the rotating scrape token, else 401).
 */

interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

function parseValue(text: string, line: string): number {
  if (text === "NaN") return Number.NaN;
  if (text === "+Inf") return Number.POSITIVE_INFINITY;
  if (text === "-Inf") return Number.NEGATIVE_INFINITY;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`not a sample value: ${JSON.stringify(line)}`);
  return Number(text);
}

/** `{a="x",b="y"}` at the start of `text`: the labels and where they end. Only \\, \" and \n are escapes. */
function parseLabels(text: string, line: string): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  let i = 1;
  const fail = (why: string) => new Error(`${why}: ${JSON.stringify(line)}`);
  while (text[i] !== "}") {
    const eq = text.indexOf("=", i);
    if (eq < 0) throw fail("a label without =");
    const name = text.slice(i, eq);
    if (!LABEL_NAME.test(name) || name in labels) throw fail(`bad or repeated label name ${name}`);
    if (text[eq + 1] !== '"') throw fail("an unquoted label value");
    let value = "";
    let j = eq + 2;
    for (; text[j] !== '"'; j++) {
      if (j >= text.length || text[j] === "\n") throw fail("an unterminated label value");
      if (text[j] === "\\") {
        const escaped = text[++j];
        if (escaped === "\\" || escaped === '"') value += escaped;
        else if (escaped === "n") value += "\n";
        else throw fail("a bad escape in a label value");
      } else value += text[j];
    }
    labels[name] = value;
    i = j + 1;
    if (text[i] === ",") i++;
    else if (text[i] !== "}") throw fail("labels not separated by commas");
  }
  return { labels, end: i + 1 };
}

/**
 * A strict reading of the text format 0.0.4: HELP and TYPE lines, samples `name{labels} value [timestamp]`, a TYPE at
 * most once per family and before its samples, each family's lines together, the text ending in a newline; histograms
 * with cumulative buckets ending in le="+Inf" equal to _count, and a _sum.
 */
function parseExposition(text: string): Sample[] {
  if (!text.endsWith("\n")) throw new Error("the exposition does not end with a newline");
  const types = new Map<string, string>();
  const closed = new Set<string>();
  let current: string | undefined;
  const samples: Sample[] = [];
  const familyOf = (name: string) => {
    for (const suffix of ["_bucket", "_sum", "_count"]) {
      const base = name.slice(0, -suffix.length);
      if (name.endsWith(suffix) && types.get(base) === "histogram") return base;
    }
    return name;
  };
  const enter = (family: string, line: string) => {
    if (family === current) return;
    if (closed.has(family)) throw new Error(`family ${family} is split: ${JSON.stringify(line)}`);
    if (current !== undefined) closed.add(current);
    current = family;
  };
  for (const line of text.slice(0, -1).split("\n")) {
    if (line.startsWith("#")) {
      const match = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
      if (match === null) throw new Error(`an unexpected comment: ${JSON.stringify(line)}`);
      const [, keyword, name, rest] = match as unknown as [string, string, string, string];
      if (!METRIC_NAME.test(name)) throw new Error(`a bad metric name: ${JSON.stringify(line)}`);
      enter(name, line);
      if (keyword === "TYPE") {
        if (!TYPES.has(rest) || types.has(name)) throw new Error(`a bad or repeated TYPE: ${JSON.stringify(line)}`);
        if (samples.some((s) => familyOf(s.name) === name)) throw new Error(`TYPE after samples: ${JSON.stringify(line)}`);
        types.set(name, rest);
      } else if (/\\[^\\n]/.test(rest.replaceAll("\\\\", ""))) throw new Error(`a bad escape in HELP: ${JSON.stringify(line)}`);
      continue;
    }
    const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0];
    if (name === undefined) throw new Error(`not a sample: ${JSON.stringify(line)}`);
    let rest = line.slice(name.length);
    let labels: Record<string, string> = {};
    if (rest.startsWith("{")) {
      const parsed = parseLabels(rest, line);
      labels = parsed.labels;
      rest = rest.slice(parsed.end);
    }
    const fields = /^ (\S+)(?: (-?\d+))?$/.exec(rest);
    if (fields === null) throw new Error(`a bad sample: ${JSON.stringify(line)}`);
    enter(familyOf(name), line);
    samples.push({ name, labels, value: parseValue(fields[1]!, line) });
  }
  for (const [family, type] of types) if (type === "histogram") checkHistogram(family, samples);
  return samples;
}

function checkHistogram(family: string, samples: readonly Sample[]): void {
  const seriesOf = (labels: Readonly<Record<string, string>>) => JSON.stringify(Object.entries(labels).filter(([k]) => k !== "le").sort());
  const buckets = new Map<string, Sample[]>();
  for (const sample of samples.filter((s) => s.name === `${family}_bucket`)) {
    expect(sample.labels.le, `${family} bucket without le`).toBeDefined();
    const key = seriesOf(sample.labels);
    buckets.set(key, [...(buckets.get(key) ?? []), sample]);
  }
  for (const [key, series] of buckets) {
    const bounds = series.map((s) => parseValue(s.labels.le!, s.labels.le!));
    expect(bounds, `${family} buckets in order`).toEqual([...bounds].sort((a, b) => a - b));
    expect(bounds.at(-1)).toBe(Number.POSITIVE_INFINITY);
    const counts = series.map((s) => s.value);
    expect(counts, `${family} buckets cumulative`).toEqual([...counts].sort((a, b) => a - b));
    const count = samples.find((s) => s.name === `${family}_count` && seriesOf(s.labels) === key);
    expect(count?.value, `${family}_count of ${key}`).toBe(counts.at(-1));
    expect(samples.some((s) => s.name === `${family}_sum` && seriesOf(s.labels) === key), `${family}_sum of ${key}`).toBe(true);
  }
}

async function scrape(token: string | null = ADMIN): Promise<{ status: number; contentType: string | null; text: string }> {
  const response = await SELF.fetch("https://hookflow.test/metrics", { headers: token === null ? {} : { Authorization: `Bearer ${token}` } });
  return { status: response.status, contentType: response.headers.get("Content-Type"), text: await response.text() };
}

/** The value of the one sample named `name` with (at least) these labels; 0 when there is none. */
function valueOf(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number {
  const matching = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  expect(matching.length, `${name} ${JSON.stringify(labels)}`).toBeLessThanOrEqual(1);
  return matching[0]?.value ?? 0;
}

async function samples(): Promise<Sample[]> {
  const reply = await scrape();
  expect(reply.status).toBe(200);
  return parseExposition(reply.text);
}

/** Scrapes until `done` holds: run objects send their figures in the background, within about a second. */
async function samplesUntil(done: (s: Sample[]) => boolean, timeoutMs = 15_000): Promise<Sample[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await samples();
    if (done(got)) return got;
    if (Date.now() > deadline) throw new Error(`metrics never got there:\n${got.map((s) => `${s.name} ${JSON.stringify(s.labels)} ${s.value}`).join("\n")}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function postHook(url: string, body: unknown) {
  const response = await SELF.fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  return { status: response.status, body: parseBody(await response.text()) as any };
}

/** A Fireboom function call's payload (spec vector 2). */
const FUNCTION_BODY = V2_BODY;

describe("GET /metrics: auth", () => {
  it("answers 401 JSON without a token, with a wrong one, and with a project key; the admin token gets the text format", async () => {
    const { apiKey } = await newProject("mauth");
    for (const token of [null, "wrong", apiKey]) {
      const reply = await scrape(token);
      expect(reply.status).toBe(401);
      expect(JSON.parse(reply.text).error.code).toBe("unauthorized");
    }
    const admin = await scrape();
    expect(admin.status).toBe(200);
    expect(admin.contentType).toBe("text/plain; version=0.0.4");
    const parsed = parseExposition(admin.text);
    expect(admin.text).toContain("# TYPE hookflow_hook_calls_total counter\n");
    expect(admin.text).toContain("# TYPE hookflow_runs gauge\n");
    expect(admin.text).toContain("# TYPE hookflow_alarm_lag_seconds histogram\n");
    expect(Array.isArray(parsed)).toBe(true);
  });

  it("a scrape token (admin only) works until the next rotation", async () => {
    const { apiKey } = await newProject("mtok");
    const refused = await api("POST", "/v1/metrics/scrape-token", { token: apiKey });
    expect(refused.status).toBe(403);
    expect((await api("POST", "/v1/metrics/scrape-token", { token: null })).status).toBe(401);
    const first = await api("POST", "/v1/metrics/scrape-token");
    expect(first.status).toBe(201);
    expect(first.body.token).toMatch(/^hm_[A-Za-z0-9_-]{32}$/);
    const viaFirst = await scrape(first.body.token);
    expect(viaFirst.status).toBe(200);
    parseExposition(viaFirst.text);

    const second = await api("POST", "/v1/metrics/scrape-token");
    expect(second.status).toBe(201);
    expect(second.body.token).not.toBe(first.body.token);
    expect((await scrape(first.body.token)).status).toBe(401);
    expect((await scrape(second.body.token)).status).toBe(200);
  });

  it("a refused scrape adds nothing: the scraping isolate's figures are written only for a scrape that is let in", async () => {
    const metrics = metricsObject(env as unknown as Bindings);
    const series = ["hookflow_hook_calls_total", `refused-${Date.now().toString(36)}`, "function", "ok"].join("\u001f");
    const pending = { values: { [series]: 1 }, histograms: {} };
    expect(await metrics.scrape({ tokenHash: "not-the-token" }, pending)).toBeUndefined();
    expect((await metrics.scrape({ admin: true }, undefined))!.values[series]).toBeUndefined();
    expect((await metrics.scrape({ admin: true }, pending))!.values[series]).toBe(1);
  });

  it("is in /openapi.json", async () => {
    const reply = await api("GET", "/openapi.json");
    expect(Object.keys(reply.body.paths)).toEqual(expect.arrayContaining(["/metrics", "/v1/metrics/scrape-token"]));
  });
});

describe("GET /metrics: counters move with the calls made", () => {
  it("counts hook calls by kind and outcome, with their latency, and a CPU breach", async () => {
    const { project, fireboomBaseUrl } = await newProject("mhook");
    await uploadOk(project, "function/ok", "export default () => ({ data: 1 });");
    await uploadOk(project, "function/boom", 'export default () => { throw new Error("no"); };');
    await uploadOk(project, "function/spin", "export default () => { for (;;) {} };");
    expect((await api("PATCH", `/v1/projects/${project}`, { json: { limits: { cpuMs: 20 } } })).status).toBe(200);

    expect((await postHook(`${fireboomBaseUrl}/function/ok`, FUNCTION_BODY)).status).toBe(200);
    expect((await postHook(`${fireboomBaseUrl}/function/ok`, FUNCTION_BODY)).status).toBe(200);
    expect((await postHook(`${fireboomBaseUrl}/function/boom`, FUNCTION_BODY)).status).toBe(500);
    const spun = await postHook(`${fireboomBaseUrl}/function/spin`, FUNCTION_BODY);
    expect(spun.status).toBe(500);

    const got = await samples();
    const calls = (outcome: string) => valueOf(got, "hookflow_hook_calls_total", { project, kind: "function", outcome });
    expect([calls("ok"), calls("script_error"), calls("cpu_budget_exceeded")]).toEqual([2, 1, 1]);
    expect(valueOf(got, "hookflow_hook_duration_seconds_count", { project, kind: "function" })).toBe(4);
    expect(valueOf(got, "hookflow_hook_duration_seconds_bucket", { project, kind: "function", le: "+Inf" })).toBe(4);
    expect(valueOf(got, "hookflow_sandbox_breaches_total", { project, code: "cpu_budget_exceeded" })).toBe(1);
    expect(valueOf(got, "hookflow_sandbox_breaches_total", { project, code: "script_error" })).toBe(0);
    expect(valueOf(got, "hookflow_sandbox_breach_cpu_ms_total", { project, code: "cpu_budget_exceeded" })).toBeGreaterThan(0);
  });

  it("sends a producer's figures to the Metrics object with a later request once a send is due, without a scrape", async () => {
    const { project, fireboomBaseUrl } = await newProject("mflush");
    await uploadOk(project, "function/ok", "export default () => ({ data: 1 });");
    expect((await postHook(`${fireboomBaseUrl}/function/ok`, FUNCTION_BODY)).status).toBe(200);
    const series = ["hookflow_hook_calls_total", project, "function", "ok"].join("\u001f");
    const deadline = Date.now() + 15_000;
    // Read the object itself (a scrape would carry this isolate's unsent figures along). A request never waits to
    // send (its waitUntil would hold its keep-alive connection), so other requests carry the figures once due.
    while ((await metricsObject(env as unknown as Bindings).scrape({ admin: true }, undefined))?.values[series] !== 1) {
      if (Date.now() > deadline) throw new Error("the figures never reached the Metrics object");
      await SELF.fetch("https://hookflow.test/healthz");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  it("counts a bamboo run resumed by its callback URL to FINISHED: transitions, states, waits and the resume latency", async () => {
    const before = await samples();
    const project = await pipelineProject();
    const P = runId("mcb");
    await run(project, pipeline({ id: P, flows: ["s -> C -> e"] }, { C: { code: "callback_node" } }));
    let detail: any;
    for (detail = await node(project, P, "C"); detail.callback_url === undefined; detail = await node(project, P, "C")) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await samplesUntil((s) => valueOf(s, "hookflow_pending_waits", { dialect: "bamboo" }) === valueOf(before, "hookflow_pending_waits", { dialect: "bamboo" }) + 1);
    expect((await postSigned(detail.callback_url, { bit: 1 })).status).toBe(202);
    await waitForRun(project, P, (x) => x.state === "FINISHED");

    const delta = (s: Sample[], name: string, labels: Record<string, string>) => valueOf(s, name, labels) - valueOf(before, name, labels);
    const after = await samplesUntil((s) => delta(s, "hookflow_run_transitions_total", { dialect: "bamboo", state: "FINISHED" }) === 1);
    expect(delta(after, "hookflow_run_transitions_total", { dialect: "bamboo", state: "RUNNING" })).toBe(1);
    expect(delta(after, "hookflow_runs", { dialect: "bamboo", state: "FINISHED" })).toBe(1);
    expect(delta(after, "hookflow_runs", { dialect: "bamboo", state: "RUNNING" })).toBe(0);
    expect(delta(after, "hookflow_pending_waits", { dialect: "bamboo" })).toBe(0);
    expect(delta(after, "hookflow_resume_latency_seconds_count", { dialect: "bamboo" })).toBe(1);
  });

  it("counts a NocoBase execution resumed by its resumeUrl to RESOLVED", async () => {
    const before = await samples();
    const project = await workflowProject();
    const key = await saveWorkflow(project, [{ key: "n1", type: "prompt" }, { key: "n2", type: "echo", upstream: "n1" }]);
    const { id } = await execute(project, key);
    const suspended = await waitForExecution(project, id, (x) => x.jobs.length === 1 && x.jobs[0].resumeUrl !== undefined);

    const delta = (s: Sample[], name: string, labels: Record<string, string>) => valueOf(s, name, labels) - valueOf(before, name, labels);
    await samplesUntil((s) => delta(s, "hookflow_pending_waits", { dialect: "nocobase" }) === 1 && delta(s, "hookflow_runs", { dialect: "nocobase", state: "STARTED" }) === 1);
    expect((await postSigned(suspended.jobs[0].resumeUrl, { result: "go" })).status).toBe(202);
    expect((await waitForExecution(project, id, settled)).status).toBe(1);

    const after = await samplesUntil((s) => delta(s, "hookflow_run_transitions_total", { dialect: "nocobase", state: "RESOLVED" }) === 1);
    expect(delta(after, "hookflow_runs", { dialect: "nocobase", state: "RESOLVED" })).toBe(1);
    expect(delta(after, "hookflow_runs", { dialect: "nocobase", state: "STARTED" })).toBe(0);
    expect(delta(after, "hookflow_pending_waits", { dialect: "nocobase" })).toBe(0);
    expect(delta(after, "hookflow_resume_latency_seconds_count", { dialect: "nocobase" })).toBe(1);
    parseExposition((await scrape()).text);
  });

  it("counts a correlated event's delivery, the alarm of a delay node and the events read as SSE", async () => {
    const before = await samples();
    const delta = (s: Sample[], name: string, labels: Record<string, string> = {}) => valueOf(s, name, labels) - valueOf(before, name, labels);
    const project = await workflowProject();
    const key = await saveWorkflow(project, [
      { key: "wait", type: "event", config: { name: "parcel", correlationKey: "k1" } },
      { key: "pause", type: "delay", upstream: "wait", config: { duration: 1, unit: 1000, endStatus: 1 } },
    ]);
    const { id } = await execute(project, key);
    await waitForExecution(project, id, (x) => x.jobs.length === 1);
    const sent = await api("POST", `/v1/projects/${project}/events`, { json: { name: "parcel", correlationKey: "k1", payload: 1 } });
    expect(sent.status).toBe(202);
    expect((await waitForExecution(project, id, settled)).status).toBe(1);

    const response = await SELF.fetch(`https://hookflow.test/v1/projects/${project}/executions/${id}/events`, {
      headers: { Authorization: `Bearer ${ADMIN}`, Accept: "text/event-stream" },
    });
    const streamed = (await response.text()).split("\n\n").filter((block) => block.startsWith("id: ")).length;
    expect(streamed).toBeGreaterThan(0);

    const after = await samplesUntil((s) => delta(s, "hookflow_alarm_lag_seconds_count", { dialect: "nocobase" }) >= 1 && delta(s, "hookflow_correlated_event_deliveries_total", { outcome: "resumed" }) === 1);
    expect(delta(after, "hookflow_correlated_events_total")).toBe(1);
    expect(delta(after, "hookflow_resume_latency_seconds_count", { dialect: "nocobase" })).toBe(1);
    expect(delta(after, "hookflow_sse_events_total")).toBe(streamed);
  });

  it("counts webhook deliveries (a failed attempt, then delivered) and a failing signal script", async () => {
    const before = await samples();
    const delta = (s: Sample[], name: string, labels: Record<string, string> = {}) => valueOf(s, name, labels) - valueOf(before, name, labels);
    const project = await pipelineProject();
    expect((await api("PATCH", `/v1/projects/${project}`, { json: { workflows: { allowPrivateNetwork: true } } })).status).toBe(200);
    const receiver = `${inject("requestMock").origin}/hooks/receive?key=metrics-${Date.now().toString(36)}&fail=1`;
    expect((await api("PUT", `/v1/projects/${project}/subscriptions/all`, { json: { url: receiver, events: ["*"] } })).status).toBe(201);
    await uploadOk(project, "signal/throws", 'export default function () { throw new Error("no thanks"); }\n');
    const P = runId("msub");
    await run(project, pipeline({ id: P, flows: ["s -> A -> e"] }));
    await waitForRun(project, P, (x) => x.state === "FINISHED");

    // Until every stored event (signal_failed ones too) was delivered and every engine event failed its signal script.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const events: { event_type: string }[] = (await api("GET", `/v1/projects/${project}/pipelines/${P}/events?limit=1000`)).body.events;
      const engineEvents = events.filter((e) => e.event_type !== "signal_failed").length;
      const got = await samples();
      const deliveries = (target: string, outcome: string) => delta(got, "hookflow_subscription_deliveries_total", { target, outcome });
      if (deliveries("webhook", "delivered") >= events.length && deliveries("signal", "failed") >= engineEvents && engineEvents > 0) {
        expect(deliveries("webhook", "failed")).toBeGreaterThanOrEqual(1);
        expect(deliveries("signal", "delivered")).toBe(0);
        break;
      }
      if (Date.now() > deadline) throw new Error(`deliveries never matched the ${events.length} events stored`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
});
