import { env, evictDurableObject } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import { DELIVERY_LOG_SIZE, type DeliveryAttempt } from "../../durable/subscriptions";
import { pipelineRunOf, registryOf, type Bindings } from "../../worker/env";
import { api, newProject, uploadOk } from "./helpers";
import { op, pipeline, pipelineProject, run, runId, waitFor as waitForPipeline, waitForSchedule } from "./pipeline-harness";
import { executionEvents, runToEnd, workflowProject } from "./workflow-harness";

/**
 * api.md "Events out": webhook subscriptions (signed, retried on the run's alarm, in order per run, at least once,
 * with a delivery log) and `signal/{name}` scripts, against the real HTTP receiver of test/global-setup.
 */

const { origin, port } = inject("requestMock");

interface Received {
  method: string;
  headers: Record<string, string>;
  body: string;
  answered: number;
}

interface StoredEvent {
  seq: number;
  event_type: string;
}

let keys = 0;
const receiverKey = (label: string) => `${label}-${Date.now().toString(36)}-${keys++}`;

async function received(key: string): Promise<Received[]> {
  return (await fetch(`${origin}/hooks/received?key=${key}`)).json();
}

/** Polls until `done` holds for what the receiver got under `key`; fails after `timeoutMs`. */
async function receivedUntil(key: string, done: (got: Received[]) => boolean, timeoutMs = 20_000): Promise<Received[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await received(key);
    if (done(got)) return got;
    if (Date.now() > deadline) throw new Error(`receiver ${key} got ${got.length} requests: ${JSON.stringify(got.map((r) => r.body))}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function pipelineEvents(project: string, id: string): Promise<StoredEvent[]> {
  const reply = await api("GET", `/v1/projects/${project}/pipelines/${id}/events?limit=1000`);
  if (reply.status !== 200) throw new Error(`events: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body.events;
}

/** The receiver's own check: sha256=<hex HMAC-SHA256 of the raw body under the secret>. */
async function signatureOf(secret: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body)));
  return `sha256=${Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** The distinct events delivered (answered 2xx or not), in the order they first arrived. */
function firstArrivals(got: Received[]): any[] {
  const seen = new Set<string>();
  const events = [];
  for (const request of got) {
    const event = JSON.parse(request.body);
    if (seen.has(event.id)) continue;
    seen.add(event.id);
    events.push(event);
  }
  return events;
}

async function subscribe(project: string, name: string, json: unknown) {
  return api("PUT", `/v1/projects/${project}/subscriptions/${name}`, { json });
}

async function openPipelineProject(): Promise<string> {
  const project = await pipelineProject();
  const patched = await api("PATCH", `/v1/projects/${project}`, { json: { workflows: { allowPrivateNetwork: true } } });
  expect(patched.status).toBe(200);
  return project;
}

describe("subscriptions", () => {
  it("a loopback receiver that fails its first attempts gets every event of a pipeline run, in order, signed", async () => {
    const project = await openPipelineProject();
    const key = receiverKey("bamboo");
    const created = await subscribe(project, "all", { url: `${origin}/hooks/receive?key=${key}&fail=3`, events: ["*"] });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ name: "all", secret: expect.stringMatching(/^whsec_[0-9a-f]{64}$/) });
    const secret: string = created.body.secret;

    const P = runId("sub");
    await run(project, pipeline({ id: P, flows: ["s -> A -> B -> e"] }));
    await waitForPipeline(project, P, (s) => s.state === "FINISHED");
    const stored = await pipelineEvents(project, P);
    expect(stored.length).toBeGreaterThan(3);

    const got = await receivedUntil(key, (requests) => requests.filter((r) => r.answered === 200).length >= stored.length);
    expect(got.slice(0, 3).map((r) => r.answered)).toEqual([500, 500, 500]);
    for (const request of got) {
      expect(request.method).toBe("POST");
      expect(request.headers["content-type"]).toBe("application/json");
      expect(request.headers["x-hookflow-signature"]).toBe(await signatureOf(secret, request.body));
      expect(request.headers["x-hookflow-event-id"]).toBe(JSON.parse(request.body).id);
    }
    // At least once: a retried event arrives again with the same id; deduplicated, the events are the run's, in order.
    const events = firstArrivals(got);
    expect(events.map((e) => e.seq)).toEqual(stored.map((e) => e.seq));
    expect(events.map((e) => e.type)).toEqual(stored.map((e) => e.event_type));
    expect(events[0]).toEqual({ id: `pipeline/${P}:${stored[0]!.seq}`, project, run: { kind: "pipeline", id: P }, seq: stored[0]!.seq, type: stored[0]!.event_type, data: expect.anything(), time: expect.any(String) });
    // Each event was answered 2xx exactly once: nothing was delivered again after it succeeded.
    const succeeded = got.filter((r) => r.answered === 200).map((r) => JSON.parse(r.body).id);
    expect(new Set(succeeded).size).toBe(succeeded.length);

    const log = await api("GET", `/v1/projects/${project}/subscriptions/all/deliveries`);
    expect(log.status).toBe(200);
    const first = events[0].id;
    const attempts = log.body.deliveries.filter((d: any) => d.eventId === first).reverse();
    expect(attempts.map((d: any) => [d.attempt, d.status, d.gaveUp])).toEqual([
      [1, 500, false],
      [2, 500, false],
      [3, 500, false],
      [4, 200, false],
    ]);
    expect(attempts[0]).toMatchObject({ run: `pipeline/${P}`, error: "HTTP 500", at: expect.any(String) });
    expect(attempts[3].error).toBeNull();
  });

  it("a subscription created while a run waits gets the events stored from then on", async () => {
    const project = await openPipelineProject();
    const P = runId("late");
    await run(project, pipeline({ id: P, flows: ["s -> C -> e"] }, { C: { code: "callback_node" } }));
    const detail = await waitForSchedule(project, P, "C");
    const before = (await pipelineEvents(project, P)).at(-1)!.seq;

    const key = receiverKey("late");
    expect((await subscribe(project, "late", { url: `${origin}/hooks/receive?key=${key}`, events: ["*"] })).status).toBe(201);
    expect((await op(project, P, "nodes/C/callback", { version: detail.state.version, data: {} })).status).toBe(200);
    await waitForPipeline(project, P, (s) => s.state === "FINISHED");
    const after = (await pipelineEvents(project, P)).filter((e) => e.seq > before);
    expect(after.length).toBeGreaterThan(0);

    const got = await receivedUntil(key, (requests) => requests.length >= after.length);
    expect(firstArrivals(got).map((e) => e.seq)).toEqual(after.map((e) => e.seq));
  });

  it("a run object evicted between retries still delivers every event (the outbox is in its storage)", async () => {
    const project = await openPipelineProject();
    const key = receiverKey("evict");
    expect((await subscribe(project, "all", { url: `${origin}/hooks/receive?key=${key}&fail=2`, events: ["*"] })).status).toBe(201);
    const P = runId("evict");
    await run(project, pipeline({ id: P, flows: ["s -> A -> e"] }));
    await waitForPipeline(project, P, (s) => s.state === "FINISHED");
    await receivedUntil(key, (requests) => requests.length >= 1);
    await evictDurableObject(pipelineRunOf(env as unknown as Bindings, project, P));

    const stored = await pipelineEvents(project, P);
    const got = await receivedUntil(key, (requests) => requests.filter((r) => r.answered === 200).length >= stored.length);
    expect(firstArrivals(got).map((e) => e.seq)).toEqual(stored.map((e) => e.seq));
  });

  it("the delivery log keeps the last attempts only", async () => {
    const { project } = await newProject("sub");
    expect((await subscribe(project, "s", { url: "https://example.com/x", events: ["*"] })).status).toBe(201);
    const attempts: DeliveryAttempt[] = Array.from({ length: DELIVERY_LOG_SIZE + 20 }, (_, i) => ({
      eventId: `pipeline/p:${i + 1}`,
      run: "pipeline/p",
      attempt: 1,
      status: 200,
      error: null,
      gaveUp: false,
      at: new Date().toISOString(),
    }));
    await registryOf(env as unknown as Bindings, project).recordDeliveries("s", attempts);
    const log = (await api("GET", `/v1/projects/${project}/subscriptions/s/deliveries`)).body.deliveries;
    expect(log).toHaveLength(DELIVERY_LOG_SIZE);
    expect(log[0].eventId).toBe(`pipeline/p:${DELIVERY_LOG_SIZE + 20}`);
    expect(log.at(-1).eventId).toBe("pipeline/p:21");
  });

  it("a NocoBase execution's matching events are delivered, and only those", async () => {
    const project = await workflowProject({ workflows: { allowPrivateNetwork: true } });
    const key = receiverKey("nb");
    expect((await subscribe(project, "jobs", { url: `${origin}/hooks/receive?key=${key}&fail=1`, events: ["job"] })).status).toBe(201);
    const execution = await runToEnd(project, [
      { key: "a", type: "echo" },
      { key: "b", type: "echo", upstream: "a" },
    ]);
    const jobEvents = (await executionEvents(project, execution.id)).filter((e) => e.event_type === "job");
    expect(jobEvents.length).toBeGreaterThan(0);
    const got = await receivedUntil(key, (requests) => requests.filter((r) => r.answered === 200).length >= jobEvents.length);
    const events = firstArrivals(got);
    expect(events.map((e) => [e.type, e.seq])).toEqual(jobEvents.map((e) => ["job", e.seq]));
    expect(events[0].run).toEqual({ kind: "execution", id: execution.id });
  });

  it("a private host is refused unless the project allows the private network, and nothing is stored", async () => {
    const { project } = await newProject("sub");
    const refused = await subscribe(project, "local", { url: `${origin}/hooks/receive`, events: ["*"] });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: "url_refused", message: expect.stringContaining("workflows.allowPrivateNetwork") });
    expect((await api("GET", `/v1/projects/${project}/subscriptions/local`)).status).toBe(404);
    expect((await api("GET", `/v1/projects/${project}/subscriptions`)).body).toEqual({ subscriptions: [] });
  });

  it.each([
    ["a URL that is not http(s)", "s", { url: "ftp://example.com/x", events: ["*"] }],
    ["no event types", "s", { url: "https://example.com/x", events: [] }],
    ["a malformed event type", "s", { url: "https://example.com/x", events: ["Node Enter"] }],
    ["an unknown field", "s", { url: "https://example.com/x", events: ["*"], extra: true }],
    ["no url", "s", { events: ["*"] }],
    ["a bad name", "bad%20name", { url: "https://example.com/x", events: ["*"] }],
  ])("%s → 400, nothing stored", async (_title, name, body) => {
    const { project } = await newProject("sub");
    const reply = await subscribe(project, name, body);
    expect(reply.status).toBe(400);
    expect((await api("GET", `/v1/projects/${project}/subscriptions`)).body).toEqual({ subscriptions: [] });
  });

  it("an update keeps the secret unless asked to rotate it; GET never shows it; DELETE removes it", async () => {
    const { project } = await newProject("sub");
    const created = await subscribe(project, "s", { url: "https://example.com/a", events: ["node_enter"] });
    expect(created.status).toBe(201);
    const updated = await subscribe(project, "s", { url: "https://example.com/b", events: ["*"] });
    expect(updated.status).toBe(200);
    expect(updated.body.secret).toBe(created.body.secret);
    const rotated = await subscribe(project, "s", { url: "https://example.com/b", events: ["*"], rotateSecret: true });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(created.body.secret);

    const one = await api("GET", `/v1/projects/${project}/subscriptions/s`);
    expect(one.body).toEqual({ name: "s", url: "https://example.com/b", events: ["*"], createdAt: expect.any(String), updatedAt: expect.any(String) });
    expect((await api("GET", `/v1/projects/${project}/subscriptions`)).body.subscriptions).toHaveLength(1);
    expect((await api("GET", `/v1/projects/${project}/subscriptions/s/deliveries`)).body).toEqual({ deliveries: [] });

    expect((await api("DELETE", `/v1/projects/${project}/subscriptions/s`)).status).toBe(200);
    expect((await api("GET", `/v1/projects/${project}/subscriptions/s`)).status).toBe(404);
    expect((await api("GET", `/v1/projects/${project}/subscriptions/s/deliveries`)).status).toBe(404);
    expect((await api("DELETE", `/v1/projects/${project}/subscriptions/s`)).status).toBe(404);
  });
});

describe("signal scripts", () => {
  const recorder = (key: string) => `export const permissions = { net: ["127.0.0.1:${port}"] };
export default async function (event) {
  await fetch("${origin}/hooks/receive?key=${key}", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(event) });
}
`;
  const THROWS = `export default function (event) { if (event.type) throw new Error("no thanks"); }\n`;
  const LOOPS = `export default function () { for (;;) {} }\n`;

  it("see every event of a pipeline run; a throwing or looping one leaves the run as it was and logs signal_failed", async () => {
    const project = await pipelineProject();
    const key = receiverKey("signal");
    await uploadOk(project, "signal/record", recorder(key));
    await uploadOk(project, "signal/throws", THROWS);
    await uploadOk(project, "signal/loops", LOOPS);

    const P = runId("sig");
    await run(project, pipeline({ id: P, flows: ["s -> A -> e"] }));
    const finished = await waitForPipeline(project, P, (s) => s.state === "FINISHED");
    expect(finished.children.A?.state).toBe("FINISHED");

    // Every engine event gets one signal_failed per failing script.
    const settledEvents = async () => {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const events = await pipelineEvents(project, P);
        const engine = events.filter((e) => e.event_type !== "signal_failed");
        if (events.length - engine.length >= 2 * engine.length) return { events: events as any[], engine };
        if (Date.now() > deadline) throw new Error(`signal_failed events missing: ${JSON.stringify(events)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    const { events, engine } = await settledEvents();
    const failed = events.filter((e) => e.event_type === "signal_failed").map((e) => e.data);
    expect(failed.filter((d) => d.path === "signal/throws")).toHaveLength(engine.length);
    expect(failed.filter((d) => d.path === "signal/loops")).toHaveLength(engine.length);
    expect(failed.find((d) => d.path === "signal/throws")).toMatchObject({ code: "script_error", message: expect.stringContaining("no thanks"), event_id: `pipeline/${P}:${engine[0]!.seq}` });
    expect(failed.find((d) => d.path === "signal/loops")).toMatchObject({ code: "cpu_budget_exceeded" });

    const got = await receivedUntil(key, (requests) => requests.length >= engine.length);
    expect(firstArrivals(got).map((e) => [e.seq, e.type])).toEqual(engine.map((e) => [e.seq, e.event_type]));
    expect((await api("GET", `/v1/projects/${project}/pipelines/${P}`)).body.state).toBe("FINISHED");
  });

  it("a throwing signal script leaves a NocoBase execution's outcome unchanged", async () => {
    const project = await workflowProject();
    await uploadOk(project, "signal/throws", THROWS);
    const execution = await runToEnd(project, [{ key: "a", type: "echo" }]);
    expect(execution.status).toBe(1);
    const deadline = Date.now() + 20_000;
    for (;;) {
      const events = await executionEvents(project, execution.id);
      const failed = events.filter((e) => e.event_type === "signal_failed");
      if (failed.length > 0 && failed.length === events.length - failed.length) {
        expect(failed[0]!.data).toMatchObject({ path: "signal/throws", code: "script_error" });
        break;
      }
      if (Date.now() > deadline) throw new Error(`signal_failed events missing: ${JSON.stringify(events)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect((await api("GET", `/v1/projects/${project}/executions/${execution.id}`)).body.status).toBe(1);
  });
});
