import { beforeAll, describe, expect, it } from "vitest";
import { api } from "./helpers";
import { node, pipeline, pipelineProject, run, runId, waitFor as waitForRun } from "./pipeline-harness";
import { execution, execute, postSigned, saveWorkflow, settled, waitFor, workflowProject } from "./workflow-harness";

/** api.md "Waiting and resuming from outside": resume URLs of both dialects, duplicates, rotation, bad bodies. */

const CONCURRENT = 50;
const count = (replies: { status: number }[]) => replies.reduce<Record<number, number>>((n, r) => ({ ...n, [r.status]: (n[r.status] ?? 0) + 1 }), {});

/** An execution of prompt → echo, suspended at the prompt: its id, job and signed resume URL. */
async function suspended(project: string) {
  const key = await saveWorkflow(project, [{ key: "n1", type: "prompt" }, { key: "n2", type: "echo", upstream: "n1" }]);
  const { id } = await execute(project, key);
  const e = await waitFor(project, id, (x) => x.jobs.length === 1);
  return { id, jobId: e.jobs[0].id as number, resumeUrl: e.jobs[0].resumeUrl as string };
}

describe("a NocoBase job's resume URL", () => {
  let project: string;
  beforeAll(async () => {
    project = await workflowProject();
  });

  it(`one delivery sent ${CONCURRENT} times at once: every copy answers the first's 202, and the job resumes once`, async () => {
    const { id, resumeUrl } = await suspended(project);
    const replies = await Promise.all(Array.from({ length: CONCURRENT }, () => postSigned(resumeUrl, { result: "once" })));
    expect(count(replies)).toEqual({ 202: CONCURRENT });
    expect(new Set(replies.map((r) => JSON.stringify(r.body)))).toEqual(new Set([JSON.stringify({ accepted: true })]));
    const done = await waitFor(project, id, settled);
    expect(done.jobs.map((j: any) => [j.nodeKey, j.status, j.result])).toEqual([["n1", 1, "once"], ["n2", 1, "once"]]);
  });

  it("a redelivery after the run has ended, by body or by Idempotency-Key, answers the first answer; another delivery is 409", async () => {
    const { id, resumeUrl } = await suspended(project);
    expect((await postSigned(resumeUrl, { result: "first" }, { "Idempotency-Key": "d-1" })).status).toBe(202);
    await waitFor(project, id, settled);
    expect((await postSigned(resumeUrl, { result: "first" }, { "Idempotency-Key": "d-1" })).status).toBe(202);
    expect((await postSigned(resumeUrl, { result: "changed" }, { "Idempotency-Key": "d-1" })).status).toBe(202);
    const other = await postSigned(resumeUrl, { result: "other" });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe("invalid_operation");
    // The 409 is an answer too: the same delivery again answers it again.
    expect((await postSigned(resumeUrl, { result: "other" })).status).toBe(409);
    expect((await execution(project, id)).jobs.map((j: any) => j.result)).toEqual(["first", "first"]);
  });

  it("an execution deleted when it ended (deleteExecutionOnStatus) still repeats its first answer; another delivery is 404", async () => {
    const key = await saveWorkflow(project, [{ key: "n1", type: "prompt" }], { options: { deleteExecutionOnStatus: [1] } });
    const { id } = await execute(project, key);
    const url = (await waitFor(project, id, (x) => x.jobs.length === 1)).jobs[0].resumeUrl as string;
    expect((await postSigned(url, { result: "done" })).status).toBe(202);
    for (;;) {
      if ((await api("GET", `/v1/projects/${project}/executions/${id}`)).status === 404) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(await postSigned(url, { result: "done" })).toMatchObject({ status: 202, body: { accepted: true } });
    expect((await postSigned(url, { result: "other" })).status).toBe(404);
  });

  it("a forged, a tampered and a gone run's URL get one and the same 404; a body over 1 MiB is 413, a non-JSON body 400, and neither resumes", async () => {
    const { id, resumeUrl } = await suspended(project);
    const path = new URL(resumeUrl).pathname;
    const [payload, signature] = path.slice("/v1/signed/".length).split(".");
    const tampered = await api("POST", `/v1/signed/${payload}.${signature!.replace(/^./, (ch) => (ch === "A" ? "B" : "A"))}`, { token: null, json: {} });
    const claims = JSON.parse(atob(payload!.replaceAll("-", "+").replaceAll("_", "/")));
    const forgedPayload = btoa(JSON.stringify({ ...claims, execution: `e${"0".repeat(32)}` })).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
    const forged = await api("POST", `/v1/signed/${forgedPayload}.${signature}`, { token: null, json: {} });
    expect(tampered.status).toBe(404);
    expect(forged.body).toEqual(tampered.body);

    const large = await postSigned(resumeUrl, { result: "x".repeat(1024 * 1024 + 1) });
    expect(large.status).toBe(413);
    const notJson = await api("POST", path, { token: null, body: "{not json", headers: { "content-type": "application/json" } });
    expect(notJson.status).toBe(400);
    expect((await execution(project, id)).status).toBe(0);

    // A URL whose execution was deleted answers as if it never existed.
    await api("POST", `/v1/projects/${project}/executions/${id}/cancel`);
    const key = await saveWorkflow(project, [{ key: "n1", type: "prompt" }], { options: { deleteExecutionOnStatus: [-3] } });
    const gone = await execute(project, key);
    const e = await waitFor(project, gone.id, (x) => x.jobs.length === 1);
    await api("POST", `/v1/projects/${project}/executions/${gone.id}/cancel`);
    const after = await postSigned(e.jobs[0].resumeUrl, {});
    expect(after.status).toBe(404);
    expect(after.body).toEqual(tampered.body);
  });
});

describe("rotating the signing secret", () => {
  it("inside the overlap old URLs still resume, and the run's next URLs are signed with the new secret", async () => {
    const project = await workflowProject({ signedLinks: { rotationOverlapSeconds: 3600 } });
    const first = await suspended(project);
    const rotated = await api("POST", `/v1/projects/${project}/signing-secret`);
    expect(rotated.status).toBe(201);
    expect(Date.parse(rotated.body.previousValidUntil) - Date.parse(rotated.body.rotatedAt)).toBe(3600 * 1000);
    // The run in flight learns the new secret within seconds: its URL changes, and both resume.
    const renewed = await waitFor(project, first.id, (x) => x.jobs[0].resumeUrl !== first.resumeUrl);
    expect((await postSigned(first.resumeUrl, { result: "old url" })).status).toBe(202);
    await waitFor(project, first.id, settled);
    const second = await suspended(project);
    expect((await postSigned(second.resumeUrl, { result: "new url" })).status).toBe(202);
    expect(renewed.jobs[0].resumeUrl).not.toBe(first.resumeUrl);
  });

  it("outside the overlap (0 s) a URL signed before the rotation is a 404 and resumes nothing", async () => {
    const project = await workflowProject({ signedLinks: { rotationOverlapSeconds: 0 } });
    const { id, resumeUrl } = await suspended(project);
    expect((await api("POST", `/v1/projects/${project}/signing-secret`)).status).toBe(201);
    expect((await postSigned(resumeUrl, { result: "late" })).status).toBe(404);
    const renewed = await waitFor(project, id, (x) => x.jobs[0].resumeUrl !== resumeUrl);
    expect(renewed.status).toBe(0);
    expect((await postSigned(renewed.jobs[0].resumeUrl, { result: "renewed" })).status).toBe(202);
    expect((await waitFor(project, id, settled)).jobs.map((j: any) => j.result)).toEqual(["renewed", "renewed"]);
  });
});

describe("a bamboo callback node's URL", () => {
  it("is in the node's detail while it waits; its body is the callback data; a repeat answers alike; a stale version is 409", async () => {
    const project = await pipelineProject();
    const P = runId("cbu");
    await run(project, pipeline({ id: P, flows: ["s -> C -> e"] }, { C: { code: "callback_node" } }));
    let detail: any;
    for (;;) {
      detail = await node(project, P, "C");
      if (detail.callback_url !== undefined) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(detail.callback_url).toMatch(/^https:\/\/hookflow\.test\/v1\/signed\//);
    const replies = await Promise.all([1, 2, 3].map(() => postSigned(detail.callback_url, { bit: 1 })));
    expect(count(replies)).toEqual({ 202: 3 });
    const done = await waitForRun(project, P, (x) => x.state === "FINISHED");
    expect(done.children.C?.state).toBe("FINISHED");
    expect((await node(project, P, "C")).callback_url).toBeUndefined();
    const stale = await postSigned(detail.callback_url, { bit: 2 });
    expect(stale.status).toBe(409);
  });

  it("a multi-callback node takes distinct deliveries as distinct callbacks, and a repeated one once", async () => {
    const project = await pipelineProject();
    const P = runId("mcb");
    await run(project, pipeline({ id: P, flows: ["s -> M -> e"] }, { M: { code: "multi_callback_node" } }));
    let url: string | undefined;
    while (url === undefined) {
      url = (await node(project, P, "M")).callback_url;
      await new Promise((r) => setTimeout(r, 20));
    }
    // Its script counts callbacks and finishes at the fifth. Three distinct ones, each sent twice, count three.
    const send = (ns: number[]) => Promise.all(ns.flatMap((n) => [postSigned(url!, { bit: 1, n }), postSigned(url!, { bit: 1, n })]));
    expect((await send([1, 2, 3])).map((r) => r.status)).toEqual(Array(6).fill(202));
    let counted: any;
    for (;;) {
      counted = await node(project, P, "M");
      if (counted.execution_data?.outputs?._scheduled_times === 3) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(counted.state.state).toBe("RUNNING");
    expect((await send([4, 5])).map((r) => r.status)).toEqual(Array(4).fill(202));
    await waitForRun(project, P, (x) => x.state === "FINISHED");
    expect((await node(project, P, "M")).execution_data.outputs._scheduled_times).toBe(5);
  });
});

