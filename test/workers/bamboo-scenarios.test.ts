import { beforeAll, describe, expect, it } from "vitest";
import { flowBetween } from "../../engine/bamboo/validator/test-trees";
import { api } from "./helpers";
import { is, lazy, node, op, pipeline, pipelineProject, plain, run, runId, splice, stateNames, states, waitFor, waitForSchedule, type States } from "./pipeline-harness";

/** The scenarios of bamboo-scenarios.md, against real Durable Objects, SQLite and QuickJS. */

let project: string;
beforeAll(async () => {
  project = await pipelineProject();
});

const finished = (s: States, ids: string[]) => ids.every((nid) => (nid === s.id ? s.state : s.children[nid]?.state) === "FINISHED");
const LOOP1 = { _loop: 1, _inner_loop: 1 };
const DEBUG_EXEC = { inputs: LOOP1, outputs: { ...LOOP1, _result: true } };

function schedule(detail: any) {
  const { finished, expired, scheduling, schedule_times } = detail.schedule;
  return { finished, expired, scheduling, times: schedule_times };
}

describe("A. basic execution", () => {
  it("S1: a single debug_node runs, polls once and finishes the pipeline", async () => {
    const P = runId("s1");
    await run(project, pipeline({ id: P, flows: ["s -> A -> e"] }));
    const s = await waitFor(project, P, (x) => x.state === "FINISHED");
    expect(stateNames(s, [P, "s", "A", "e"])).toEqual(is("FINISHED", [P, "s", "A", "e"]));
    expect((await node(project, P, P)).execution_data).toEqual({ inputs: {}, outputs: {} });
    const a = await node(project, P, "A");
    expect(a.execution_data).toEqual(DEBUG_EXEC);
    expect(schedule(a)).toEqual({ finished: true, expired: false, scheduling: false, times: 1 });
  });

  const fiveWay = (P: string, conditions: string[], defaults?: Record<string, string>) =>
    pipeline({
      id: P,
      flows: ["s -> EG -> [A0, A1, A2, A3, A4] -> CG -> e"],
      conditions: { EG: Object.fromEntries(conditions.map((c, i) => [`A${i}`, c])) },
      ...(defaults ? { defaults } : {}),
      data: { inputs: { "${a}": plain("1") as never, "${b}": plain("0") as never, "${c}": plain("0") as never }, outputs: [] },
    });
  const As = ["A0", "A1", "A2", "A3", "A4"];

  it("S2: an exclusive gateway renders its conditions as text; an undefined ${d} stays literal", async () => {
    const P = runId("s2");
    await run(project, fiveWay(P, ['"${a}" == "1"', '"${b}" == "1"', '"${c}" == "1"', '"${d}" == "1"', "True == False"]));
    const s = await waitFor(project, P, (x) => x.state === "FINISHED");
    expect(stateNames(s, ["s", "EG", "A0", "CG", "e"])).toEqual(is("FINISHED", ["s", "EG", "A0", "CG", "e"]));
    expect(stateNames(s, ["A1", "A2", "A3", "A4"])).toEqual(is("absent", ["A1", "A2", "A3", "A4"]));
    expect((await node(project, P, "A0")).execution_data).toEqual(DEBUG_EXEC);
  });

  it("S3: no condition and no default fails the gateway; the pipeline stays RUNNING", async () => {
    const P = runId("s3");
    await run(project, fiveWay(P, Array(5).fill("True == False")));
    const s = await waitFor(project, P, (x) => x.children.EG?.state === "FAILED");
    expect(s.state).toBe("RUNNING");
    expect(stateNames(s, [...As, "CG", "e"])).toEqual(is("absent", [...As, "CG", "e"]));
    expect((await node(project, P, "EG")).execution_data).toEqual({ inputs: {}, outputs: { ex_data: "all conditions of branches are not meet" } });
  });

  it("S4: no condition met takes the default branch", async () => {
    const P = runId("s4");
    await run(project, fiveWay(P, Array(5).fill("True == False"), { EG: "A1" }));
    const s = await waitFor(project, P, (x) => x.state === "FINISHED");
    expect(stateNames(s, ["s", "EG", "A1", "CG", "e"])).toEqual(is("FINISHED", ["s", "EG", "A1", "CG", "e"]));
    expect(stateNames(s, ["A0", "A2", "A3", "A4"])).toEqual(is("absent", ["A0", "A2", "A3", "A4"]));
    expect(schedule(await node(project, P, "A1")).times).toBe(1);
  });

  it("S6: a conditional parallel gateway forks the true branches and converges once", async () => {
    const P = runId("s6");
    const conds = ["True == True", "True == True", "True == True", "True == False", "True == False"];
    await run(project, pipeline({ id: P, flows: ["s -> CPG -> [A0, A1, A2, A3, A4] -> CG -> e"], conditions: { CPG: Object.fromEntries(conds.map((c, i) => [`A${i}`, c])) } }));
    const s = await waitFor(project, P, (x) => x.state === "FINISHED");
    expect(stateNames(s, ["s", "CPG", "A0", "A1", "A2", "CG", "e"])).toEqual(is("FINISHED", ["s", "CPG", "A0", "A1", "A2", "CG", "e"]));
    expect(stateNames(s, ["A3", "A4"])).toEqual(is("absent", ["A3", "A4"]));
    for (const a of ["A0", "A1", "A2"]) expect((await node(project, P, a)).execution_data).toEqual(DEBUG_EXEC);
    const events = (await api("GET", `/v1/projects/${project}/pipelines/${P}/events`)).body.events as { event_type: string; data: any }[];
    expect(events.filter((e) => e.event_type === "node_finish" && e.data.node_id === "CG")).toHaveLength(1);
  });

  it("S6 variants: no match fails the gateway; a default runs only that branch", async () => {
    const none = runId("s6n");
    await run(project, pipeline({ id: none, flows: ["s -> CPG -> [A0, A1] -> CG -> e"], conditions: { CPG: { A0: "True == False", A1: "True == False" } } }));
    const s = await waitFor(project, none, (x) => x.children.CPG?.state === "FAILED");
    expect(s.state).toBe("RUNNING");
    expect(stateNames(s, ["A0", "A1", "CG", "e"])).toEqual(is("absent", ["A0", "A1", "CG", "e"]));
    expect((await node(project, none, "CPG")).execution_data.outputs.ex_data).toBe("all conditions of branches are not meet");

    const fallback = runId("s6d");
    await run(project, pipeline({ id: fallback, flows: ["s -> CPG -> [A0, A1] -> CG -> e"], conditions: { CPG: { A0: "True == False", A1: "True == False" } }, defaults: { CPG: "A1" } }));
    const d = await waitFor(project, fallback, (x) => x.state === "FINISHED");
    expect(stateNames(d, ["A0", "A1"])).toEqual({ A0: "absent", A1: "FINISHED" });
  });
});

describe("B. retry, skip and failure control", () => {
  const failing = (P: string) => pipeline({ id: P, flows: ["s -> A -> e"] }, { A: { code: "fail_ctrl_node" } });

  it("S8: retry with new input data", async () => {
    const P = runId("s8");
    await run(project, failing(P));
    await waitFor(project, P, (x) => x.children.A?.state === "FAILED");
    const before = await node(project, P, "A");
    expect(before.execution_data).toEqual({ inputs: LOOP1, outputs: { _result: false, ...LOOP1 } });
    const v0 = before.state.version;
    expect((await op(project, P, "nodes/A/retry", { data: { bit: 1 } })).body).toEqual({ result: true });
    const s = await waitFor(project, P, (x) => x.state === "FINISHED");
    expect(stateNames(s, ["s", "A", "e"])).toEqual(is("FINISHED", ["s", "A", "e"]));
    const after = await node(project, P, "A");
    expect(after.execution_data).toEqual({ inputs: { bit: 1, ...LOOP1 }, outputs: { _result: true, ...LOOP1 } });
    expect(after.state.version).not.toBe(v0);
    expect(after.state.retry).toBe(1);
    expect(after.histories).toHaveLength(1);
    expect(after.histories[0]).toMatchObject({ loop: 1, retry: 0, skip: false, version: v0, inputs: LOOP1, outputs: { _result: false, ...LOOP1 } });
    expect(after.histories[0].started_time).not.toBeNull();
    expect(after.histories[0].archived_time).not.toBeNull();
  });

  it("S9: skip a failed node", async () => {
    const P = runId("s9");
    await run(project, failing(P));
    await waitFor(project, P, (x) => x.children.A?.state === "FAILED");
    const v0 = (await node(project, P, "A")).state.version;
    expect((await op(project, P, "nodes/A/skip")).status).toBe(200);
    const s = await waitFor(project, P, (x) => x.state === "FINISHED");
    expect(stateNames(s, ["s", "A", "e"])).toEqual(is("FINISHED", ["s", "A", "e"]));
    const a = await node(project, P, "A");
    expect(a.execution_data.outputs._result).toBe(false);
    expect(a.state.skip).toBe(true);
    expect(a.state.version).not.toBe(v0);
    expect(a.histories).toHaveLength(1);
    expect(a.histories[0]).toMatchObject({ skip: false, version: v0, inputs: LOOP1, outputs: { _result: false, ...LOOP1 } });
  });

  const fs = ["F1", "F2", "F3", "F4", "F5"];
  const gs = ["G1", "G2", "G3", "G4", "G5"];
  const nested = (P: string) =>
    pipeline(
      {
        id: P,
        start: "ps",
        end: "pe",
        flows: ["ps -> SUB -> pe"],
        subprocesses: { SUB: { start: "s", end: "e", flows: ["s -> PG1 -> [PG2, F1, F2, F3, F4, F5]", "PG2 -> [G1, G2, G3, G4, G5] -> CG1 -> CG2", "[F1, F2, F3, F4, F5] -> CG2 -> e"] } },
      },
      Object.fromEntries([...fs, ...gs].map((id) => [id, { code: "fail_ctrl_node" }])),
    );

  for (const variant of ["retry", "skip"] as const) {
    it(`S10: ${variant} every failed node of parallel blocks nested in a subprocess`, async () => {
      const P = runId(`s10${variant}`);
      await run(project, nested(P));
      const s = await waitFor(project, P, (x) => [...fs, ...gs].every((id) => x.children[id]?.state === "FAILED"));
      expect(stateNames(s, [P, "SUB"])).toEqual(is("RUNNING", [P, "SUB"]));
      expect(stateNames(s, ["CG1", "CG2", "e", "pe"])).toEqual(is("absent", ["CG1", "CG2", "e", "pe"]));
      for (const id of [...fs, ...gs]) {
        const reply = variant === "retry" ? await op(project, P, `nodes/${id}/retry`, { data: { bit: 1 } }) : await op(project, P, `nodes/${id}/skip`);
        expect(reply.status, `${variant} ${id}: ${JSON.stringify(reply.body)}`).toBe(200);
      }
      const all = [P, "s", "PG1", "PG2", "CG1", "CG2", "e", "ps", "SUB", "pe", ...fs, ...gs];
      const done = await waitFor(project, P, (x) => x.state === "FINISHED");
      expect(stateNames(done, all)).toEqual(is("FINISHED", all));
    });
  }

  it("S11: skip a failed exclusive gateway onto a chosen flow", async () => {
    const P = runId("s11");
    const tree = pipeline({ id: P, flows: ["s -> B -> EG -> [X1, N]", "X1 -> X2 -> CG", "N -> CG -> e"], conditions: { EG: { X1: "True == False", N: "True == False" } } });
    await run(project, tree);
    await waitFor(project, P, (x) => x.children.EG?.state === "FAILED");
    expect((await op(project, P, "nodes/EG/skip-exclusive-gateway", { flow_id: flowBetween(tree, "EG", "X1") })).status).toBe(200);
    const s = await waitFor(project, P, (x) => x.state === "FINISHED");
    expect(stateNames(s, ["s", "B", "EG", "X1", "X2", "CG", "e"])).toEqual(is("FINISHED", ["s", "B", "EG", "X1", "X2", "CG", "e"]));
    expect(s.children.N).toBeUndefined();
    const eg = await node(project, P, "EG");
    expect(eg.state.skip).toBe(true);
    expect(eg.histories).toHaveLength(1);
  });

  it("S13: retry a subprocess whose params fail to hydrate", async () => {
    const P = runId("s13");
    await run(project, pipeline({ id: P, flows: ["s -> SUB -> e"], subprocesses: { SUB: { flows: ["SUB_s -> a -> SUB_e"] } } }, { SUB: { params: { "${raise_var}": lazy("raise_variable", "") } } }));
    await waitFor(project, P, (x) => x.children.SUB?.state === "FAILED");
    const v0 = (await node(project, P, "SUB")).state.version;
    expect((await op(project, P, "nodes/SUB/retry-subprocess")).status).toBe(200);
    await waitFor(project, P, (x) => x.children.SUB?.state === "FAILED" && x.children.SUB.version !== v0);
    const sub = await node(project, P, "SUB");
    expect(sub.histories).toHaveLength(1);
    expect(sub.histories[0]).toMatchObject({ loop: 1, retry: 0, skip: false, version: v0, inputs: {} });
    expect(Object.keys(sub.histories[0].outputs)).toEqual(["ex_data"]);
  });
});

describe("B. S14: API precondition errors change nothing", () => {
  const refuse = async (P: string, path: string, json?: unknown, status = 409) => {
    const before = await states(project, P);
    const reply = await op(project, P, path, json);
    expect(reply.status, `${path}: ${JSON.stringify(reply.body)}`).toBe(status);
    expect(reply.body.error.code).toBe(status === 404 ? "not_found" : "invalid_operation");
    expect(await states(project, P)).toEqual(before);
    return reply.body.error.message as string;
  };

  it("refuses retry, skip and node operations in the wrong state or on the wrong node type", async () => {
    const P = runId("s14");
    const tree = pipeline(
      { id: P, flows: ["s -> A -> SUB -> EG -> [B, C] -> CG -> e"], subprocesses: { SUB: { flows: ["SUB_s -> X -> SUB_e"] } }, conditions: { EG: { B: "True == True", C: "True == False" } } },
      { B: { code: "fail_ctrl_node", retryable: false, skippable: false } },
    );
    await run(project, tree);
    await waitFor(project, P, (x) => x.children.B?.state === "FAILED");
    expect(await refuse(P, "nodes/A/retry")).toMatch(/state is not FAILED, actual FINISHED/);
    expect(await refuse(P, "nodes/B/retry")).toMatch(/can not retry node\(B\) with can_retry\(False\)/);
    expect(await refuse(P, "nodes/A/retry-subprocess")).toMatch(/can not use retry_subprocess api for ServiceActivity/);
    expect(await refuse(P, "nodes/B/skip")).toBe("can not skip this node");
    expect(await refuse(P, "nodes/EG/skip")).toMatch(/can not use skip_node api for ExclusiveGateway/);
    expect(await refuse(P, "nodes/SUB/skip")).toMatch(/can not use skip_node api for SubProcess/);
    expect(await refuse(P, "nodes/A/skip-exclusive-gateway", { flow_id: "f1" })).toMatch(/can not use skip_exclusive_gateway api/);
    expect(await refuse(P, "nodes/SUB/pause")).toMatch(/can not use pause_node_appoint api for SubProcess/);
    expect(await refuse(P, "nodes/A/forced-fail")).toMatch(/state is not RUNNING, actual FINISHED/);
    expect(await refuse(P, "nodes/A/callback", { version: "v-nope" })).toMatch(/can not find sleep process/);
    expect(await refuse(P, "resume")).toMatch(/state is: RUNNING/);
    expect(await refuse(P, "pause", { pipeline_id: "nope" }, 404)).toMatch(/not exist/);
    expect(await refuse(P, "revoke", { pipeline_id: "nope" }, 404)).toMatch(/not exist/);
  });

  it("refuses to pause a finished pipeline, and a callback with a wrong version", async () => {
    const P = runId("s14b");
    await run(project, pipeline({ id: P, flows: ["s -> A -> e"] }));
    await waitFor(project, P, (x) => x.state === "FINISHED");
    expect(await refuse(P, "pause")).toMatch(/FINISHED to SUSPENDED/);

    const C = runId("s14c");
    await run(project, pipeline({ id: C, flows: ["s -> A -> e"] }, { A: { code: "callback_node" } }));
    await waitFor(project, C, (x) => x.children.A?.state === "RUNNING");
    await waitForSchedule(project, C, "A");
    expect(await refuse(C, "nodes/A/callback", { version: "v-wrong" })).toMatch(/./);
  });
});

describe("C. pause, resume and revoke", () => {
  it("S15: pausing the pipeline lets the running timer finish, and resume continues", async () => {
    const P = runId("s15");
    await run(project, pipeline({ id: P, flows: ["s -> SUB -> e"], subprocesses: { SUB: { start: "ss", end: "se", flows: ["ss -> T -> se"] } } }, { T: { code: "sleep_timer", inputs: { bk_timing: plain(1) } } }));
    await waitFor(project, P, (x) => x.children.T?.state === "RUNNING");
    expect((await op(project, P, "pause")).status).toBe(200);
    const paused = await waitFor(project, P, (x) => x.children.T?.state === "FINISHED");
    await new Promise((resolve) => setTimeout(resolve, 300));
    const still = await states(project, P);
    expect(still.state).toBe("SUSPENDED");
    expect(stateNames(still, ["s", "ss", "T"])).toEqual(is("FINISHED", ["s", "ss", "T"]));
    expect(still.children.SUB?.state).toBe("RUNNING");
    expect(stateNames(paused, ["se", "e"])).toEqual(is("absent", ["se", "e"]));
    expect(stateNames(still, ["se", "e"])).toEqual(is("absent", ["se", "e"]));
    expect((await op(project, P, "resume")).status).toBe(200);
    const done = await waitFor(project, P, (x) => x.state === "FINISHED");
    expect(stateNames(done, [P, "s", "SUB", "e", "ss", "T", "se"])).toEqual(is("FINISHED", [P, "s", "SUB", "e", "ss", "T", "se"]));
  });

  it("S16: pausing only a subprocess stops its branches at their next node", async () => {
    const P = runId("s16");
    const ts = ["T1", "T2"];
    const us = ["U1", "U2"];
    const tree = pipeline(
      {
        id: P,
        start: "ps",
        end: "pe",
        flows: ["ps -> SUB -> pe"],
        subprocesses: { SUB: { start: "s", end: "e", flows: ["s -> PG1 -> [PG2, T1, T2]", "PG2 -> [U1, U2]", "U1 -> E1 -> CG1", "U2 -> E2 -> CG1", "CG1 -> CG2", "T1 -> D1 -> CG2", "T2 -> D2 -> CG2", "CG2 -> e"] } },
      },
      Object.fromEntries([...ts, ...us].map((id) => [id, { code: "sleep_timer", inputs: { bk_timing: plain(1) } }])),
    );
    await run(project, tree);
    await waitFor(project, P, (x) => [...ts, ...us].every((id) => x.children[id]?.state === "RUNNING"));
    expect((await op(project, P, "pause", { pipeline_id: "SUB" })).status).toBe(200);
    await waitFor(project, P, (x) => [...ts, ...us].every((id) => x.children[id]?.state === "FINISHED"));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const s = await states(project, P);
    expect(s.children.SUB?.state).toBe("SUSPENDED");
    expect(s.state).toBe("RUNNING");
    expect(stateNames(s, ["D1", "D2", "E1", "E2", "CG1", "CG2", "e", "pe"])).toEqual(is("absent", ["D1", "D2", "E1", "E2", "CG1", "CG2", "e", "pe"]));
    expect((await op(project, P, "resume", { pipeline_id: "SUB" })).status).toBe(200);
    const done = await waitFor(project, P, (x) => x.state === "FINISHED");
    const all = ["ps", "SUB", "pe", "s", "PG1", "PG2", ...ts, ...us, "D1", "D2", "E1", "E2", "CG1", "CG2", "e"];
    expect(stateNames(done, all)).toEqual(is("FINISHED", all));
  });

  it("S17: an appointed pause before the node is reached, resumed after", async () => {
    const P = runId("s17");
    await run(project, pipeline({ id: P, flows: ["s -> T -> A -> e"] }, { T: { code: "sleep_timer", inputs: { bk_timing: plain(1) } } }));
    expect((await op(project, P, "nodes/A/pause")).status).toBe(200);
    expect((await states(project, P)).children.A?.state).toBe("SUSPENDED");
    await waitFor(project, P, (x) => x.children.T?.state === "FINISHED");
    await new Promise((resolve) => setTimeout(resolve, 300));
    const s = await states(project, P);
    expect(s.state).toBe("RUNNING");
    expect(s.children.A?.state).toBe("SUSPENDED");
    expect(s.children.e).toBeUndefined();
    expect((await op(project, P, "nodes/A/resume")).status).toBe(200);
    const done = await waitFor(project, P, (x) => x.state === "FINISHED");
    expect(stateNames(done, [P, "s", "T", "A", "e"])).toEqual(is("FINISHED", [P, "s", "T", "A", "e"]));
  });

  it("S17 variant: resumed early, the node runs normally when reached; pausing a RUNNING node is refused", async () => {
    const P = runId("s17e");
    await run(project, pipeline({ id: P, flows: ["s -> T -> A -> e"] }, { T: { code: "sleep_timer", inputs: { bk_timing: plain(1) } } }));
    expect((await op(project, P, "nodes/A/pause")).status).toBe(200);
    expect((await op(project, P, "nodes/A/resume")).status).toBe(200);
    expect((await states(project, P)).children.A?.state).toBe("READY");
    await waitFor(project, P, (x) => x.children.T?.state === "RUNNING");
    const refused = await op(project, P, "nodes/T/pause");
    expect(refused.status).toBe(409);
    const done = await waitFor(project, P, (x) => x.state === "FINISHED");
    expect(finished(done, [P, "s", "T", "A", "e"])).toBe(true);
  });

  it("revoke: processes die at their next node; a revoked pipeline cannot be paused or revoked again", async () => {
    const P = runId("rev");
    await run(project, pipeline({ id: P, flows: ["s -> T -> A -> e"] }, { T: { code: "sleep_timer", inputs: { bk_timing: plain(1) } } }));
    await waitFor(project, P, (x) => x.children.T?.state === "RUNNING");
    expect((await op(project, P, "revoke")).status).toBe(200);
    await waitFor(project, P, (x) => x.children.T?.state === "FINISHED");
    await new Promise((resolve) => setTimeout(resolve, 300));
    const s = await states(project, P);
    expect(s.state).toBe("REVOKED");
    expect(s.children.A).toBeUndefined();
    expect((await op(project, P, "revoke")).status).toBe(409);
    expect((await op(project, P, "pause")).status).toBe(409);
  });
});

describe("D. callbacks, polling and forced fail", () => {
  it("S20: one callback finishes a callback node; a second is refused", async () => {
    const P = runId("s20");
    await run(project, pipeline({ id: P, flows: ["s -> C -> e"] }, { C: { code: "callback_node" } }));
    const detail = await waitForSchedule(project, P, "C");
    const v = detail.state.version;
    expect((await op(project, P, "nodes/C/callback", { version: v, data: {} })).status).toBe(200);
    const s = await waitFor(project, P, (x) => x.state === "FINISHED");
    expect(stateNames(s, ["s", "C", "e"])).toEqual(is("FINISHED", ["s", "C", "e"]));
    expect(schedule(await node(project, P, "C"))).toEqual({ finished: true, expired: false, scheduling: false, times: 1 });
    expect((await op(project, P, "nodes/C/callback", { version: v, data: {} })).status).toBe(409);
  });

  it("S22: five callbacks finish a multi-callback node; hooks record 5 schedule rounds and no node_finish", async () => {
    const P = runId("s22");
    await run(project, pipeline({ id: P, flows: ["s -> M -> e"] }, { M: { code: "hook_multi_callback_node" } }));
    const v = (await waitForSchedule(project, P, "M")).state.version;
    for (let i = 0; i < 3; i++) expect((await op(project, P, "nodes/M/callback", { version: v, data: { bit: 1, schedule_time: i } })).status).toBe(200);
    await waitUntil(async () => schedule(await node(project, P, "M")).times === 3);
    const three = await node(project, P, "M");
    expect(three.state.state).toBe("RUNNING");
    expect(schedule(three)).toEqual({ finished: false, expired: false, scheduling: false, times: 3 });
    for (let i = 3; i < 5; i++) expect((await op(project, P, "nodes/M/callback", { version: v, data: { bit: 1, schedule_time: i } })).status).toBe(200);
    const s = await waitFor(project, P, (x) => x.state === "FINISHED");
    expect(stateNames(s, ["s", "M", "e"])).toEqual(is("FINISHED", ["s", "M", "e"]));
    const m = await node(project, P, "M");
    expect(schedule(m)).toEqual({ finished: true, expired: false, scheduling: false, times: 5 });
    expect(m.execution_data.outputs._scheduled_times).toBe(5);
    const rounds = Array.from({ length: 5 }, () => ["pre_schedule", "schedule", "post_schedule"]).flat();
    expect(m.execution_data.outputs.hook_call_order).toEqual(["node_enter", "pre_execute", "execute", "post_execute", ...rounds]);
  });

  it("S22 variant: failing callbacks fail the node; retry and five callbacks with the new version finish it", async () => {
    const P = runId("s22f");
    await run(project, pipeline({ id: P, flows: ["s -> M -> e"] }, { M: { code: "multi_callback_node" } }));
    const v = (await waitForSchedule(project, P, "M")).state.version;
    expect((await op(project, P, "nodes/M/callback", { version: v, data: { bit: 0 } })).status).toBe(200);
    await waitFor(project, P, (x) => x.children.M?.state === "FAILED");
    const second = await op(project, P, "nodes/M/callback", { version: v, data: { bit: 0 } });
    expect(second.status).toBe(200);
    await waitUntil(async () => (await node(project, P, "M")).schedule.expired === true);
    expect(schedule(await node(project, P, "M"))).toEqual({ finished: false, expired: true, scheduling: false, times: 1 });
    expect((await op(project, P, "nodes/M/retry")).status).toBe(200);
    const fresh = await waitUntil(async () => {
      const detail = await node(project, P, "M");
      return detail.state.version !== v && detail.schedule?.version === detail.state.version ? detail : undefined;
    });
    for (let i = 0; i < 5; i++) expect((await op(project, P, "nodes/M/callback", { version: fresh.state.version, data: { bit: 1 } })).status).toBe(200);
    await waitFor(project, P, (x) => x.state === "FINISHED");
    expect(schedule(await node(project, P, "M")).times).toBe(5);
  });

  it("S23: forced fail during polling, then skip", async () => {
    const P = runId("s23");
    await run(project, pipeline({ id: P, flows: ["s -> T -> e"] }, { T: { code: "sleep_timer", inputs: { bk_timing: plain(2) } } }));
    await waitUntil(async () => (await node(project, P, "T")).schedule?.schedule_times >= 1);
    expect((await op(project, P, "nodes/T/forced-fail", { ex_data: "forced fail by test" })).status).toBe(200);
    const t = await node(project, P, "T");
    expect(t.state.state).toBe("FAILED");
    expect(t.execution_data.inputs).toEqual({ ...LOOP1, bk_timing: 2 });
    expect(Object.keys(t.execution_data.outputs).sort()).toEqual(["_forced_failed", "_inner_loop", "_loop", "_result", "eta", "ex_data", "timing_time", "type"]);
    expect(t.execution_data.outputs).toMatchObject({ ex_data: "forced fail by test", _forced_failed: true, eta: "2", type: "countdown", _result: true, ...LOOP1 });
    // The next poll finds the version changed and expires the schedule.
    const expired = await waitUntil(async () => {
      const detail = await node(project, P, "T");
      return detail.schedule.expired ? detail : undefined;
    }, 20_000, () => node(project, P, "T"));
    expect(expired.state.state).toBe("FAILED");
    expect(expired.schedule.finished).toBe(false);
    expect(expired.execution_data).toEqual(t.execution_data);
    expect((await op(project, P, "nodes/T/skip")).status).toBe(200);
    const s = await waitFor(project, P, (x) => x.state === "FINISHED");
    expect(stateNames(s, [P, "s", "T", "e"])).toEqual(is("FINISHED", [P, "s", "T", "e"]));
    const skipped = await node(project, P, "T");
    expect(skipped.execution_data).toEqual(t.execution_data);
    expect(skipped.histories).toHaveLength(1);
    expect(skipped.histories[0]).toMatchObject({ inputs: t.execution_data.inputs, outputs: t.execution_data.outputs });
  });

  it("S23 variant: forced fail of a callback node that never got its callback, then skip", async () => {
    const P = runId("s23c");
    await run(project, pipeline({ id: P, flows: ["s -> C -> e"] }, { C: { code: "callback_node" } }));
    await waitForSchedule(project, P, "C");
    expect((await op(project, P, "nodes/C/forced-fail", { ex_data: "forced fail by test" })).status).toBe(200);
    const c = await node(project, P, "C");
    expect(c.execution_data.outputs).toEqual({ ex_data: "forced fail by test", _forced_failed: true, _result: true, ...LOOP1 });
    expect((await op(project, P, "nodes/C/skip")).status).toBe(200);
    await waitFor(project, P, (x) => x.state === "FINISHED");
  });
});

/** Polls until `check` answers something truthy (or true), and answers it. */
async function waitUntil<T>(check: () => Promise<T | undefined | false>, timeoutMs = 20_000, show?: () => Promise<unknown>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as T;
    if (Date.now() > deadline) throw new Error(`timed out${show ? `: ${JSON.stringify(await show())}` : ""}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe("E. data flow", () => {
  it("S24: plain, splice and lazy inputs, and what the root context holds", async () => {
    const P = runId("s24");
    await run(
      project,
      pipeline(
        { id: P, flows: ["s -> A -> e"], data: { inputs: { "${constant_1}": plain("value_1") as never }, outputs: [] } },
        { A: { inputs: { param_1: splice("${constant_1}"), param_2: lazy("upper_case", "abc"), param_3: plain("normal var") } } },
      ),
    );
    await waitFor(project, P, (x) => x.state === "FINISHED");
    const a = await node(project, P, "A");
    const inputs = { ...LOOP1, param_1: "value_1", param_2: "ABC", param_3: "normal var" };
    expect(a.execution_data).toEqual({ inputs, outputs: { ...inputs, _result: true } });
    const context = (await api("GET", `/v1/projects/${project}/pipelines/${P}/context`)).body;
    expect(context).toEqual({
      "${constant_1}": { type: "plain", value: "value_1" },
      "${param_2_A}": { type: "compute", value: "abc", code: "upper_case" },
    });
  });

  it("S25: node outputs and a rewritable output", async () => {
    const P = runId("s25");
    await run(
      project,
      pipeline(
        {
          id: P,
          flows: ["s -> A1 -> A2 -> A3 -> e"],
          data: {
            inputs: {
              "${rewritable_output}": { type: "splice", value: "", source_act: [{ source_act: "A1", source_key: "param_1" }, { source_act: "A2", source_key: "param_2" }] } as never,
            },
            outputs: [],
          },
        },
        {
          A1: { inputs: { param_1: plain("output_value_1") } },
          A2: { inputs: { context_var: splice("${rewritable_output}"), param_2: plain("output_value_2") } },
          A3: { inputs: { context_var: splice("${rewritable_output}") } },
        },
      ),
    );
    await waitFor(project, P, (x) => x.state === "FINISHED");
    expect((await node(project, P, "A2")).execution_data.inputs.context_var).toBe("output_value_1");
    expect((await node(project, P, "A3")).execution_data.inputs.context_var).toBe("output_value_2");
    expect((await api("GET", `/v1/projects/${project}/pipelines/${P}/context`)).body).toEqual({ "${rewritable_output}": { type: "plain", value: "output_value_2" } });
  });

  it("§1.8: the complete example: output to context, exclusive choice on it, % formatting, root outputs", async () => {
    const P = runId("ex18");
    await run(
      project,
      pipeline(
        {
          id: P,
          flows: ["s -> act1 -> EG -> [act2, act3] -> CG -> e"],
          conditions: { EG: { act2: "${act1_out} < 0", act3: "${act1_out} >= 0" } },
          defaults: { EG: "act3" },
          data: {
            inputs: { "${input_a}": plain(5) as never, "${act1_out}": { type: "plain", value: null, source_act: "act1", source_key: "param_1" } as never },
            outputs: ["${act1_out}"],
          },
        },
        { act1: { inputs: { param_1: splice("${input_a}") } }, act3: { inputs: { msg: splice('${"got %s" % act1_out}') } } },
      ),
    );
    const s = await waitFor(project, P, (x) => x.state === "FINISHED");
    expect(s.children.act2).toBeUndefined();
    expect((await node(project, P, "act3")).execution_data.inputs.msg).toBe("got 5");
    expect((await node(project, P, P)).execution_data).toEqual({ inputs: {}, outputs: { "${act1_out}": 5 } });
  });

  it("S27: subprocess_context reaches every subprocess level, not the root", async () => {
    const P = runId("s27");
    const io = { u: splice("${user}"), p: splice("${password}") };
    await run(
      project,
      pipeline(
        { id: P, start: "ps", end: "pe", flows: ["ps -> SUBouter -> pe"], subprocesses: { SUBouter: { flows: ["SUBouter_s -> A -> SUBinner -> SUBouter_e"], subprocesses: { SUBinner: { flows: ["SUBinner_s -> B -> SUBinner_e"] } } } } },
        { A: { inputs: io }, B: { inputs: io } },
      ),
      { subprocess_context: { "${user}": "user00", "${password}": "password" } },
    );
    const s = await waitFor(project, P, (x) => x.state === "FINISHED");
    expect(Object.values(s.children).every((c) => c.state === "FINISHED")).toBe(true);
    for (const id of ["A", "B"]) expect((await node(project, P, id)).execution_data.inputs).toEqual({ u: "user00", p: "password", ...LOOP1 });
    for (const id of ["SUBouter", "SUBinner"]) expect((await node(project, P, id)).execution_data).toEqual({ inputs: {}, outputs: LOOP1 });
  });

  it("S29: executable end events, at the root and in a subprocess", async () => {
    const ok = runId("s29ok");
    await run(project, pipeline({ id: ok, flows: ["s -> A -> e"], endType: "MyTestEndEvent" }));
    await waitFor(project, ok, (x) => x.state === "FINISHED");
    expect((await node(project, ok, ok)).execution_data).toEqual({ inputs: {}, outputs: {} });

    const raise = runId("s29r");
    await run(project, pipeline({ id: raise, flows: ["s -> A -> e"], endType: "MyRaiseEndEvent" }));
    const r = await waitFor(project, raise, (x) => x.children.e?.state === "FAILED");
    expect(r.state).toBe("RUNNING");
    expect(stateNames(r, ["s", "A"])).toEqual(is("FINISHED", ["s", "A"]));
    expect((await node(project, raise, "e")).execution_data.outputs.ex_data).toMatch(/MyRaiseEndEvent raises/);

    const nested = runId("s29n");
    await run(project, pipeline({ id: nested, flows: ["s -> SUB -> e"], endType: "MyTestEndEvent", subprocesses: { SUB: { flows: ["SUB_s -> A -> SUB_e"], endType: "MyRaiseEndEvent" } } }));
    const n = await waitFor(project, nested, (x) => x.children.SUB_e?.state === "FAILED");
    expect(stateNames(n, [nested, "SUB"])).toEqual(is("RUNNING", [nested, "SUB"]));
    expect(stateNames(n, ["s", "SUB_s", "A"])).toEqual(is("FINISHED", ["s", "SUB_s", "A"]));
  });
});

describe("F. hooks and event signals", () => {
  it("S30: hook call order of a poll node", async () => {
    const P = runId("s30");
    await run(project, pipeline({ id: P, flows: ["s -> H -> e"] }, { H: { code: "hook_debug_node" } }));
    await waitFor(project, P, (x) => x.state === "FINISHED");
    const order = ["node_enter", "pre_execute", "execute", "post_execute", "pre_schedule", "schedule", "post_schedule", "node_finish"];
    const outputs = (await node(project, P, "H")).execution_data.outputs;
    expect(outputs.hook_call_order).toEqual(order);
    for (const name of order) expect(outputs[name], name).toBe(1);
  });

  const cases = [
    { n: 1, execute_raise: true, schedule_raise: false, error_ignorable: false, order: ["node_enter", "pre_execute", "execute", "node_execute_exception", "node_execute_fail"], state: "FAILED" },
    { n: 2, execute_raise: true, schedule_raise: false, error_ignorable: true, order: ["node_enter", "pre_execute", "execute", "node_execute_exception", "node_finish"], state: "FINISHED" },
    { n: 3, execute_raise: false, schedule_raise: true, error_ignorable: false, order: ["node_enter", "pre_execute", "execute", "post_execute", "pre_schedule", "schedule", "node_schedule_exception", "node_schedule_fail"], state: "FAILED" },
    { n: 4, execute_raise: false, schedule_raise: true, error_ignorable: true, order: ["node_enter", "pre_execute", "execute", "post_execute", "pre_schedule", "schedule", "node_schedule_exception", "node_finish"], state: "FINISHED" },
  ];
  for (const c of cases) {
    it(`S30 case ${c.n}: execute_raise=${c.execute_raise} schedule_raise=${c.schedule_raise} error_ignorable=${c.error_ignorable}`, async () => {
      const P = runId(`s30c${c.n}`);
      await run(
        project,
        pipeline(
          { id: P, flows: ["s -> H -> e"] },
          { H: { code: "hook_interrupt_raise_test", error_ignorable: c.error_ignorable, inputs: { execute_raise: plain(c.execute_raise), schedule_raise: plain(c.schedule_raise) } } },
        ),
      );
      const s = await waitFor(project, P, (x) => x.children.H?.state === c.state && (c.state === "FAILED" || x.state === "FINISHED"));
      const h = await node(project, P, "H");
      expect(h.execution_data.outputs.hook_call_order).toEqual(c.order);
      if (c.error_ignorable) {
        expect(s.children.H?.error_ignored).toBe(true);
        expect(s.state).toBe("FINISHED");
      }
    });
  }

  it("S30: a callback node with a failure payload records node_schedule_fail, then skip finishes it", async () => {
    const P = runId("s30cb");
    await run(project, pipeline({ id: P, flows: ["s -> H -> e"] }, { H: { code: "hook_callback_node" } }));
    const v = (await waitForSchedule(project, P, "H")).state.version;
    expect((await op(project, P, "nodes/H/callback", { version: v, data: { bit: 0 } })).status).toBe(200);
    await waitFor(project, P, (x) => x.children.H?.state === "FAILED");
    const h = await node(project, P, "H");
    expect(h.execution_data.outputs.hook_call_order).toEqual(["node_enter", "pre_execute", "execute", "post_execute", "pre_schedule", "schedule", "node_schedule_fail"]);
    expect(h.execution_data.outputs._result).toBe(false);
    expect((await op(project, P, "nodes/H/skip")).status).toBe(200);
    await waitFor(project, P, (x) => x.state === "FINISHED");
  });

  it("S31: the event log of S1, in order", async () => {
    const P = runId("s31");
    await run(project, pipeline({ id: P, flows: ["s -> A -> e"] }));
    await waitFor(project, P, (x) => x.state === "FINISHED");
    const events = (await api("GET", `/v1/projects/${project}/pipelines/${P}/events`)).body.events as { seq: number; event_type: string; data: any }[];
    const names = events.map((e) => `${e.event_type}${e.data.node_id ? `(${e.data.node_id})` : e.data.pipeline_id ? `(${e.data.pipeline_id === P ? "P" : e.data.pipeline_id})` : ""}`);
    expect(names).toEqual([
      "pre_prepare_run_pipeline",
      "post_prepare_run_pipeline",
      "node_finish(s)",
      "node_enter(A)",
      "pre_execute(A)",
      "post_execute(A)",
      "pre_schedule(A)",
      "post_schedule(A)",
      "node_finish(A)",
      "pipeline_finish(P)",
      "node_finish(e)",
    ]);
    expect(events.map((e) => e.seq)).toEqual([...events.map((e) => e.seq)].sort((a, b) => a - b));
    const page = (await api("GET", `/v1/projects/${project}/pipelines/${P}/events?after=${events[8]!.seq}`)).body.events;
    expect(page.map((e: { event_type: string }) => e.event_type)).toEqual(["pipeline_finish", "node_finish"]);
  });
});
