import { env, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { EventBroker } from "../../durable/event-broker";
import { eventBrokerOf } from "../../durable/event-shards";
import type { Bindings } from "../../worker/env";
import { api, newProject } from "./helpers";
import { node, pipeline, plain, run, runId, waitFor } from "./pipeline-harness";

/**
 * GET /v1/projects/{p}/events (docs/waits.md "Correlated events"): the events kept for a node still to wait, read
 * from the project's EventBroker shards through the HTTP API.
 */

let project: string;
let apiKey: string;
beforeAll(async () => {
  ({ project, apiKey } = await newProject("buffered"));
});

let keys = 0;
/** A correlation key no other test uses (the storage is shared by the file's tests). */
const freshKey = (label: string) => `${label}-${Date.now().toString(36)}-${keys++}`;

async function send(name: string, correlationKey: string, payload: unknown, ttlSeconds?: number): Promise<string> {
  const reply = await api("POST", `/v1/projects/${project}/events`, { token: apiKey, json: { name, correlationKey, payload, ...(ttlSeconds ? { ttlSeconds } : {}) } });
  expect(reply.status).toBe(202);
  expect(reply.body.delivered).toBe(false);
  return reply.body.id;
}

const list = (query: string, token = apiKey, inProject = project) => api("GET", `/v1/projects/${inProject}/events${query}`, { token });

describe("buffered correlated events", () => {
  it("lists one pair's events newest first, as stored, with their arrival and expiry", async () => {
    const key = freshKey("pair");
    const before = Date.now();
    const first = await send("order.paid", key, { amount: 1 }, 600);
    const second = await send("order.paid", key, { amount: 2 }, 600);
    const reply = await list(`?name=order.paid&key=${encodeURIComponent(key)}`);
    expect(reply.status).toBe(200);
    expect(reply.body.events.map((e: { id: string }) => e.id)).toEqual([second, first]);
    const [newest] = reply.body.events;
    expect(newest).toEqual({ id: second, name: "order.paid", correlationKey: key, payload: { amount: 2 }, receivedAt: expect.any(String), expiresAt: expect.any(String) });
    const received = Date.parse(newest.receivedAt);
    expect(received).toBeGreaterThanOrEqual(before);
    expect(Date.parse(newest.expiresAt) - received).toBe(600_000);
  });

  it("without both name and key, merges the project's shards newest first, bounded by limit", async () => {
    const name = freshKey("merge");
    const sent: string[] = [];
    // Eight keys spread over several shards.
    for (let i = 0; i < 8; i++) sent.push(await send(name, `k${i}`, i));
    const byName = await list(`?name=${encodeURIComponent(name)}`);
    expect(byName.status).toBe(200);
    const listed: { id: string; receivedAt: string }[] = byName.body.events;
    expect(listed.map((e) => e.id).sort()).toEqual([...sent].sort());
    // Newest first across shards (two events of one millisecond may come in either order).
    const times = listed.map((e) => Date.parse(e.receivedAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(listed[0]!.id === sent[7] || times[0] === times[1]).toBe(true);

    const limited: { id: string; receivedAt: string }[] = (await list(`?name=${encodeURIComponent(name)}&limit=3`)).body.events;
    expect(limited).toHaveLength(3);
    const oldestListed = Math.min(...limited.map((e) => Date.parse(e.receivedAt)));
    const left = listed.filter((e) => !limited.some((l) => l.id === e.id));
    expect(left.every((e) => Date.parse(e.receivedAt) <= oldestListed)).toBe(true);

    const byKey = await list("?key=k5");
    expect(byKey.body.events.map((e: { id: string }) => e.id)).toContain(sent[5]);
    expect(byKey.body.events.every((e: { correlationKey: string }) => e.correlationKey === "k5")).toBe(true);

    const all = await list("?limit=200");
    expect(all.body.events.map((e: { id: string }) => e.id)).toEqual(expect.arrayContaining(sent));
  });

  it("drops an event once a waiting node has taken it; the next one stays listed", async () => {
    const key = freshKey("taken");
    const taken = await send("order.paid", key, "first");
    const kept = await send("order.paid", key, "second");
    const id = runId("buffered");
    await run(project, pipeline({ id, flows: ["s -> A -> e"] }, { A: { code: "wait_event", inputs: { name: plain("order.paid"), correlation_key: plain(key) } } }));
    await waitFor(project, id, (s) => s.state === "FINISHED");
    expect((await node(project, id, "A")).execution_data.outputs.payload).toBe("first");
    const reply = await list(`?name=order.paid&key=${encodeURIComponent(key)}`);
    expect(reply.body.events.map((e: { id: string }) => e.id)).toEqual([kept]);
    expect(reply.body.events.map((e: { id: string }) => e.id)).not.toContain(taken);
  });

  it("is the project's own: another project's key gets 404, as for a project that does not exist; the admin may read it", async () => {
    const key = freshKey("own");
    const id = await send("order.paid", key, "mine");
    const other = await newProject("buffered-other");
    const refused = await list("", other.apiKey);
    expect(refused.status).toBe(404);
    expect(refused.body.error.code).toBe("not_found");
    const missing = await list("", other.apiKey, "no-such-project");
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe(refused.body.error.code);
    expect((await list("", other.apiKey, other.project)).body.events).toEqual([]);
    const admin = await api("GET", `/v1/projects/${project}/events?key=${encodeURIComponent(key)}`);
    expect(admin.body.events.map((e: { id: string }) => e.id)).toEqual([id]);
    expect((await list("", "hf_nope.x.y")).status).toBe(401);
  });

  it("lists, last and without an arrival time, an event a broker kept before it stored arrival times", async () => {
    const key = freshKey("old");
    const bindings = env as unknown as Bindings;
    const stub = eventBrokerOf(bindings, project, "order.paid", key);
    await runInDurableObject(stub, (_, state) => {
      // The table as brokers made it before, holding one event, then a broker starting on it.
      const sql = state.storage.sql;
      sql.exec("DROP TABLE events");
      sql.exec("CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, name TEXT NOT NULL, key TEXT NOT NULL, payload TEXT NOT NULL, expires_at INTEGER NOT NULL)");
      sql.exec("INSERT INTO events (id, name, key, payload, expires_at) VALUES ('ev_old', 'order.paid', ?, '\"old\"', ?)", key, Date.now() + 600_000);
      new EventBroker(state, bindings);
      sql.exec("INSERT INTO events (id, name, key, payload, expires_at, received_at) VALUES ('ev_new', 'order.paid', ?, '\"new\"', ?, ?)", key, Date.now() + 600_000, Date.now());
    });
    const reply = await list(`?key=${encodeURIComponent(key)}`);
    expect(reply.body.events.map((e: { id: string; receivedAt: string | null; payload: unknown }) => [e.id, e.payload, e.receivedAt === null])).toEqual([
      ["ev_new", "new", false],
      ["ev_old", "old", true],
    ]);
  });

  it("answers 400 for a bad query", async () => {
    for (const query of ["?limit=0", "?limit=201", "?limit=ten", "?limit=-1", "?name=", "?key=", `?key=${"k".repeat(501)}`]) {
      const reply = await list(query);
      expect(reply.status, query).toBe(400);
      expect(reply.body.error.code, query).toBe("invalid_request");
      expect(typeof reply.body.error.message).toBe("string");
    }
  });

  it("is in /openapi.json with its query and answer", async () => {
    const doc = (await api("GET", "/openapi.json")).body;
    const route = doc.paths["/v1/projects/{project}/events"].get;
    expect(route.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual(expect.arrayContaining(["query:name", "query:key", "query:limit"]));
    expect(route.responses["200"].content["application/json"].schema.properties.events.items.required).toEqual(
      expect.arrayContaining(["id", "name", "correlationKey", "payload", "receivedAt", "expiresAt"]),
    );
  });
});
