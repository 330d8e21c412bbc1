import { describe, expect, it } from "vitest";
import { api, uploadOk } from "./helpers";
import { saveWorkflow, workflowProject } from "./workflow-harness";

/** A custom instruction that publishes its result's fields, as NocoBase's client `useVariables` does. */
const LOOKUP = `export default {
  useVariables(node) {
    return { value: node.key, label: node.title ?? node.key, children: [{ value: "id", label: "ID" }, { value: "name", label: "Name" }] };
  },
  run(node) { return { status: JOB_STATUS.RESOLVED, result: { id: 1, name: "a" } }; },
};`;

describe("workflow variables (GET …/variables?node=, and the same rule on save)", () => {
  it("answers the tree a node inside a loop may use: its scope, upstream results (a script's own useVariables), trigger, system, $env", async () => {
    const project = await workflowProject({ workflows: { env: { REGION: "eu" } } });
    await uploadOk(project, "instruction/lookup", LOOKUP);
    const key = await saveWorkflow(
      project,
      [
        { key: "find", type: "lookup", title: "Find" },
        { key: "each", type: "loop", upstream: "find", config: { target: "{{$jobsMapByNodeKey.find.name}}" } },
        { key: "inner", type: "echo", upstream: "each", branchIndex: 0 },
        { key: "after", type: "echo", upstream: "each" },
      ],
      { trigger: { type: "webhook" } },
    );
    const reply = await api("GET", `/v1/projects/${project}/workflows/${key}/variables?node=inner`);
    expect(reply.status).toBe(200);
    const groups = reply.body.options as any[];
    expect(groups.map((g) => g.value)).toEqual(["$scopes", "$jobsMapByNodeKey", "$context", "$system", "$env"]);
    expect(groups[0].children).toEqual([
      {
        key: "each",
        value: "each",
        label: "#2",
        children: [
          { value: "item", label: "Loop target item" },
          { value: "index", label: "Loop index (starts from 0)" },
          { value: "sequence", label: "Loop sequence (starts from 1)" },
          { value: "length", label: "Loop length" },
        ],
      },
    ]);
    expect(groups[1].children).toEqual([
      { key: "each", value: "each", label: "#2" },
      { value: "find", label: "Find", children: [{ value: "id", label: "ID" }, { value: "name", label: "Name" }] },
    ]);
    expect(groups[2].children.map((o: any) => o.value)).toEqual(["data", "headers", "query"]);
    expect(groups[3].children).toEqual([{ value: "now", label: "System time" }]);
    expect(groups[4].children).toEqual([{ value: "REGION", label: "REGION" }]);

    // Outside the loop there is no scope: the group is disabled.
    const after = await api("GET", `/v1/projects/${project}/workflows/${key}/variables?node=after`);
    expect(after.body.options[0]).toEqual({ value: "$scopes", label: "Scope variables", children: [], disabled: true });
  });

  it("refuses a config naming a variable outside its node's tree, naming the node, and stores nothing", async () => {
    const project = await workflowProject();
    await uploadOk(project, "instruction/lookup", LOOKUP);
    const nodes = [
      { key: "find", type: "lookup" },
      { key: "show", type: "echoVariable", upstream: "find", config: { variable: "{{$jobsMapByNodeKey.find.name}}" } },
    ];
    const key = await saveWorkflow(project, nodes);
    const cases: [string, string][] = [
      ["{{$jobsMapByNodeKey.later}}", "a downstream node's result"],
      ["{{$jobsMapByNodeKey.find.email}}", "a field the script does not publish"],
      ["{{$scopes.find.item}}", "a scope the node is not inside"],
      ["{{$system.clock}}", "an unknown system variable"],
      ["{{$secrets.key}}", "an unknown root"],
    ];
    for (const [template] of cases) {
      const bad = [...nodes.slice(0, 1), { ...nodes[1]!, config: { variable: template } }, { key: "later", type: "echo", upstream: "show" }];
      const reply = await api("PUT", `/v1/projects/${project}/workflows/${key}`, { json: { trigger: { type: "manual" }, nodes: bad } });
      expect(reply.status, template).toBe(400);
      expect(reply.body.error.nodes, template).toEqual(["show"]);
    }
    const stored = await api("GET", `/v1/projects/${project}/workflows/${key}`);
    expect(stored.body.versions).toHaveLength(1);
    expect(stored.body.nodes[1].config).toEqual({ variable: "{{$jobsMapByNodeKey.find.name}}" });
  });

  it("answers 404 for an unknown node or workflow and 400 without ?node", async () => {
    const project = await workflowProject();
    const key = await saveWorkflow(project, [{ key: "n1", type: "echo" }]);
    expect((await api("GET", `/v1/projects/${project}/workflows/${key}/variables?node=nope`)).status).toBe(404);
    expect((await api("GET", `/v1/projects/${project}/workflows/missing/variables?node=n1`)).status).toBe(404);
    const bare = await api("GET", `/v1/projects/${project}/workflows/${key}/variables`);
    expect(bare.status).toBe(400);
    expect(bare.body.error.code).toBeTypeOf("string");
  });
});
