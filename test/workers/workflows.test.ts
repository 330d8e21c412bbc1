import { describe, expect, it } from "vitest";
import { api } from "./helpers";
import { execute, execution, saveWorkflow, settled, waitFor, workflowProject } from "./workflow-harness";

describe("workflows over HTTP", () => {
  it("runs a sync workflow inside the request and answers the final execution", async () => {
    const project = await workflowProject();
    const key = await saveWorkflow(project, [{ key: "n1", type: "echoVariable", config: { variable: "{{$context}}" } }, { key: "n2", type: "echo", upstream: "n1" }], { sync: true });
    const { reply } = await execute(project, key, { context: { data: { title: "t1" } } });
    expect(reply.execution.status).toBe(1);
    expect(reply.execution.jobs.map((j: any) => [j.nodeKey, j.status, j.result])).toEqual([
      ["n1", 1, { data: { title: "t1" } }],
      ["n2", 1, { data: { title: "t1" } }],
    ]);
  });

  it("queues an async workflow and resumes its pending job from outside, through the route and the signed URL", async () => {
    const project = await workflowProject();
    const key = await saveWorkflow(project, [{ key: "n1", type: "prompt" }, { key: "n2", type: "echo", upstream: "n1" }, { key: "n3", type: "prompt", upstream: "n2" }]);
    const { id, status } = await execute(project, key);
    expect(status).toBe(null);
    const pending = await waitFor(project, id, (e) => e.jobs.length === 1);
    expect(pending.status).toBe(0);
    const resumed = await api("POST", `/v1/projects/${project}/executions/${id}/jobs/${pending.jobs[0].id}/resume`, { json: { status: 1, result: 123 } });
    expect(resumed.status).toBe(202);
    const second = await waitFor(project, id, (e) => e.jobs.length === 3);
    expect(second.jobs.map((j: any) => [j.status, j.result])).toEqual([[1, 123], [1, 123], [0, null]]);
    const url = second.jobs[2].resumeUrl as string;
    expect(url).toMatch(/^https:\/\/hookflow\.test\/v1\/signed\//);
    const viaUrl = await api("POST", new URL(url).pathname, { token: null, json: { result: "done" } });
    expect(viaUrl.status).toBe(202);
    const done = await waitFor(project, id, settled);
    expect(done.status).toBe(1);
    expect(done.jobs[2].result).toBe("done");
    // The node moved on: a second delivery is refused, and a tampered token is unknown.
    expect((await api("POST", new URL(url).pathname, { token: null, json: {} })).status).toBe(409);
    const tampered = new URL(url).pathname.replace(/.$/, (c) => (c === "A" ? "B" : "A"));
    expect((await api("POST", tampered, { token: null, json: {} })).status).toBe(404);
  });

  it("runs a custom branching instruction written as a script (all branches in order)", async () => {
    const project = await workflowProject();
    const key = await saveWorkflow(
      project,
      [
        { key: "seq", type: "sequence" },
        { key: "a", type: "echoVariable", config: { variable: "A" }, upstream: "seq", branchIndex: 0 },
        { key: "b", type: "echoVariable", config: { variable: "B" }, upstream: "seq", branchIndex: 1 },
        { key: "c", type: "echoVariable", config: { variable: "C" }, upstream: "seq", branchIndex: 2 },
        { key: "after", type: "echo", upstream: "seq" },
      ],
      { sync: true },
    );
    const { reply } = await execute(project, key);
    expect(reply.execution.status).toBe(1);
    expect(reply.execution.jobs.map((j: any) => [j.nodeKey, j.status, j.result])).toEqual([
      ["seq", 1, 3],
      ["a", 1, "A"],
      ["b", 1, "B"],
      ["c", 1, "C"],
      ["after", 1, 3],
    ]);
  });

  it("refuses a bad definition with a 400 naming the node, and stores nothing", async () => {
    const project = await workflowProject();
    const bad = await api("PUT", `/v1/projects/${project}/workflows/bad`, {
      json: { sync: true, trigger: { type: "manual" }, nodes: [{ key: "d", type: "delay", config: { duration: 1 } }, { key: "x", type: "nope", upstream: "d" }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("workflow_invalid");
    expect(bad.body.error.nodes).toEqual(["d", "x"]);
    expect((await api("GET", `/v1/projects/${project}/workflows/bad`)).status).toBe(404);
  });

  it("de-duplicates executions by eventKey", async () => {
    const project = await workflowProject();
    const key = await saveWorkflow(project, [{ key: "n1", type: "echoVariable", config: { variable: 1 } }], { sync: true });
    const first = await execute(project, key, { eventKey: "evt-1" });
    const again = await execute(project, key, { eventKey: "evt-1" });
    expect(again.id).toBe(first.id);
    expect((await execution(project, first.id)).jobs).toHaveLength(1);
  });

  it("fires a schedule trigger on the registry's alarm, each time once, up to its limit", async () => {
    const project = await workflowProject();
    const startsOn = new Date(Date.now() + 500).toISOString();
    const key = await saveWorkflow(project, [{ key: "n1", type: "echoVariable", config: { variable: "{{$context.date}}" } }], {
      trigger: { type: "schedule", config: { startsOn, repeat: 1000, limit: 2 } },
    });
    const deadline = Date.now() + 15_000;
    let listed: any[] = [];
    while (Date.now() < deadline) {
      listed = (await api("GET", `/v1/projects/${project}/workflows/${key}/executions`)).body.executions;
      if (listed.length >= 2 && listed.every((e: any) => e.status === 1)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(listed).toHaveLength(2);
    const first = await execution(project, listed[1].id);
    expect(first.context).toEqual({ date: startsOn });
    expect(first.eventKey).toBe(`${key}@${Date.parse(startsOn)}`);
    expect(first.jobs[0].result).toBe(startsOn);
    // Both count as executions of the version.
    expect((await api("GET", `/v1/projects/${project}/workflows/${key}`)).body.executed).toBe(2);
  });

  it("refuses a schedule trigger without startsOn, with a bad cron, or on a sync workflow", async () => {
    const project = await workflowProject();
    const reply = await api("PUT", `/v1/projects/${project}/workflows/s`, {
      json: { sync: true, trigger: { type: "schedule", config: { repeat: "not a cron" } }, nodes: [] },
    });
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toMatch(/startsOn/);
    expect(reply.body.error.message).toMatch(/cron/);
    expect(reply.body.error.message).toMatch(/runs async: sync must be false/);
    expect((await api("GET", `/v1/projects/${project}/workflows/s`)).status).toBe(404);
  });
});
