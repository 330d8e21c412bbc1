import { env, evictDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, inject, it } from "vitest";
import type { Bindings } from "../../worker/env";
import { executionRunOf } from "../../worker/env";
import { NOCOBASE_EXTRA_INSTRUCTIONS } from "../fixtures/nocobase-instructions";
import { api, uploadOk } from "./helpers";
import {
  execute,
  executionEvents,
  holds,
  jobRows,
  jobStatusHistory,
  postSigned,
  saveWorkflow,
  settled,
  tasks,
  waitFor,
  workflowProject,
  type NodeSpec,
} from "./workflow-harness";

/**
 * nocobase-scenarios.md, the scenarios that wait (S3, S4, S10, S19, S20) through the HTTP API: external resumes
 * through the resume route and signed resumeUrls, timeouts and delays on the execution's Durable Object alarm, and
 * the manual node's tasks submitted through their signed URLs. "After settle" is waiting for the state, never a
 * sleep; where a scenario looks at a state between two timers, the execution's event log shows it was gone through.
 */

const post = { data: { id: 1, title: "t1", read: 0, published: false } };
const STARTED = 0;
const RESOLVED = 1;
const FAILED = -1;
const ERROR = -2;
const ABORTED = -3;

let project: string;
beforeAll(async () => {
  project = await workflowProject();
  for (const [path, source] of Object.entries(NOCOBASE_EXTRA_INSTRUCTIONS)) await uploadOk(project, path, source);
});

/** Saves and starts an async workflow on the post; answers the execution id. */
async function start(nodes: NodeSpec[], extra: Record<string, unknown> = {}): Promise<string> {
  const key = await saveWorkflow(project, nodes, extra);
  return (await execute(project, key, { context: post })).id;
}

const withJobs = (count: number) => (e: any) => e.jobs.length === count;
const resumeRoute = (id: string, jobId: number, body: unknown) => api("POST", `/v1/projects/${project}/executions/${id}/jobs/${jobId}/resume`, { json: body });
/** The execution statuses its event log went through, in order. */
const executionStatuses = async (id: string) => (await executionEvents(project, id)).filter((e) => e.event_type === "execution").map((e) => e.data.status);

describe("S3 external resume of a pending node", () => {
  it("a: prompt suspends (STARTED, job {0, null}); resume {status 1, result 123} runs the downstream", async () => {
    const id = await start([{ key: "n1", type: "prompt" }, { key: "n2", type: "echo", upstream: "n1" }]);
    const suspended = await waitFor(project, id, withJobs(1));
    expect(suspended.status).toBe(STARTED);
    expect(jobRows(suspended)).toEqual([["n1", 0, null]]);
    expect((await resumeRoute(id, suspended.jobs[0].id, { status: 1, result: 123 })).status).toBe(202);
    const done = await waitFor(project, id, settled);
    expect(done.status).toBe(RESOLVED);
    expect(jobRows(done)).toEqual([["n1", 1, 123], ["n2", 1, 123]]);
  });

  it("b: a resume that throws updates the same job to ERROR; the execution is ERROR and n2 never runs", async () => {
    const id = await start([{ key: "n1", type: "prompt-error" }, { key: "n2", type: "echo", upstream: "n1" }]);
    const suspended = await waitFor(project, id, withJobs(1));
    const jobId = suspended.jobs[0].id;
    expect((await resumeRoute(id, jobId, { result: 123 })).status).toBe(202);
    const done = await waitFor(project, id, settled);
    expect(done.status).toBe(ERROR);
    expect(done.jobs).toHaveLength(1);
    expect(done.jobs[0]).toMatchObject({ id: jobId, nodeKey: "n1", status: ERROR, result: { message: "input failed" } });
  });
});

describe("S4 workflow timeout aborts a suspended or running execution", () => {
  it("a: a suspended execution: STARTED with startedAt and expiresAt, then ABORTED 'timeout' with its job ABORTED", async () => {
    const id = await start([{ key: "n1", type: "prompt" }], { options: { timeout: 300 } });
    const done = await waitFor(project, id, settled);
    expect(done).toMatchObject({ status: ABORTED, reason: "timeout" });
    expect(Date.parse(done.expiresAt) - Date.parse(done.startedAt)).toBe(300);
    expect(jobRows(done)).toEqual([["n1", ABORTED, null]]);
    // It was STARTED with the job pending before the timer aborted both.
    expect(await executionStatuses(id)).toEqual([null, STARTED, ABORTED]);
    expect(await jobStatusHistory(project, id, done.jobs[0].id)).toEqual([0, ABORTED]);
  });

  it("b: a node still running at the deadline: ABORTED 'timeout', and the downstream never runs", async () => {
    const slow = `${inject("requestMock").origin}/api/timeout`; // answers after 2 s
    const id = await start([{ key: "n1", type: "timeConsume", config: { url: slow } }, { key: "n2", type: "echo", upstream: "n1" }], { options: { timeout: 100 } });
    const done = await waitFor(project, id, settled);
    expect(done).toMatchObject({ status: ABORTED, reason: "timeout" });
    // The node finished (its job is kept as it returned), but past the deadline nothing runs after it.
    expect(jobRows(done)).toEqual([["n1", 1, { slept: true }]]);
  });

  it("c: a delay longer than the timeout: ABORTED with the delay job ABORTED, and the delay never resumes it", async () => {
    const id = await start([{ key: "n1", type: "delay", config: { duration: 2, unit: 1000, endStatus: 1 } }], { options: { timeout: 300 } });
    const done = await waitFor(project, id, settled);
    expect(done).toMatchObject({ status: ABORTED, reason: "timeout" });
    expect(jobRows(done)).toEqual([["n1", ABORTED, 2000]]);
    expect(await jobStatusHistory(project, id, done.jobs[0].id)).toEqual([0, ABORTED]);
    // Past the delay's due time (2 s after the start, plus a margin), nothing has changed.
    await holds(project, id, Date.parse(done.startedAt) + 2_500, (e) => {
      expect(e.status).toBe(ABORTED);
      expect(jobRows(e)).toEqual([["n1", ABORTED, 2000]]);
    });
  });
});

describe("S10 parallel allSettled waits for an async branch", () => {
  it("the pending branch holds the parallel job at [1, null]; once resumed, everything resolves", async () => {
    const id = await start([
      { key: "n1", type: "parallel", config: { mode: "allSettled" } },
      { key: "n2", type: "echo", upstream: "n1", branchIndex: 0 },
      { key: "n3", type: "asyncResume", upstream: "n1", branchIndex: 1, config: { duration: 500 } },
      { key: "n4", type: "echo", upstream: "n3" },
    ]);
    const waiting = await waitFor(project, id, withJobs(3));
    expect(waiting.status).toBe(STARTED);
    expect(waiting.jobs.map((j: any) => [j.nodeKey, j.status])).toEqual([["n1", 0], ["n2", 1], ["n3", 0]]);
    expect(waiting.jobs[0].result).toEqual([1, null]);
    // asyncResume's timer is the outside world here: it resumes the job through its signed URL.
    expect((await postSigned(waiting.jobs[2].resumeUrl, { status: 1 })).status).toBe(202);
    const done = await waitFor(project, id, settled);
    expect(done.status).toBe(RESOLVED);
    expect(done.jobs.map((j: any) => [j.nodeKey, j.status])).toEqual([["n1", 1], ["n2", 1], ["n3", 1], ["n4", 1]]);
    expect(done.jobs[0].result).toEqual([1, 1]);
  });
});

describe.concurrent("S19 delay (on the execution's alarm)", () => {
  const delay = (endStatus: number, extra: Record<string, unknown> = {}): NodeSpec => ({ key: "n1", type: "delay", config: { duration: 2, unit: 1000, endStatus, ...extra } });

  /** When each stored status of job `jobId` was written, from the event log. */
  async function statusTimes(id: string, jobId: number): Promise<[number, number][]> {
    const events = await executionEvents(project, id);
    return events.filter((e) => e.event_type === "job" && e.data.job_id === jobId).map((e) => [e.data.status, Date.parse(e.at)]);
  }

  for (const [name, endStatus, status] of [["a", 1, RESOLVED], ["b", -1, FAILED]] as const) {
    it(`${name}: endStatus ${endStatus}: STARTED with the job pending for the 2 s, then ${status === RESOLVED ? "RESOLVED" : "FAILED"}`, async () => {
      const id = await start([delay(endStatus)]);
      const done = await waitFor(project, id, settled);
      expect(done.status).toBe(status);
      expect(jobRows(done)).toEqual([["n1", endStatus, 2000]]);
      expect(await executionStatuses(id)).toEqual([null, STARTED, status]);
      const [[pending, armedAt], [ended, firedAt]] = (await statusTimes(id, done.jobs[0].id)) as [[number, number], [number, number]];
      expect([pending, ended]).toEqual([0, endStatus]);
      // The timer never fires early.
      expect(firedAt - armedAt).toBeGreaterThanOrEqual(2000);
    });
  }

  it("c: the duration from a variable: n2 waits {{$jobsMapByNodeKey.n1}} s", async () => {
    const id = await start([
      { key: "n1", type: "echoVariable", config: { variable: 2 } },
      { key: "n2", type: "delay", upstream: "n1", config: { duration: "{{$jobsMapByNodeKey.n1}}", unit: 1000, endStatus: 1 } },
    ]);
    const waiting = await waitFor(project, id, withJobs(2));
    expect(waiting.jobs[1]).toMatchObject({ nodeKey: "n2", result: 2000 });
    const done = await waitFor(project, id, settled);
    expect(done.status).toBe(RESOLVED);
    expect(jobRows(done)).toEqual([["n1", 1, 2], ["n2", 1, 2000]]);
    expect(await jobStatusHistory(project, id, done.jobs[1].id)).toEqual([0, 1]);
  });

  // Adapted: hookflow has no collections, so the failing node after the delay is `error` instead of a create on
  // a missing table.
  it("d: a failing node after the delay: ERROR, jobs [1, −2]", async () => {
    const id = await start([delay(1), { key: "n2", type: "error", upstream: "n1" }]);
    const done = await waitFor(project, id, settled);
    expect(done.status).toBe(ERROR);
    expect(done.jobs.map((j: any) => j.status)).toEqual([1, ERROR]);
  });

  it("e: the execution's object is evicted while the delay waits: its alarm still fires and the execution resolves", async () => {
    const id = await start([delay(1)]);
    const waiting = await waitFor(project, id, withJobs(1));
    expect(waiting.status).toBe(STARTED);
    await evictDurableObject(executionRunOf(env as unknown as Bindings, project, id));
    const done = await waitFor(project, id, settled);
    expect(done.status).toBe(RESOLVED);
    expect(jobRows(done)).toEqual([["n1", 1, 2000]]);
  });
});

describe("S20 manual node, single mode, and its HTTP contract", () => {
  const manual = (assignees: unknown[], action: Record<string, unknown>): NodeSpec => ({
    key: "n1",
    type: "manual",
    config: { assignees, mode: 0, forms: { f1: { actions: [{ status: 1, key: "resolve", ...action }] } } },
  });
  const submission = (f1: Record<string, unknown>) => ({ values: { result: { f1, _: "resolve" } } });

  it("one task for the assignee; its signed URL submits (202) once, then 400; a tampered URL is unknown (404)", async () => {
    const id = await start([manual([2], {})]);
    const waiting = await waitFor(project, id, withJobs(1));
    expect(waiting.status).toBe(STARTED);
    expect(jobRows(waiting)).toEqual([["n1", 0, null]]);
    const [task, ...others] = await tasks(project, id);
    expect(others).toEqual([]);
    expect(task).toMatchObject({ jobId: waiting.jobs[0].id, nodeKey: "n1", assignee: "2", status: 0 });

    // The signed URL is the assignee's credential: anyone else has no URL for this task, and a forged one is unknown.
    const tampered = task.url.replace(/.$/, (c: string) => (c === "A" ? "B" : "A"));
    expect((await postSigned(tampered, submission({ a: 1 }))).status).toBe(404);
    expect((await postSigned(task.url, submission({ a: 1 }))).status).toBe(202);

    const done = await waitFor(project, id, settled);
    expect(done.status).toBe(RESOLVED);
    expect(jobRows(done)).toEqual([["n1", 1, { f1: { a: 1 }, _: "resolve" }]]);
    expect((await tasks(project, id))[0]).toMatchObject({ status: 1, result: { f1: { a: 1 }, _: "resolve" } });
    const again = await postSigned(task.url, submission({ a: 2 }));
    expect(again.status).toBe(400);
    expect((await waitFor(project, id, settled)).jobs[0].result).toEqual({ f1: { a: 1 }, _: "resolve" });
  });

  it("preset values override the submitted ones", async () => {
    const id = await start([manual([2], { values: { a: 2 } })]);
    const [task] = await tasks(project, (await waitFor(project, id, withJobs(1))).id);
    expect((await postSigned(task.url, submission({ a: 1 }))).status).toBe(202);
    const done = await waitFor(project, id, settled);
    expect(jobRows(done)).toEqual([["n1", 1, { f1: { a: 2 }, _: "resolve" }]]);
  });

  // Adapted: hookflow has no user table; an assignee is the string id its task URL carries, so currentUser.id is "2".
  it("preset values resolve currentUser, currentRecord, currentTime and $context", async () => {
    const id = await start([manual([2], { values: { a: "{{currentUser.id}}", b: "{{currentRecord.id}}", c: "{{currentTime}}", d: "{{$context.data.title}}" } })]);
    const [task] = await tasks(project, (await waitFor(project, id, withJobs(1))).id);
    expect((await postSigned(task.url, submission({ a: 2, id: 3 }))).status).toBe(202);
    const done = await waitFor(project, id, settled);
    expect(done.status).toBe(RESOLVED);
    const result = done.jobs[0].result;
    expect(result).toEqual({ f1: { a: "2", id: 3, b: 3, c: expect.any(String), d: "t1" }, _: "resolve" });
    // currentTime is the submission's time: an ISO date, after the execution started.
    expect(new Date(result.f1.c).toISOString()).toBe(result.f1.c);
    expect(Date.parse(result.f1.c)).toBeGreaterThanOrEqual(Date.parse(done.startedAt));
  });

  it("the result is available downstream; with 2 assignees the first submission decides", async () => {
    const id = await start([
      manual([2, 3], {}),
      { key: "n2", type: "calculation", upstream: "n1", config: { engine: "math.js", expression: "{{$jobsMapByNodeKey.n1.f1.number}} + 1" } },
    ]);
    await waitFor(project, id, withJobs(1));
    const byAssignee = Object.fromEntries((await tasks(project, id)).map((t) => [t.assignee, t]));
    expect(Object.keys(byAssignee).sort()).toEqual(["2", "3"]);
    expect((await postSigned(byAssignee["2"].url, submission({ number: 1 }))).status).toBe(202);
    const done = await waitFor(project, id, settled);
    expect(done.status).toBe(RESOLVED);
    expect(jobRows(done)).toEqual([
      ["n1", 1, { f1: { number: 1 }, _: "resolve" }],
      ["n2", 1, 2],
    ]);
    // The other assignee's task can no longer decide anything.
    expect((await postSigned(byAssignee["3"].url, submission({ number: 5 }))).status).toBe(400);
  });
});

describe("async node types (manual) are refused in a sync workflow (nocobase-workflow.md §5.4)", () => {
  it("a sync workflow with a manual node is not saved", async () => {
    const reply = await api("PUT", `/v1/projects/${project}/workflows/sync-manual`, { json: { sync: true, trigger: { type: "manual" }, nodes: [{ key: "n1", type: "manual", config: { assignees: [2] } }] } });
    expect(reply.status).toBe(400);
    expect(reply.body.error.nodes).toEqual(["n1"]);
  });
});
