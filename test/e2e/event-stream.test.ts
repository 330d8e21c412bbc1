/**
 * An execution's event stream against `npm start` (workerd on the built bundle): the stream is live over real HTTP,
 * a kill of the server cuts it, and a reconnect with `Last-Event-ID` after the restart gets exactly what followed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NOCOBASE_TEST_INSTRUCTIONS } from "../fixtures/nocobase-instructions";
import { FrameReader, type StreamedEvent } from "../fixtures/sse";
import { createProject, request, startServer, type Server } from "./server";

let server: Server;
let project: string;
let token: string;

beforeAll(async () => {
  server = await startServer();
  ({ project, token } = await createProject(server, "sse", NOCOBASE_TEST_INSTRUCTIONS));
});
afterAll(async () => {
  await server?.stop();
});

const call = (method: string, path: string, json?: unknown) =>
  request(server, method, `/v1/projects/${project}${path}`, json === undefined ? { token } : { token, json });

/** Opens the execution's event stream, after `lastEventId` when given. */
async function stream(id: string, lastEventId?: number): Promise<FrameReader> {
  const response = await fetch(`${server.url}/v1/projects/${project}/executions/${id}/events`, {
    headers: { Authorization: `Bearer ${token}`, Accept: "text/event-stream", ...(lastEventId === undefined ? {} : { "Last-Event-ID": String(lastEventId) }) },
  });
  expect(response.status).toBe(200);
  return new FrameReader(response);
}

describe("an execution's event stream across a kill of the server", () => {
  it("streams live until the kill; a reconnect with Last-Event-ID gets the resume and the end, each event once", async () => {
    const saved = await call("PUT", "/workflows/wait", { trigger: { type: "manual" }, nodes: [{ key: "n1", type: "prompt" }, { key: "n2", type: "echo", upstream: "n1" }] });
    expect(saved.status, JSON.stringify(saved.body)).toBe(201);
    const started = await call("POST", "/workflows/wait/execute", { context: {} });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const id: string = started.body.execution.id;

    const first = await stream(id);
    const beforeKill = await first.eventsUntil((e) => e.event_type === "job" && e.data.status === 0);
    await server.crashAndRestart();
    // The connection is cut (an error, or at most a clean end): nothing more arrives on it.
    await first.rest().catch(() => undefined);
    expect(first.events).toEqual(beforeKill);

    const last = beforeKill.at(-1)!;
    const second = await stream(id, last.seq);
    const resumed = await call("POST", `/executions/${id}/jobs/${last.data.job_id}/resume`, { status: 1, result: 123 });
    expect(resumed.status, JSON.stringify(resumed.body)).toBe(202);
    const afterKill = await second.rest();
    expect(afterKill.at(-1)).toMatchObject({ event_type: "execution", data: { status: 1 } });

    const log = await call("GET", `/executions/${id}/events?limit=1000`);
    expect([...beforeKill, ...afterKill]).toEqual(log.body.events as StreamedEvent[]);
  });
});
