/**
 * issue 9's fuzz test of resume URLs, against `npm start`: 100 waiting runs (50 NocoBase executions on a pending
 * job, 50 bamboo pipelines on a callback node) and 10,000 deliveries to their signed URLs in a seeded random order,
 * in concurrent batches: copies of one delivery (the same body, some with an Idempotency-Key), competing deliveries
 * with another body (whichever is accepted first wins; the others find the node moved on), deliveries to the stale
 * URL of a node version that was retried since, and copies racing each other. Each run must be resumed exactly once
 * with the winner's data, every copy of a delivery gets the same answer, the winner's copies 202 and every other
 * delivery 409. Mixed in: correlated events for 20 executions waiting on an `event` node, half of them sent before
 * their wait is armed, each re-sent with its id: every execution gets its own event exactly once and every copy is
 * answered alike.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { treeOf } from "../../engine/bamboo/validator/test-trees";
import { BAMBOO_TEST_SCRIPTS } from "../fixtures/bamboo-components";
import { withCode } from "../fixtures/bamboo-trees";
import { NOCOBASE_TEST_INSTRUCTIONS } from "../fixtures/nocobase-instructions";
import { createProject, pollUntil, request, startServer, type Server } from "./server";

const RUNS_PER_DIALECT = 50;
const DELIVERIES_PER_RUN = 100;
const COMPETING_PER_RUN = 5;
const BATCH = 64;
const SEED = 0x5eed;
const EVENT_WAITERS = 20;
/** Bamboo runs whose callback node is forced to fail and retried first: their first URL names a stale version. */
const STALE_RUNS = 10;
const STALE_COPIES = 20;
/** The `delivery` number of a stale version's deliveries. */
const STALE = -1;
const EVENT_COPIES = 5;

let server: Server;
let project: string;
let token: string;

beforeAll(async () => {
  server = await startServer();
  ({ project, token } = await createProject(server, "fuzz", { ...NOCOBASE_TEST_INSTRUCTIONS, "component/callback_node": BAMBOO_TEST_SCRIPTS["component/callback_node"]! }));
});
afterAll(async () => {
  await server?.stop();
});

const call = (method: string, path: string, json?: unknown) =>
  request(server, method, `/v1/projects/${project}${path}`, json === undefined ? { token } : { token, json });

/** mulberry32: a small seeded PRNG, so a failure replays. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

interface Waiter {
  readonly dialect: "nocobase" | "bamboo";
  readonly run: string;
  readonly url: string;
  /** The URL of the node's version before a retry, for the stale deliveries. */
  readonly staleUrl?: string;
}

/** One delivery: `delivery` names which of its run's competing deliveries this is a copy of. */
interface Delivery {
  readonly waiter: Waiter;
  readonly delivery: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
}

async function nocobaseWaiters(): Promise<Waiter[]> {
  const saved = await call("PUT", "/workflows/ask", { trigger: { type: "manual" }, nodes: [{ key: "ask", type: "prompt" }, { key: "after", type: "echo", upstream: "ask" }] });
  expect(saved.status).toBe(201);
  const ids = await Promise.all(Array.from({ length: RUNS_PER_DIALECT }, async () => (await call("POST", "/workflows/ask/execute", {})).body.execution.id as string));
  return Promise.all(
    ids.map(async (id) => {
      const e = await pollUntil(server, `execution ${id}`, () => call("GET", `/executions/${id}`), (x: any) => x.jobs?.length === 1);
      return { dialect: "nocobase" as const, run: id, url: e.jobs[0].resumeUrl as string };
    }),
  );
}

async function bambooWaiters(): Promise<Waiter[]> {
  const ids = Array.from({ length: RUNS_PER_DIALECT }, (_, i) => `fuzz-${i}-${Date.now().toString(36)}`);
  await Promise.all(
    ids.map(async (id) => {
      const started = await call("POST", "/pipelines", { pipeline: withCode(treeOf({ id, flows: ["s -> C -> e"] }), { C: "callback_node" }) });
      expect(started.status, JSON.stringify(started.body)).toBe(201);
    }),
  );
  const callbackUrl = async (id: string, not?: string) =>
    (await pollUntil(server, `callback node of ${id}`, () => call("GET", `/pipelines/${id}/nodes/C`), (x: any) => x.callback_url !== undefined && x.callback_url !== not)).callback_url as string;
  return Promise.all(
    ids.map(async (id, i) => {
      const url = await callbackUrl(id);
      if (i >= STALE_RUNS) return { dialect: "bamboo" as const, run: id, url };
      expect((await call("POST", `/pipelines/${id}/nodes/C/forced-fail`, {})).status).toBe(200);
      await pollUntil(server, `C of ${id} failed`, () => call("GET", `/pipelines/${id}`), (x: any) => x.children?.C?.state === "FAILED");
      expect((await call("POST", `/pipelines/${id}/nodes/C/retry`, {})).status).toBe(200);
      return { dialect: "bamboo" as const, run: id, url: await callbackUrl(id, url), staleUrl: url };
    }),
  );
}

/** A run's deliveries: COMPETING_PER_RUN distinct ones, each copied; delivery 0's copies also carry an Idempotency-Key. */
function deliveriesOf(waiter: Waiter, count: number): Delivery[] {
  return Array.from({ length: count }, (_, i) => {
    const delivery = i % COMPETING_PER_RUN;
    const body = waiter.dialect === "nocobase" ? { result: { winner: delivery } } : { bit: 1, winner: delivery };
    return { waiter, delivery, body, ...(delivery === 0 ? { headers: { "Idempotency-Key": `${waiter.run}-d0` } } : {}) };
  });
}

/** Sends correlated event `i` of this run of the test (its id makes every copy the same event). */
const sendEvent = (tag: string, i: number) =>
  call("POST", "/events", { id: `${tag}-event-${i}`, name: "fuzz", correlationKey: `${tag}-key-${i}`, payload: { event: i } });

/** Executions waiting on an `event` node, each for its own key; the first half's events are sent before they start. */
async function eventWaiters(tag: string): Promise<{ ids: string[] }> {
  const saved = await call("PUT", "/workflows/on-event", {
    trigger: { type: "manual" },
    nodes: [{ key: "wait", type: "event", config: { name: "fuzz", correlationKey: "{{$context.key}}" } }, { key: "after", type: "echo", upstream: "wait" }],
  });
  expect(saved.status, JSON.stringify(saved.body)).toBe(201);
  await Promise.all(Array.from({ length: EVENT_WAITERS / 2 }, (_, i) => sendEvent(tag, i)));
  const ids = await Promise.all(
    Array.from({ length: EVENT_WAITERS }, async (_, i) => (await call("POST", "/workflows/on-event/execute", { context: { key: `${tag}-key-${i}` } })).body.execution.id as string),
  );
  return { ids };
}

describe("resume URLs under 10,000 shuffled, duplicated and competing deliveries", () => {
  it("resumes each of 100 waiting runs exactly once with the data of the delivery it accepted, and gives 20 event waiters their event once", { timeout: 600_000 }, async () => {
    const tag = Date.now().toString(36);
    const events = await eventWaiters(tag);
    const waiters = [...(await nocobaseWaiters()), ...(await bambooWaiters())];
    const random = prng(SEED);
    const stale: Delivery[] = waiters.flatMap((w) =>
      w.staleUrl === undefined ? [] : Array.from({ length: STALE_COPIES }, (_, i) => ({ waiter: { ...w, url: w.staleUrl! }, delivery: STALE, body: { bit: 1, stale: i % 2 } })),
    );
    // A run with stale deliveries gets that many fewer fresh ones: 100 deliveries per run in all.
    const fresh = waiters.flatMap((w) => deliveriesOf(w, DELIVERIES_PER_RUN - (w.staleUrl === undefined ? 0 : STALE_COPIES)));
    const deliveries = shuffle([...fresh, ...stale], random);
    expect(deliveries).toHaveLength(10_000);
    // Every event again, EVENT_COPIES times (the early half were sent once already), spread through the deliveries.
    type Send = { readonly send: () => Promise<{ status: number; body: any }>; readonly record: (reply: { status: number; body: any }) => void };
    const eventAnswers = new Map<number, Set<string>>();
    const eventSends: Send[] = Array.from({ length: EVENT_WAITERS * EVENT_COPIES }, (_, n) => {
      const i = n % EVENT_WAITERS;
      return { send: () => sendEvent(tag, i), record: (reply) => eventAnswers.set(i, (eventAnswers.get(i) ?? new Set()).add(`${reply.status} ${reply.body.id}`)) };
    });
    const answers = new Map<string, Map<number, Set<number>>>(); // run → delivery → statuses
    const resumeSends: Send[] = deliveries.map((d) => ({
      send: () => request(server, "POST", new URL(d.waiter.url).pathname, { token: null, json: d.body, ...(d.headers ? { headers: d.headers } : {}) }),
      record: (reply) => {
        const byDelivery = answers.get(d.waiter.run) ?? new Map<number, Set<number>>();
        answers.set(d.waiter.run, byDelivery);
        byDelivery.set(d.delivery, (byDelivery.get(d.delivery) ?? new Set<number>()).add(reply.status));
      },
    }));
    const sends = [...resumeSends];
    for (const [n, e] of eventSends.entries()) sends.splice(Math.floor(((n + 1) * sends.length) / (eventSends.length + 1)), 0, e);
    for (let i = 0; i < sends.length; i += BATCH) {
      const batch = sends.slice(i, i + BATCH);
      const replies = await Promise.all(batch.map((s) => s.send()));
      replies.forEach((reply, k) => batch[k]!.record(reply));
    }

    for (const [i, id] of events.ids.entries()) {
      expect([...eventAnswers.get(i)!], `event ${i}`).toEqual([`202 ${tag}-event-${i}`]);
      const done = await pollUntil(server, `execution ${id}`, () => call("GET", `/executions/${id}`), (x: any) => x.status !== 0 && x.status !== null);
      expect(done.jobs.map((j: any) => [j.nodeKey, j.status, j.result])).toEqual([["wait", 1, { event: i }], ["after", 1, { event: i }]]);
    }

    for (const waiter of waiters) {
      const byDelivery = answers.get(waiter.run)!;
      for (const [delivery, statuses] of byDelivery) expect([...statuses], `${waiter.run} delivery ${delivery}`).toHaveLength(1);
      if (waiter.staleUrl !== undefined) expect([...byDelivery.get(STALE)!], `${waiter.run} stale`).toEqual([409]);
      const accepted = [...byDelivery].filter(([, statuses]) => statuses.has(202)).map(([delivery]) => delivery);
      expect(accepted, waiter.run).toHaveLength(1);
      for (const [delivery, statuses] of byDelivery) if (delivery !== accepted[0]) expect([...statuses], `${waiter.run} delivery ${delivery}`).toEqual([409]);

      if (waiter.dialect === "nocobase") {
        const done = await pollUntil(server, `execution ${waiter.run}`, () => call("GET", `/executions/${waiter.run}`), (x: any) => x.status !== 0 && x.status !== null);
        expect(done.status).toBe(1);
        expect(done.jobs.map((j: any) => j.result)).toEqual([{ winner: accepted[0] }, { winner: accepted[0] }]);
      } else {
        await pollUntil(server, `pipeline ${waiter.run}`, () => call("GET", `/pipelines/${waiter.run}`), (x: any) => x.state === "FINISHED");
        const c = (await call("GET", `/pipelines/${waiter.run}/nodes/C`)).body;
        expect(c.state.state).toBe("FINISHED");
        expect(c.histories).toHaveLength(waiter.staleUrl === undefined ? 0 : 1);
        expect(c.schedule).toMatchObject({ finished: true, schedule_times: 1 });
      }
    }
  });
});
