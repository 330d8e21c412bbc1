import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { FrameReader, type StreamedEvent } from "../fixtures/sse";
import { ADMIN, ORIGIN, api } from "./helpers";
import { op, pipeline, pipelineProject, run, runId, states, waitForSchedule } from "./pipeline-harness";
import { execute, executionEvents, saveWorkflow, settled, waitFor, workflowProject } from "./workflow-harness";

/** GETs an events route asking for a stream. */
function openStream(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return SELF.fetch(`${ORIGIN}${path}`, { headers: { Authorization: `Bearer ${ADMIN}`, Accept: "text/event-stream", ...headers } });
}

/** Opens a stream that must start (200, text/event-stream, the retry hint first). */
async function stream(path: string, headers: Record<string, string> = {}): Promise<FrameReader> {
  const response = await openStream(path, headers);
  expect(response.status).toBe(200);
  expect(response.headers.get("Content-Type")).toMatch(/^text\/event-stream/);
  const reader = new FrameReader(response);
  expect(await reader.next()).toEqual({ retry: "1000" });
  return reader;
}

const seqs = (events: readonly { seq: number }[]) => events.map((e) => e.seq);

describe("NocoBase execution events as SSE", () => {
  let project: string;
  beforeAll(async () => {
    project = await workflowProject();
  });

  it("streams started, the pending job, its resume while streaming and the end; then the stream ends", async () => {
    const key = await saveWorkflow(project, [{ key: "n1", type: "prompt" }, { key: "n2", type: "echo", upstream: "n1" }]);
    const { id } = await execute(project, key, { context: {} });
    const path = `/v1/projects/${project}/executions/${id}/events`;
    const reader = await stream(path);

    const untilPending = await reader.eventsUntil((e) => e.event_type === "job" && e.data.status === 0);
    expect(untilPending.map((e) => [e.event_type, e.data.status])).toEqual([["execution", null], ["execution", 0], ["job", 0]]);
    const jobId = untilPending.at(-1)!.data.job_id;
    expect((await api("POST", `/v1/projects/${project}/executions/${id}/jobs/${jobId}/resume`, { json: { status: 1, result: 123 } })).status).toBe(202);

    const afterResume = await reader.rest();
    expect(afterResume.at(-1)).toMatchObject({ event_type: "execution", data: { execution_id: id, status: 1 } });
    expect(afterResume.filter((e) => e.event_type === "job").map((e) => [e.data.node_key, e.data.status])).toEqual([["n1", 1], ["n2", 1]]);
    // The stream carried the log exactly: every event once, in order.
    expect([...untilPending, ...afterResume]).toEqual(await executionEvents(project, id));
  });

  it("Last-Event-ID resumes after that event (over ?after=); after the last event a reconnect answers 204", async () => {
    const key = await saveWorkflow(project, [{ key: "n1", type: "echo" }, { key: "n2", type: "echo", upstream: "n1" }]);
    const { id } = await execute(project, key, { context: {} });
    const path = `/v1/projects/${project}/executions/${id}/events`;
    const all = await (await stream(path)).rest();
    expect(all.at(-1)).toMatchObject({ event_type: "execution", data: { status: 1 } });
    expect(all.length).toBeGreaterThan(3);

    const middle = all[2]!.seq;
    const resumed = await (await stream(`${path}?after=0`, { "Last-Event-ID": String(middle) })).rest();
    expect(seqs(resumed)).toEqual(seqs(all.filter((e) => e.seq > middle)));
    const fromQuery = await (await stream(`${path}?after=${middle}`)).rest();
    expect(seqs(fromQuery)).toEqual(seqs(resumed));
    // ?limit= only sizes each read: a stream of one-event pages still carries the whole log.
    expect(await (await stream(`${path}?limit=1`)).rest()).toEqual(all);

    const ended = await openStream(path, { "Last-Event-ID": String(all.at(-1)!.seq) });
    expect(ended.status).toBe(204);
    expect((await openStream(path, { "Last-Event-ID": "x" })).status).toBe(400);
  });

  it("a client that hangs up mid-stream holds nothing up: the run ends and a new stream gets the rest", async () => {
    const key = await saveWorkflow(project, [{ key: "n1", type: "prompt" }, { key: "n2", type: "echo", upstream: "n1" }]);
    const { id } = await execute(project, key, { context: {} });
    const path = `/v1/projects/${project}/executions/${id}/events`;
    const first = await stream(path);
    const pending = (await first.eventsUntil((e) => e.event_type === "job" && e.data.status === 0)).at(-1)!;
    await first.close();

    expect((await api("POST", `/v1/projects/${project}/executions/${id}/jobs/${pending.data.job_id}/resume`, { json: { status: 1 } })).status).toBe(202);
    const done = await waitFor(project, id, settled);
    expect(done.status).toBe(1);
    const rest = await (await stream(path, { "Last-Event-ID": String(pending.seq) })).rest();
    expect(rest).toEqual((await executionEvents(project, id)).filter((e) => e.seq > pending.seq));
  });

  it("an unknown execution answers the same 404 as the JSON route", async () => {
    const path = `/v1/projects/${project}/executions/e${"0".repeat(32)}/events`;
    const streamed = await openStream(path);
    const json = await api("GET", path);
    expect(streamed.status).toBe(404);
    expect(json.status).toBe(404);
    expect(await streamed.json()).toEqual(json.body);
  });
});

describe("bamboo pipeline events as SSE", () => {
  let project: string;
  beforeAll(async () => {
    project = await pipelineProject();
  });

  it("streams the run while a callback node waits, the callback while streaming, and ends once the run has finished", async () => {
    const P = runId("sse");
    await run(project, pipeline({ id: P, flows: ["s -> C -> e"] }, { C: { code: "callback_node" } }));
    const path = `/v1/projects/${project}/pipelines/${P}/events`;
    const reader = await stream(path);

    const untilWaiting = await reader.eventsUntil((e) => e.event_type === "post_execute" && e.data.node_id === "C");
    expect(untilWaiting.some((e) => e.event_type === "pipeline_finish")).toBe(false);
    // post_execute can reach the stream before the node's schedule is stored (a hook's script call flushes events).
    const detail = await waitForSchedule(project, P, "C");
    expect((await op(project, P, "nodes/C/callback", { version: detail.state.version, data: {} })).status).toBe(200);

    const afterCallback = await reader.rest();
    // bamboo signals pipeline_finish from the end event, then that node's node_finish.
    expect(afterCallback.slice(-2)).toMatchObject([
      { event_type: "pipeline_finish", data: { pipeline_id: P } },
      { event_type: "node_finish", data: { node_id: "e" } },
    ]);
    expect(afterCallback.map((e) => e.event_type)).toContain("post_callback");
    expect((await states(project, P)).state).toBe("FINISHED");
    const log = await api("GET", `${path}?limit=1000`);
    expect([...untilWaiting, ...afterCallback]).toEqual(log.body.events);

    // A reconnect after the callback's event gets only what followed it.
    const callbackSeq = afterCallback.find((e) => e.event_type === "post_callback")!.seq;
    const resumed = await (await stream(path, { "Last-Event-ID": String(callbackSeq) })).rest();
    expect(seqs(resumed)).toEqual(seqs(log.body.events.filter((e: StreamedEvent) => e.seq > callbackSeq)));
  });

  it("an unknown pipeline answers the same 404 as the JSON route", async () => {
    const path = `/v1/projects/${project}/pipelines/nope/events`;
    const streamed = await openStream(path);
    const json = await api("GET", path);
    expect(streamed.status).toBe(404);
    expect(json.status).toBe(404);
    expect(await streamed.json()).toEqual(json.body);
  });
});
