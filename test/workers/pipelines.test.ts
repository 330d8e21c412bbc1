import { beforeAll, describe, expect, it } from "vitest";
import { editable, treeOf } from "../../engine/bamboo/validator/test-trees";
import { api, newProject, uploadOk } from "./helpers";
import { is, lazy, node, op, pipeline, pipelineProject, plain, run, runId, splice, startPipeline, stateNames, states, waitFor } from "./pipeline-harness";

/** What the scenarios do not cover: timers, loops, pinned script versions, limits, bad input and isolation. */

let project: string;
beforeAll(async () => {
  project = await pipelineProject();
});

describe("node timeouts and timer events", () => {
  it("timeout_config forced_fail fails a node that runs too long, with bamboo's ex_data", async () => {
    const P = runId("to");
    await run(project, pipeline({ id: P, flows: ["s -> C -> e"] }, { C: { code: "callback_node", timeout_config: { enable: true, action: "forced_fail", seconds: 0.2 } } }));
    await waitFor(project, P, (x) => x.children.C?.state === "FAILED");
    const c = await node(project, P, "C");
    expect(c.execution_data.outputs).toMatchObject({ ex_data: "forced fail by bamboo_engine", _forced_failed: true });
    expect((await states(project, P)).state).toBe("RUNNING");
  });

  it("forced_fail_and_skip fails then skips, so the pipeline goes on (bamboo's intended behaviour)", async () => {
    const P = runId("tos");
    await run(project, pipeline({ id: P, flows: ["s -> C -> A -> e"] }, { C: { code: "callback_node", timeout_config: { enable: true, action: "forced_fail_and_skip", seconds: 0.2 } } }));
    const s = await waitFor(project, P, (x) => x.state === "FINISHED");
    expect(s.children.C).toMatchObject({ state: "FINISHED", skip: true });
    expect((await node(project, P, "C")).histories).toHaveLength(1);
  });

  it("a timer armed for an attempt that finished in time does nothing", async () => {
    const P = runId("toq");
    await run(project, pipeline({ id: P, flows: ["s -> A -> T -> e"] }, { A: { timeout_config: { enable: true, action: "forced_fail", seconds: 0.3 } } }));
    await waitFor(project, P, (x) => x.state === "FINISHED");
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await states(project, P)).children.A?.state).toBe("FINISHED");
  });

  it("a time_duration timer event forced-fails the node; an expired time_date fires at once", async () => {
    const P = runId("te");
    await run(project, pipeline({ id: P, flows: ["s -> C -> e"] }, { C: { code: "callback_node", events: { timer_events: [{ enable: true, action: "bamboo_engine_forced_fail", timer_type: "time_duration", defined: "PT0.2S" }] } } }));
    await waitFor(project, P, (x) => x.children.C?.state === "FAILED");

    const D = runId("td");
    await run(project, pipeline({ id: D, flows: ["s -> C -> e"] }, { C: { code: "callback_node", events: { timer_events: [{ timer_type: "time_date", defined: "2020-01-01T00:00:00Z", action: "bamboo_engine_forced_fail_and_skip" }] } } }));
    const d = await waitFor(project, D, (x) => x.state === "FINISHED");
    expect(d.children.C?.skip).toBe(true);
  });
});

describe("loops and re-entry", () => {
  it("a cycle (cycle_tolerate) re-enters nodes with loop+1, keeps histories, and stops at the rerun limit", async () => {
    const P = runId("loop");
    const tree = pipeline({ id: P, flows: ["s -> A -> EG -> [B, e]", "B -> A"], conditions: { EG: { B: "True == True", e: "True == False" } } }, { A: { code: "loop_count_node" } });
    const refused = await startPipeline(project, tree);
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/circle/);
    await run(project, tree, { cycle_tolerate: true, settings: { rerun_limit: 3 } });
    const s = await waitFor(project, P, (x) => x.children.A?.state === "FAILED");
    expect(s.children.A?.loop).toBe(4);
    const a = await node(project, P, "A");
    expect(a.execution_data.outputs.ex_data).toBe("node execution exceed rerun limit 3");
    expect(a.histories.map((h: { loop: number }) => h.loop)).toEqual([1, 2, 3]);
    expect(a.histories[1].outputs.loop).toBe(2);
  });

  it("retry with _escape_render_keys leaves those inputs unrendered", async () => {
    const P = runId("esc");
    await run(project, pipeline({ id: P, flows: ["s -> A -> e"], data: { inputs: { "${x}": plain("X") as never }, outputs: [] } }, { A: { code: "fail_ctrl_node" } }));
    await waitFor(project, P, (x) => x.children.A?.state === "FAILED");
    expect((await op(project, P, "nodes/A/retry", { data: { bit: 1, raw: "${x}", rendered: "${x}", _escape_render_keys: ["raw"] } })).status).toBe(200);
    await waitFor(project, P, (x) => x.state === "FINISHED");
    expect((await node(project, P, "A")).execution_data.inputs).toMatchObject({ raw: "${x}", rendered: "X" });
  });

  it("skip_conditional_parallel_gateway forks the chosen flows of a failed gateway to its converge", async () => {
    const P = runId("scpg");
    const tree = pipeline({ id: P, flows: ["s -> CPG -> [A, B, C] -> CG -> e"], conditions: { CPG: { A: "1 == 2", B: "1 == 2", C: "1 == 2" } } });
    await run(project, tree);
    await waitFor(project, P, (x) => x.children.CPG?.state === "FAILED");
    const flowIds = ["A", "C"].map((target) => Object.values(tree.flows).find((f) => f.source === "CPG" && f.target === target)!.id);
    expect((await op(project, P, "nodes/CPG/skip-conditional-parallel-gateway", { flow_ids: ["nope"], converge_gateway_id: "CG" })).status).toBe(409);
    expect((await op(project, P, "nodes/CPG/skip-conditional-parallel-gateway", { flow_ids: flowIds, converge_gateway_id: "CG" })).status).toBe(200);
    const s = await waitFor(project, P, (x) => x.state === "FINISHED");
    expect(stateNames(s, ["CPG", "A", "B", "C", "CG", "e"])).toEqual({ CPG: "FINISHED", A: "FINISHED", B: "absent", C: "FINISHED", CG: "FINISHED", e: "FINISHED" });
    expect(s.children.CPG?.skip).toBe(true);
  });

  it("an initialized rewritable node output starts with its value, and its source nodes overwrite it", async () => {
    const P = runId("init");
    const out = { type: "plain", value: "initial", need_initialization: true, source_act: [{ source_act: "B", source_key: "v" }] };
    await run(project, pipeline({ id: P, flows: ["s -> A -> B -> e"], data: { inputs: { "${out}": out as never }, outputs: [] } }, { A: { inputs: { seen: splice("${out}") } }, B: { inputs: { v: plain("from B") } } }));
    await waitFor(project, P, (x) => x.state === "FINISHED");
    expect((await node(project, P, "A")).execution_data.inputs.seen).toBe("initial");
    expect((await api("GET", `/v1/projects/${project}/pipelines/${P}/context`)).body["${out}"]).toEqual({ type: "plain", value: "from B" });
  });

  it("pre_render_keys are rendered once by the start event and stored as PLAIN", async () => {
    const P = runId("pre");
    await run(
      project,
      pipeline(
        { id: P, flows: ["s -> A -> e"], data: { inputs: { "${a}": plain("abc") as never, "${b}": splice("${a.upper()}-${a}") as never }, outputs: [], pre_render_keys: ["${b}"] } },
        { A: { inputs: { v: splice("${b}") } } },
      ),
    );
    await waitFor(project, P, (x) => x.state === "FINISHED");
    expect((await node(project, P, "A")).execution_data.inputs.v).toBe("ABC-abc");
    const context = (await api("GET", `/v1/projects/${project}/pipelines/${P}/context`)).body;
    expect(context["${b}"]).toEqual({ type: "plain", value: "ABC-abc" });
  });

  it("the FIRST exclusive-gateway strategy takes the first true condition where ONLY fails", async () => {
    const tree = (id: string) => pipeline({ id, flows: ["s -> EG -> [A, B] -> CG -> e"], conditions: { EG: { A: "1 == 1", B: "2 == 2" } } });
    const only = runId("only");
    await run(project, tree(only));
    await waitFor(project, only, (x) => x.children.EG?.state === "FAILED");
    expect((await node(project, only, "EG")).execution_data.outputs.ex_data).toMatch(/^multiple conditions meet: \[/);
    const first = runId("first");
    await run(project, tree(first), { settings: { exclusive_gateway_strategy: "first" } });
    const s = await waitFor(project, first, (x) => x.state === "FINISHED");
    expect(stateNames(s, ["A", "B"])).toEqual({ A: "FINISHED", B: "absent" });
  });
});

describe("scripts of a run", () => {
  it("a run keeps the script versions it started with; a new run uses the new version", async () => {
    const { project: p } = await newProject("pin");
    await uploadOk(p, "component/versioned", "export default { execute(data) { data.outputs.v = 1; } };");
    await uploadOk(p, "component/callback_node", "export default { needSchedule: true, execute() {}, schedule() {} };");
    const first = runId("pin1");
    await run(p, pipeline({ id: first, flows: ["s -> C -> V -> e"] }, { C: { code: "callback_node" }, V: { code: "versioned" } }));
    let c: any;
    do c = await node(p, first, "C");
    while (c.schedule === null);
    await uploadOk(p, "component/versioned", "export default { execute(data) { data.outputs.v = 2; } };");
    expect((await op(p, first, "nodes/C/callback", { version: c.state.version })).status).toBe(200);
    const done = await waitFor(p, first, (x) => x.state === "FINISHED");
    expect((await node(p, first, "V")).execution_data.outputs.v).toBe(1);
    expect((done as unknown as { scripts: Record<string, number> }).scripts).toEqual({ "component/versioned": 1, "component/callback_node": 1 });
    const second = runId("pin2");
    await run(p, pipeline({ id: second, flows: ["s -> V -> e"] }, { V: { code: "versioned" } }));
    await waitFor(p, second, (x) => x.state === "FINISHED");
    expect((await node(p, second, "V")).execution_data.outputs.v).toBe(2);
  });

  it("a component that breaches its CPU budget fails its node, and other runs go on", async () => {
    const { project: p } = await newProject("cpu");
    await api("PATCH", `/v1/projects/${p}`, { json: { limits: { cpuMs: 20 } } });
    await uploadOk(p, "component/spin", "export default { execute(data) { data.outputs.before = true; for (;;) {} } };");
    const P = runId("spin");
    const Q = runId("calm");
    await run(p, pipeline({ id: P, flows: ["s -> X -> e"] }, { X: { code: "spin" } }));
    await run(p, pipeline({ id: Q, flows: ["s -> A -> e"] }, { A: { code: "noop" } }));
    await waitFor(p, P, (x) => x.children.X?.state === "FAILED");
    const x = await node(p, P, "X");
    expect(x.execution_data.outputs.ex_data).toMatch(/^cpu_budget_exceeded/);
    expect(x.execution_data.outputs._result).toBe(false);
    expect((await waitFor(p, Q, (s) => s.state === "FINISHED")).children.A?.state).toBe("FINISHED");
  });

  it("a component without execute, or a waiting one without schedule, fails its node with a clear ex_data", async () => {
    const { project: p } = await newProject("shape");
    await uploadOk(p, "component/no_execute", "export default { schedule() {} };");
    await uploadOk(p, "component/no_schedule", "export default { needSchedule: true, interval: 0, execute() {} };");
    const P = runId("noexec");
    await run(p, pipeline({ id: P, flows: ["s -> A -> e"] }, { A: { code: "no_execute" } }));
    await waitFor(p, P, (x) => x.children.A?.state === "FAILED");
    expect((await node(p, P, "A")).execution_data.outputs.ex_data).toMatch(/no_execute.*has no execute method/);
    const Q = runId("nosched");
    await run(p, pipeline({ id: Q, flows: ["s -> A -> e"] }, { A: { code: "no_schedule" } }));
    await waitFor(p, Q, (x) => x.children.A?.state === "FAILED");
    expect((await node(p, Q, "A")).execution_data.outputs.ex_data).toBe("component no_schedule has no schedule method");
  });

  it("a lazy variable in data.inputs is computed by its script when a node needs it", async () => {
    const P = runId("lazyvar");
    await run(project, pipeline({ id: P, flows: ["s -> A -> e"], data: { inputs: { "${name}": lazy("upper_case", "${who}") as never, "${who}": plain("ada") as never }, outputs: [] } }, { A: { inputs: { hello: splice("hi ${name}") } } }));
    await waitFor(project, P, (x) => x.state === "FINISHED");
    expect((await node(project, P, "A")).execution_data.inputs.hello).toBe("hi ADA");
  });
});

describe("bad input changes nothing", () => {
  it("a tree that fails validation is a 400 naming the nodes, and nothing is stored", async () => {
    const P = runId("bad");
    const tree = editable(treeOf({ id: P, flows: ["s -> PG -> [A, B] -> CG -> e", "A -> B"] }));
    const reply = await startPipeline(project, tree as never);
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe("tree_invalid");
    expect(reply.body.error.nodes.length).toBeGreaterThan(0);
    expect((await api("GET", `/v1/projects/${project}/pipelines/${P}`)).status).toBe(404);
  });

  it("a tree naming a component the project lacks is refused before anything runs", async () => {
    const P = runId("nocomp");
    const reply = await startPipeline(project, pipeline({ id: P, flows: ["s -> A -> e"] }, { A: { code: "no_such_component" } }));
    expect(reply.status).toBe(400);
    expect(reply.body.error).toMatchObject({ code: "tree_invalid", nodes: ["A"] });
    expect(reply.body.error.message).toContain("component/no_such_component");
    expect((await api("GET", `/v1/projects/${project}/pipelines/${P}`)).status).toBe(404);
  });

  it("start_node_id must be an allowed start; an id in use is a 409", async () => {
    const P = runId("start");
    const tree = pipeline({ id: P, flows: ["s -> A -> PG -> [B, C] -> CG -> D -> e"] });
    expect((await startPipeline(project, tree, { start_node_id: "B" })).status).toBe(400);
    expect((await startPipeline(project, tree, { start_node_id: "D" })).status).toBe(201);
    const s = await waitFor(project, P, (x) => x.state === "FINISHED");
    expect(stateNames(s, ["s", "A", "B", "D"])).toEqual({ s: "absent", A: "absent", B: "absent", D: "FINISHED" });
    const again = await startPipeline(project, tree);
    expect(again.status).toBe(409);
  });

  it("malformed bodies and unknown operations are 4xx JSON errors", async () => {
    const P = runId("mal");
    await run(project, pipeline({ id: P, flows: ["s -> A -> e"] }, { A: { code: "fail_ctrl_node" } }));
    await waitFor(project, P, (x) => x.children.A?.state === "FAILED");
    const before = await states(project, P);
    for (const [path, json] of [
      ["nodes/A/retry", { data: "not an object" }],
      ["nodes/A/skip-exclusive-gateway", {}],
      ["nodes/A/callback", { data: {} }],
      ["nodes/A/retry", { unknown: 1 }],
    ] as const) {
      const reply = await op(project, P, path, json);
      expect(reply.status, path).toBe(400);
      expect(reply.body.error.code).toBe("invalid_request");
    }
    expect((await op(project, P, "nodes/A/explode", {})).status).toBe(404);
    expect((await op(project, P, "nodes/nope/retry", {})).status).toBe(404);
    expect((await api("POST", `/v1/projects/${project}/pipelines`, { json: { pipeline: "no" } })).status).toBe(400);
    expect(await states(project, P)).toEqual(before);
  });

  it("another project's key gets 404 for this project's runs, and never reaches them", async () => {
    const other = await newProject("other");
    const P = runId("iso");
    await run(project, pipeline({ id: P, flows: ["s -> A -> e"] }));
    await waitFor(project, P, (x) => x.state === "FINISHED");
    const token = other.apiKey;
    expect((await api("GET", `/v1/projects/${project}/pipelines/${P}`, { token })).status).toBe(404);
    expect((await api("POST", `/v1/projects/${project}/pipelines/${P}/pause`, { token })).status).toBe(404);
    // The same id under the other project is another run: nothing of the first is visible there.
    expect((await api("GET", `/v1/projects/${other.project}/pipelines/${P}`, { token })).status).toBe(404);
    const listed = await api("GET", `/v1/projects/${other.project}/pipelines`, { token });
    expect(listed.body.pipelines).toEqual([]);
  });
});

describe("preview_node_inputs", () => {
  it("renders a node's inputs from a tree without running anything", async () => {
    const P = runId("prev");
    const tree = pipeline(
      { id: P, flows: ["s -> A -> e"], data: { inputs: { "${a}": plain("x") as never }, outputs: [] } },
      { A: { inputs: { v: splice("${a.upper()}!"), raw: plain("${a}"), lz: lazy("upper_case", "${a}") } } },
    );
    const reply = await api("POST", `/v1/projects/${project}/pipelines/preview-inputs`, { json: { pipeline: tree, node_id: "A" } });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ v: "X!", raw: "${a}", lz: "X" });
    expect((await api("GET", `/v1/projects/${project}/pipelines/${P}`)).status).toBe(404);
    const gateway = await api("POST", `/v1/projects/${project}/pipelines/preview-inputs`, { json: { pipeline: tree, node_id: "s" } });
    expect(gateway.status).toBe(409);
  });
});

describe("listing and nested states", () => {
  it("lists runs newest first with their state, and nests subprocess children with ?flat=false", async () => {
    const P = runId("nest");
    await run(project, pipeline({ id: P, flows: ["s -> SUB -> e"], subprocesses: { SUB: { flows: ["SUB_s -> A -> SUB_e"] } } }));
    await waitFor(project, P, (x) => x.state === "FINISHED");
    const nested = (await api("GET", `/v1/projects/${project}/pipelines/${P}?flat=false`)).body;
    expect(Object.keys(nested.children).sort()).toEqual(["SUB", "e", "s"]);
    expect(Object.keys(nested.children.SUB.children).sort()).toEqual(["A", "SUB_e", "SUB_s"]);
    const flat = await states(project, P);
    expect(stateNames(flat, ["s", "SUB", "SUB_s", "A", "SUB_e", "e"])).toEqual(is("FINISHED", ["s", "SUB", "SUB_s", "A", "SUB_e", "e"]));
    const listed = (await api("GET", `/v1/projects/${project}/pipelines?state=FINISHED`)).body.pipelines as { id: string; state: string }[];
    expect(listed.find((r) => r.id === P)?.state).toBe("FINISHED");
  });
});
