import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { eventBrokerOf } from "../../durable/event-shards";
import type { Bindings } from "../../worker/env";
import { api, uploadOk } from "./helpers";
import { node, op, pipeline, plain, run, runId, waitFor as waitForPipeline, type ActivityPatch } from "./pipeline-harness";
import { execute, execution, saveWorkflow, settled, waitFor as waitForExecution, workflowProject } from "./workflow-harness";

/**
 * Correlated events (api.md "Waiting and resuming from outside"), both dialects, through the HTTP API and the real
 * brokers. "Waited for" is polling a state (a run's, or the broker's count of waiters), never a sleep.
 */

const bindings = env as unknown as Bindings;
const STARTED = 0;
const RESOLVED = 1;
const PENDING = 0;

/** A callback component that waits for the `order.paid` event of its `order` input and outputs the payload. */
const AWAIT_PAID = `export default {
  needSchedule: true,
  execute(data) {
    this.waitForEvent("order.paid", data.inputs.order);
    return true;
  },
  schedule(data, parentData, payload) {
    data.outputs.paid = payload;
    return true;
  },
};
`;
/** Calls waitForEvent without being a callback component. */
const WAIT_WITHOUT_CALLBACK = `export default {
  execute() {
    this.waitForEvent("order.paid", "x");
    return true;
  },
};
`;

let project: string;
beforeAll(async () => {
  project = await workflowProject();
  await uploadOk(project, "component/await_paid", AWAIT_PAID);
  await uploadOk(project, "component/wait_without_callback", WAIT_WITHOUT_CALLBACK);
});

let keys = 0;
/** A correlation key no other test uses (the storage is shared by the file's tests). */
const freshKey = (label: string) => `${label}-${Date.now().toString(36)}-${keys++}`;

function send(body: Record<string, unknown>, options: { project?: string; headers?: Record<string, string> } = {}) {
  return api<{ id: string; delivered: boolean }>("POST", `/v1/projects/${options.project ?? project}/events`, { json: body, ...(options.headers ? { headers: options.headers } : {}) });
}

const broker = (name: string, key: string, inProject = project) => eventBrokerOf(bindings, inProject, name, key);

/** Polls the broker until the pair's counts hold (a waiter registers after its node's wait is stored). */
async function brokerHolds(name: string, key: string, expected: { events?: number; waiters?: number }, inProject = project) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const pending = await broker(name, key, inProject).pending(name, key);
    if ((expected.events === undefined || pending.events === expected.events) && (expected.waiters === undefined || pending.waiters === expected.waiters)) return pending;
    if (Date.now() > deadline) throw new Error(`broker of ${name}/${key}: ${JSON.stringify(pending)}, expected ${JSON.stringify(expected)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Starts a pipeline whose node A waits for `order.paid` of `key`, through the script component or the built-in. */
async function startPaidPipeline(key: string, builtin = false): Promise<string> {
  const id = runId("ev");
  const patch: ActivityPatch = builtin
    ? { code: "wait_event", inputs: { name: plain("order.paid"), correlation_key: plain(key) } }
    : { code: "await_paid", inputs: { order: plain(key) } };
  await run(project, pipeline({ id, flows: ["s -> A -> e"] }, { A: patch }));
  return id;
}

let eventWorkflow: string;
/** Starts an execution whose `event` node waits for `shipment` of `$context.data.order`, then echoes what it got. */
async function startShipmentExecution(key: string): Promise<string> {
  eventWorkflow ??= await saveWorkflow(project, [
    { key: "wait", type: "event", config: { name: "shipment", correlationKey: "{{$context.data.order}}" } },
    { key: "after", type: "echo", upstream: "wait" },
  ]);
  return (await execute(project, eventWorkflow, { context: { data: { order: key } } })).id;
}

const jobsOf = (e: any) => e.jobs.map((j: any) => [j.nodeKey, j.status, j.result]);

describe("bamboo", () => {
  it("this.waitForEvent: an event sent after the wait is the node's callback data, and the run goes on", async () => {
    const key = freshKey("paid");
    const id = await startPaidPipeline(key);
    await brokerHolds("order.paid", key, { waiters: 1 });
    const sent = await send({ name: "order.paid", correlationKey: key, payload: { amount: 42 } });
    expect(sent.status).toBe(202);
    expect(sent.body).toEqual({ id: expect.any(String), delivered: true });
    await waitForPipeline(project, id, (s) => s.state === "FINISHED");
    expect((await node(project, id, "A")).execution_data.outputs.paid).toEqual({ amount: 42 });
    expect(await broker("order.paid", key).pending("order.paid", key)).toEqual({ events: 0, waiters: 0 });
  });

  it("wait_event: an event sent before the wait is kept, then delivered as soon as the node waits", async () => {
    const key = freshKey("early");
    const sent = await send({ name: "order.paid", correlationKey: key, payload: "early bird" });
    expect(sent.body.delivered).toBe(false);
    const id = await startPaidPipeline(key, true);
    await waitForPipeline(project, id, (s) => s.state === "FINISHED");
    expect((await node(project, id, "A")).execution_data.outputs.payload).toBe("early bird");
    expect(await broker("order.paid", key).pending("order.paid", key)).toEqual({ events: 0, waiters: 0 });
  });

  it("a node forced to fail while waiting does not take the event: the next waiting node does", async () => {
    const key = freshKey("forced");
    const failed = await startPaidPipeline(key);
    await brokerHolds("order.paid", key, { waiters: 1 });
    expect((await op(project, failed, "nodes/A/forced-fail", {})).status).toBe(200);
    expect((await send({ name: "order.paid", correlationKey: key, payload: "kept" })).body.delivered).toBe(false);
    const next = await startPaidPipeline(key, true);
    await waitForPipeline(project, next, (s) => s.state === "FINISHED");
    expect((await node(project, next, "A")).execution_data.outputs.payload).toBe("kept");
    expect((await node(project, failed, "A")).execution_data.outputs.paid).toBeUndefined();
  });

  it("a component that is not a callback component cannot wait for an event: its node fails, saying why", async () => {
    const id = runId("ev");
    await run(project, pipeline({ id, flows: ["s -> A -> e"] }, { A: { code: "wait_without_callback" } }));
    const s = await waitForPipeline(project, id, (x) => x.children.A?.state === "FAILED");
    expect(s.children.A!.state).toBe("FAILED");
    expect((await node(project, id, "A")).execution_data.outputs.ex_data).toMatch(/waitForEvent needs a callback component/);
  });
});

describe("NocoBase", () => {
  it("event: an event sent after the wait resolves the pending job with the payload as its result", async () => {
    const key = freshKey("ship");
    const id = await startShipmentExecution(key);
    const waiting = await waitForExecution(project, id, (e) => e.jobs.length === 1);
    expect(jobsOf(waiting)).toEqual([["wait", PENDING, null]]);
    await brokerHolds("shipment", key, { waiters: 1 });
    const sent = await send({ name: "shipment", correlationKey: key, payload: { carrier: "dhl" } });
    expect(sent.body.delivered).toBe(true);
    const done = await waitForExecution(project, id, settled);
    expect(done.status).toBe(RESOLVED);
    expect(jobsOf(done)).toEqual([["wait", RESOLVED, { carrier: "dhl" }], ["after", RESOLVED, { carrier: "dhl" }]]);
  });

  it("event: an event sent before the wait is kept, then resumes the job as soon as it is pending", async () => {
    const key = freshKey("ship-early");
    expect((await send({ name: "shipment", correlationKey: key, payload: 7 })).body.delivered).toBe(false);
    const id = await startShipmentExecution(key);
    const done = await waitForExecution(project, id, settled);
    expect(jobsOf(done)).toEqual([["wait", RESOLVED, 7], ["after", RESOLVED, 7]]);
  });

  it("is refused in a sync workflow", async () => {
    const reply = await api("PUT", `/v1/projects/${project}/workflows/sync-event`, {
      json: { trigger: { type: "manual" }, sync: true, nodes: [{ key: "wait", type: "event", config: { name: "a", correlationKey: "b" } }] },
    });
    expect(reply.status).toBe(400);
    expect(JSON.stringify(reply.body)).toContain('node type \\"event\\" is asynchronous');
  });
});

describe("delivery order", () => {
  it("two waiters of one key: the earliest gets the first event, the other the next", async () => {
    const key = freshKey("two");
    const first = await startShipmentExecution(key);
    await brokerHolds("shipment", key, { waiters: 1 });
    const second = await startShipmentExecution(key);
    await brokerHolds("shipment", key, { waiters: 2 });

    expect((await send({ name: "shipment", correlationKey: key, payload: "one" })).body.delivered).toBe(true);
    expect(jobsOf(await waitForExecution(project, first, settled))[0]).toEqual(["wait", RESOLVED, "one"]);
    expect((await execution(project, second)).status).toBe(STARTED);

    expect((await send({ name: "shipment", correlationKey: key, payload: "two" })).body.delivered).toBe(true);
    expect(jobsOf(await waitForExecution(project, second, settled))[0]).toEqual(["wait", RESOLVED, "two"]);
  });

  it("events sent at once to as many waiters: each resumes exactly one, and none is lost", async () => {
    const key = freshKey("burst");
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(await startShipmentExecution(key));
      await brokerHolds("shipment", key, { waiters: i + 1 });
    }
    const answers = await Promise.all([1, 2, 3].map((payload) => send({ name: "shipment", correlationKey: key, payload })));
    expect(answers.map((a) => a.body.delivered)).toEqual([true, true, true]);
    const results = await Promise.all(ids.map(async (id) => jobsOf(await waitForExecution(project, id, settled))[0][2]));
    expect([...results].sort()).toEqual([1, 2, 3]);
    expect(await broker("shipment", key).pending("shipment", key)).toEqual({ events: 0, waiters: 0 });
  });

  it("kept events go out in the order they were accepted, one per waiter, across both dialects", async () => {
    const key = freshKey("order");
    for (const payload of ["first", "second"]) expect((await send({ name: "order.paid", correlationKey: key, payload })).body.delivered).toBe(false);
    const a = await startPaidPipeline(key);
    await waitForPipeline(project, a, (s) => s.state === "FINISHED");
    await brokerHolds("order.paid", key, { events: 1 });
    const b = await startPaidPipeline(key, true);
    await waitForPipeline(project, b, (s) => s.state === "FINISHED");
    expect((await node(project, a, "A")).execution_data.outputs.paid).toBe("first");
    expect((await node(project, b, "A")).execution_data.outputs.payload).toBe("second");
  });

  it("a waiter whose node moved on (cancelled) does not swallow the event: it is kept for the next waiter", async () => {
    const key = freshKey("moved");
    const cancelled = await startShipmentExecution(key);
    await brokerHolds("shipment", key, { waiters: 1 });
    expect((await api("POST", `/v1/projects/${project}/executions/${cancelled}/cancel`)).status).toBe(200);
    expect((await send({ name: "shipment", correlationKey: key, payload: "kept" })).body.delivered).toBe(false);
    expect(await broker("shipment", key).pending("shipment", key)).toEqual({ events: 1, waiters: 0 });
    const next = await startShipmentExecution(key);
    expect(jobsOf(await waitForExecution(project, next, settled))[0]).toEqual(["wait", RESOLVED, "kept"]);
  });
});

describe("TTL and idempotency", () => {
  it("an expired event is never delivered, and the broker's alarm drops it", async () => {
    const key = freshKey("ttl");
    expect((await send({ name: "shipment", correlationKey: key, payload: "stale", ttlSeconds: 1 })).body.delivered).toBe(false);
    // Waiting for the state: the event stops counting once its TTL has passed.
    await brokerHolds("shipment", key, { events: 0 });
    // The broker's own alarm (armed for the expiry) may have run already; run it if not, then nothing is stored.
    await runDurableObjectAlarm(broker("shipment", key));
    const stored = await runInDurableObject(broker("shipment", key), (_, state) => state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM events WHERE key = ?", key).one().n);
    expect(stored).toBe(0);
    const id = await startShipmentExecution(key);
    await brokerHolds("shipment", key, { waiters: 1 });
    const waiting = await execution(project, id);
    expect(waiting.status).toBe(STARTED);
    expect(jobsOf(waiting)).toEqual([["wait", PENDING, null]]);
    // A fresh event still reaches it.
    expect((await send({ name: "shipment", correlationKey: key, payload: "fresh" })).body.delivered).toBe(true);
    expect(jobsOf(await waitForExecution(project, id, settled))[0]).toEqual(["wait", RESOLVED, "fresh"]);
  });

  it("a re-sent event id (body id or Idempotency-Key) is a no-op answering the first answer", async () => {
    const key = freshKey("dup");
    const eventId = `evt-${key}`;
    const first = await send({ id: eventId, name: "shipment", correlationKey: key, payload: "once" });
    expect(first.body).toEqual({ id: eventId, delivered: false });
    const id = await startShipmentExecution(key);
    expect(jobsOf(await waitForExecution(project, id, settled))[0]).toEqual(["wait", RESOLVED, "once"]);

    // Sent again, with another payload: the first answer, nothing kept, nothing delivered.
    const again = await send({ id: eventId, name: "shipment", correlationKey: key, payload: "twice" });
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    const viaHeader = await send({ name: "shipment", correlationKey: key, payload: "thrice" }, { headers: { "Idempotency-Key": eventId } });
    expect(viaHeader.body).toEqual(first.body);
    expect(await broker("shipment", key).pending("shipment", key)).toEqual({ events: 0, waiters: 0 });

    // Copies sent at once: one delivery, the same answer for all.
    const burstKey = freshKey("dup-burst");
    const waiting = await startShipmentExecution(burstKey);
    await brokerHolds("shipment", burstKey, { waiters: 1 });
    const copies = await Promise.all([1, 2, 3].map(() => send({ id: `evt-${burstKey}`, name: "shipment", correlationKey: burstKey, payload: "copy" })));
    expect(copies.map((c) => c.body)).toEqual([1, 2, 3].map(() => ({ id: `evt-${burstKey}`, delivered: true })));
    expect(jobsOf(await waitForExecution(project, waiting, settled))[0]).toEqual(["wait", RESOLVED, "copy"]);
    expect(await broker("shipment", burstKey).pending("shipment", burstKey)).toEqual({ events: 0, waiters: 0 });

    const header = await send({ name: "shipment", correlationKey: key, payload: "h" }, { headers: { "Idempotency-Key": `${eventId}-h` } });
    expect(header.body).toEqual({ id: `${eventId}-h`, delivered: false });
    expect((await send({ name: "shipment", correlationKey: key, payload: "h2" }, { headers: { "Idempotency-Key": `${eventId}-h` } })).body).toEqual(header.body);
    expect(await broker("shipment", key).pending("shipment", key)).toEqual({ events: 1, waiters: 0 });
  });
});

describe("input and isolation", () => {
  it("bad input answers 400 and keeps nothing", async () => {
    const key = freshKey("bad");
    const bad: unknown[] = [
      { correlationKey: key },
      { name: "shipment" },
      { name: "", correlationKey: key },
      { name: "shipment", correlationKey: "" },
      { name: "shipment", correlationKey: 12 },
      { name: "shipment", correlationKey: key, ttlSeconds: 0 },
      { name: "shipment", correlationKey: key, ttlSeconds: 1.5 },
      { name: "shipment", correlationKey: key, ttlSeconds: 10 * 86_400 },
      { name: "shipment", correlationKey: key, extra: true },
      { name: "shipment", correlationKey: key, id: "" },
      [],
    ];
    for (const body of bad) {
      const reply = await api("POST", `/v1/projects/${project}/events`, { json: body });
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.body.error.code).toBe("invalid_request");
    }
    expect((await api("POST", `/v1/projects/${project}/events`, { body: "{not json", headers: { "content-type": "application/json" } })).status).toBe(400);
    const differing = await send({ id: "a", name: "shipment", correlationKey: key }, { headers: { "Idempotency-Key": "b" } });
    expect(differing.status).toBe(400);
    expect(await broker("shipment", key).pending("shipment", key)).toEqual({ events: 0, waiters: 0 });
  });

  it("needs the project's key: another project's key gets 404, no key 401", async () => {
    const other = await api("PUT", `/v1/projects/ev-other-${freshKey("k")}`);
    const reply = await api("POST", `/v1/projects/${project}/events`, { json: { name: "a", correlationKey: "b" }, token: other.body.apiKey });
    expect(reply.status).toBe(404);
    expect((await api("POST", `/v1/projects/${project}/events`, { json: { name: "a", correlationKey: "b" }, token: null })).status).toBe(401);
  });

  it("an event in one project never reaches another project's waiter of the same name and key", async () => {
    const key = freshKey("iso");
    const other = await workflowProject();
    const otherWorkflow = await saveWorkflow(other, [{ key: "wait", type: "event", config: { name: "shipment", correlationKey: key } }]);
    const waiting = (await execute(other, otherWorkflow, { context: {} })).id;
    await brokerHolds("shipment", key, { waiters: 1 }, other);

    expect((await send({ name: "shipment", correlationKey: key, payload: "for A" })).body.delivered).toBe(false);
    expect(await broker("shipment", key).pending("shipment", key)).toEqual({ events: 1, waiters: 0 });
    expect((await execution(other, waiting)).status).toBe(STARTED);

    expect((await send({ name: "shipment", correlationKey: key, payload: "for B" }, { project: other })).body.delivered).toBe(true);
    expect(jobsOf(await waitForExecution(other, waiting, settled))).toEqual([["wait", RESOLVED, "for B"]]);
  });
});
