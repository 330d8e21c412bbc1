/**
 * bamboo pipelines against `npm start` (workerd on the built bundle, SQLite on local disk): a callback node driven
 * over HTTP, and runs that survive workerd being killed at random moments.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { treeOf } from "../../engine/bamboo/validator/test-trees";
import type { PipelineTree } from "../../engine/bamboo/tree";
import { BAMBOO_TEST_SCRIPTS } from "../fixtures/bamboo-components";
import { runCli } from "./cli-runner";
import { createProject, pollUntil, request, ROOT, startServer, startStub, type Server } from "./server";
import { withCode } from "../fixtures/bamboo-trees";

let server: Server;
let project: string;
let token: string;

beforeAll(async () => {
  server = await startServer();
  ({ project, token } = await createProject(server, "pipes", BAMBOO_TEST_SCRIPTS));
});
afterAll(async () => {
  await server?.stop();
});

const call = (method: string, path: string, json?: unknown) =>
  request(server, method, `/v1/projects/${project}${path}`, json === undefined ? { token } : { token, json });

/** Polls a run until `done`, tolerating a server that is restarting. */
const waitForRun = (id: string, done: (body: any) => boolean) => pollUntil(server, `run ${id}`, () => call("GET", `/pipelines/${id}`), done);

describe("a callback node over HTTP", () => {
  it("waits at the callback node until POST …/callback with its version, then finishes", async () => {
    const id = `cb-${Date.now().toString(36)}`;
    const tree = withCode(treeOf({ id, flows: ["s -> A -> C -> B -> e"] }), { C: "callback_node" });
    const started = await call("POST", "/pipelines", { pipeline: tree });
    expect(started.status).toBe(201);
    expect(started.body).toEqual({ id, state: "RUNNING" });
    let detail: any;
    const deadline = Date.now() + 20_000;
    do {
      detail = (await call("GET", `/pipelines/${id}/nodes/C`)).body;
      if (Date.now() > deadline) throw new Error(JSON.stringify(detail));
    } while (detail.schedule === null);
    expect(detail.state.state).toBe("RUNNING");
    expect(detail.schedule).toMatchObject({ type: "CALLBACK", finished: false, expired: false, schedule_times: 0 });
    expect((await call("GET", `/pipelines/${id}`)).body.children.B).toBeUndefined();

    const stale = await call("POST", `/pipelines/${id}/nodes/C/callback`, { version: "v-stale", data: {} });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe("invalid_operation");
    const accepted = await call("POST", `/pipelines/${id}/nodes/C/callback`, { version: detail.state.version, data: { bit: 1 } });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toEqual({ result: true });
    const done = await waitForRun(id, (body) => body.state === "FINISHED");
    expect(Object.fromEntries(Object.entries(done.children).map(([k, v]: [string, any]) => [k, v.state]))).toEqual({ s: "FINISHED", A: "FINISHED", C: "FINISHED", B: "FINISHED", e: "FINISHED" });
    const listed = await call("GET", "/pipelines?state=FINISHED");
    expect(listed.body.pipelines.map((p: { id: string }) => p.id)).toContain(id);
  });
});

describe("a restart loses nothing", () => {
  it("every run finishes with the expected states after workerd is killed (SIGKILL) three times mid-run", async () => {
    const shapes = (i: number): PipelineTree => {
      const id = `crash-${i}-${Date.now().toString(36)}`;
      switch (i % 3) {
        case 0:
          return withCode(treeOf({ id, flows: ["s -> A -> T -> B -> e"] }), { T: "sleep_timer" }, { T: { bk_timing: { type: "plain", value: 1 } } });
        case 1:
          return withCode(treeOf({ id, flows: ["s -> PG -> [A, T1, T2] -> CG -> e"] }), { T1: "sleep_timer", T2: "sleep_timer" }, {
            T1: { bk_timing: { type: "plain", value: 1 } },
            T2: { bk_timing: { type: "plain", value: 2 } },
          });
        default:
          return withCode(treeOf({ id, flows: ["s -> SUB -> C -> e"], subprocesses: { SUB: { flows: ["SUB_s -> T -> X -> SUB_e"] } } }), { T: "sleep_timer" }, { T: { bk_timing: { type: "plain", value: 2 } } });
      }
    };
    const trees = Array.from({ length: 12 }, (_, i) => shapes(i));
    for (const tree of trees) expect((await call("POST", "/pipelines", { pipeline: tree })).status).toBe(201);
    for (let round = 0; round < 3; round++) {
      await new Promise((resolve) => setTimeout(resolve, 150 + Math.floor(Math.random() * 700)));
      await server.crashAndRestart();
    }
    for (const tree of trees) {
      const done = await waitForRun(tree.id, (body) => body.state === "FINISHED");
      const states = Object.values(done.children).map((child: any) => child.state);
      expect(new Set(states), tree.id).toEqual(new Set(["FINISHED"]));
      const expectedNodes = JSON.stringify(tree).match(/"type":"(ServiceActivity|SubProcess|ExclusiveGateway|ParallelGateway|ConvergeGateway|EmptyStartEvent|EmptyEndEvent)"/g)!.length;
      expect(Object.keys(done.children), tree.id).toHaveLength(expectedNodes);
    }
  });
});

describe("examples/bamboo", () => {
  it("pushes with the CLI, and both example trees run as examples/bamboo/README.md says", async () => {
    const examples = join(ROOT, "examples", "bamboo");
    const pushed = await runCli(["push", examples, "--url", server.url, "--project", project, "--token", token]);
    expect(pushed.code, pushed.stdout + pushed.stderr).toBe(0);

    const order = JSON.parse(readFileSync(join(examples, "trees", "order.json"), "utf8"));
    const data = JSON.parse(readFileSync(join(examples, "trees", "order.data.json"), "utf8"));
    expect((await call("POST", "/pipelines", { pipeline: order, root_pipeline_data: data })).status).toBe(201);
    const done = await waitForRun(order.id, (body) => body.state === "FINISHED");
    expect(done.children.n_auto).toBeUndefined();
    expect((await call("GET", `/pipelines/${order.id}/nodes/${order.id}`)).body.execution_data.outputs).toEqual({ "${amount}": 135.9, "${tracking}": "SF-EXPRESS-A1001" });

    const payment = JSON.parse(readFileSync(join(examples, "trees", "payment.json"), "utf8"));
    expect((await call("POST", "/pipelines", { pipeline: payment })).status).toBe(201);
    const versionOf = async (nodeId: string) => {
      for (;;) {
        const detail = (await call("GET", `/pipelines/${payment.id}/nodes/${nodeId}`)).body;
        if (detail.schedule?.version === detail.state?.version && detail.state?.state === "RUNNING") return detail.state.version as string;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    };
    const paid = await call("POST", `/pipelines/${payment.id}/nodes/n_pay/callback`, { version: await versionOf("n_pay"), data: { status: "paid", paid_at: "2026-06-01T10:00:00Z" } });
    expect(paid.status).toBe(200);
    const approve = await versionOf("n_approve");
    for (const who of ["ann", "bob"]) expect((await call("POST", `/pipelines/${payment.id}/nodes/n_approve/callback`, { version: approve, data: { approver: who } })).status).toBe(200);
    await waitForRun(payment.id, (body) => body.state === "FINISHED");
    expect((await call("GET", `/pipelines/${payment.id}/nodes/${payment.id}`)).body.execution_data.outputs).toEqual({ "${paid_at}": "2026-06-01T10:00:00Z", "${approvers}": ["ann", "bob"] });
  });
});

describe("S23 variant: forced fail while execute is still running", () => {
  it("the execute that finishes later is discarded: its outputs never replace the forced failure", async () => {
    // dummy_exec_node awaits its input's seconds; here it awaits a loopback server that answers when told to.
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const stub = await startStub(async () => {
      await released;
      return { body: { slept: true } };
    });
    try {
      const source = `export const permissions = { net: ["127.0.0.1"] };
export default {
  async execute(data) {
    const answer = await fetch("${stub.url}/sleep");
    data.outputs.slept = (await answer.json()).slept;
    return true;
  },
};
`;
      const stored = await request(server, "PUT", `/v1/projects/${project}/scripts/component/dummy_exec_node`, { token, script: source });
      expect([200, 201]).toContain(stored.status);
      const id = `ffexec-${Date.now().toString(36)}`;
      expect((await call("POST", "/pipelines", { pipeline: withCode(treeOf({ id, flows: ["s -> T -> e"] }), { T: "dummy_exec_node" }) })).status).toBe(201);
      const deadline = Date.now() + 20_000;
      while (stub.requests.length === 0) {
        if (Date.now() > deadline) throw new Error("the component never called the stub");
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const failed = await call("POST", `/pipelines/${id}/nodes/T/forced-fail`, { ex_data: "forced fail by test" });
      expect(failed.status, JSON.stringify(failed.body)).toBe(200);
      const expected = { inputs: {}, outputs: { ex_data: "forced fail by test", _forced_failed: true } };
      expect((await call("GET", `/pipelines/${id}/nodes/T`)).body.execution_data).toEqual(expected);
      release();
      // The run's work items run in order: once the skip's continuation has finished the run, the late execute
      // has completed before it, and was discarded.
      expect((await call("POST", `/pipelines/${id}/nodes/T/skip`)).status).toBe(200);
      await waitForRun(id, (body) => body.state === "FINISHED");
      const after = (await call("GET", `/pipelines/${id}/nodes/T`)).body;
      expect(after.execution_data).toEqual(expected);
      expect(after.state).toMatchObject({ state: "FINISHED", skip: true });
    } finally {
      release();
      await stub.close();
    }
  });
});
