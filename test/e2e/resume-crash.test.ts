/**
 * A kill of `npm start` right after resume URLs answered 202 (issue 9): the resumes were durable before the answer,
 * so after the restart every resumed node runs, in both dialects.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { treeOf } from "../../engine/bamboo/validator/test-trees";
import { BAMBOO_TEST_SCRIPTS } from "../fixtures/bamboo-components";
import { withCode } from "../fixtures/bamboo-trees";
import { NOCOBASE_TEST_INSTRUCTIONS } from "../fixtures/nocobase-instructions";
import { createProject, pollUntil, request, startServer, type Server } from "./server";

const RUNS = 10;

let server: Server;
let project: string;
let token: string;

beforeAll(async () => {
  server = await startServer();
  ({ project, token } = await createProject(server, "crash", { ...NOCOBASE_TEST_INSTRUCTIONS, "component/callback_node": BAMBOO_TEST_SCRIPTS["component/callback_node"]! }));
});
afterAll(async () => {
  await server?.stop();
});

const call = (method: string, path: string, json?: unknown) =>
  request(server, method, `/v1/projects/${project}${path}`, json === undefined ? { token } : { token, json });
const postSigned = (url: string, json: unknown) => request(server, "POST", new URL(url).pathname, { token: null, json });

describe("a kill between a resume's 202 and the resumed node running", () => {
  it("loses no resume: after the restart every execution and pipeline goes on from its resumed node", async () => {
    expect((await call("PUT", "/workflows/ask", { trigger: { type: "manual" }, nodes: [{ key: "ask", type: "prompt" }, { key: "after", type: "echo", upstream: "ask" }] })).status).toBe(201);
    const executions = await Promise.all(Array.from({ length: RUNS }, async () => (await call("POST", "/workflows/ask/execute", {})).body.execution.id as string));
    const pipelines = Array.from({ length: RUNS }, (_, i) => `crash-${i}-${Date.now().toString(36)}`);
    for (const id of pipelines) expect((await call("POST", "/pipelines", { pipeline: withCode(treeOf({ id, flows: ["s -> C -> e"] }), { C: "callback_node" }) })).status).toBe(201);
    const resumeUrls = await Promise.all(
      executions.map(async (id) => (await pollUntil(server, `execution ${id}`, () => call("GET", `/executions/${id}`), (x: any) => x.jobs?.length === 1)).jobs[0].resumeUrl as string),
    );
    const callbackUrls = await Promise.all(
      pipelines.map(async (id) => (await pollUntil(server, `pipeline ${id}`, () => call("GET", `/pipelines/${id}/nodes/C`), (x: any) => x.callback_url !== undefined)).callback_url as string),
    );

    const answers = await Promise.all([
      ...resumeUrls.map((url, i) => postSigned(url, { result: { answer: i } })),
      ...callbackUrls.map((url) => postSigned(url, { bit: 1 })),
    ]);
    expect(answers.map((a) => a.status)).toEqual(Array(2 * RUNS).fill(202));
    await server.crashAndRestart();

    for (const [i, id] of executions.entries()) {
      const done = await pollUntil(server, `execution ${id}`, () => call("GET", `/executions/${id}`), (x: any) => x.status !== 0 && x.status !== null);
      expect(done.jobs.map((j: any) => [j.nodeKey, j.status, j.result])).toEqual([["ask", 1, { answer: i }], ["after", 1, { answer: i }]]);
    }
    for (const id of pipelines) {
      const done = await pollUntil(server, `pipeline ${id}`, () => call("GET", `/pipelines/${id}`), (x: any) => x.state === "FINISHED");
      expect(done.children.C.state).toBe("FINISHED");
    }
  });
});
