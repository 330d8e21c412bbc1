import { beforeAll, describe, expect, it } from "vitest";
import { api, newProject } from "./helpers";
import { pipeline, pipelineProject, run, runId, waitFor } from "./pipeline-harness";

/** GET …/pipelines/{id}/graph: what the console draws a run from (api.md "Pipelines", routes). */

let project: string;
beforeAll(async () => {
  project = await pipelineProject();
});

describe("a run's graph", () => {
  it("lists every node, subprocesses' included under their pipeline, and every flow with its gateway condition", async () => {
    const P = runId("graph");
    const tree = pipeline({
      id: P,
      flows: ["s -> EG -> [A, SUB] -> CG -> e"],
      conditions: { EG: { A: "1 == 1", SUB: "1 == 2" } },
      defaults: { EG: "SUB" },
      subprocesses: { SUB: { flows: ["SUB_s -> X -> SUB_e"] } },
    });
    await run(project, tree);
    await waitFor(project, P, (x) => x.state === "FINISHED");

    const graph = await api("GET", `/v1/projects/${project}/pipelines/${P}/graph`);
    expect(graph.status).toBe(200);
    expect(graph.body.id).toBe(P);
    const nodes = Object.fromEntries(graph.body.nodes.map((n: { id: string }) => [n.id, n]));
    expect(Object.keys(nodes).sort()).toEqual(["A", "CG", "EG", "SUB", "SUB_e", "SUB_s", "X", "e", "s"]);
    expect(nodes.EG).toEqual({ id: "EG", type: "ExclusiveGateway", name: "EG", pipeline_id: P, converge_gateway_id: "CG" });
    expect(nodes.A).toMatchObject({ type: "ServiceActivity", pipeline_id: P, code: "debug_node" });
    expect(nodes.SUB).toMatchObject({ type: "SubProcess", pipeline_id: P, start_event_id: "SUB_s" });
    expect(nodes.X).toMatchObject({ type: "ServiceActivity", pipeline_id: "SUB" });

    const flowOf = (source: string, target: string) => graph.body.flows.find((f: { source: string; target: string }) => f.source === source && f.target === target);
    expect(flowOf("EG", "A")).toMatchObject({ condition: "1 == 1" });
    expect(flowOf("EG", "A").default).toBeUndefined();
    expect(flowOf("EG", "SUB")).toMatchObject({ condition: "1 == 2", default: true });
    expect(flowOf("SUB_s", "X")).toEqual({ id: "SUB.f1", source: "SUB_s", target: "X" });
    expect(graph.body.flows).toHaveLength(Object.keys(tree.flows).length + Object.keys((tree.activities.SUB as { pipeline: { flows: object } }).pipeline.flows).length);
  });

  it("is a 404 for an unknown run, and for another project's key", async () => {
    expect((await api("GET", `/v1/projects/${project}/pipelines/nope/graph`)).status).toBe(404);
    const P = runId("graph-own");
    await run(project, pipeline({ id: P, flows: ["s -> A -> e"] }));
    const other = await newProject("graph-other");
    const refused = await api("GET", `/v1/projects/${project}/pipelines/${P}/graph`, { token: other.apiKey });
    expect(refused.status).toBe(404);
    expect(refused.body.error.code).toBe("not_found");
  });
});
