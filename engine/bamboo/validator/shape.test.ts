import { describe, expect, it } from "vitest";
import { checkShape } from "./shape";
import { editable, treeOf, type EditableTree } from "./test-trees";

const anySink = (type: string): boolean => type.length > 0;

function shapeOf(value: unknown, isSink = anySink): { ok: boolean; nodes: string[]; message: string } {
  const result = checkShape(value, isSink);
  return result.ok ? { ok: true, nodes: [], message: "" } : { ok: false, nodes: result.error.nodes, message: result.error.message };
}

function broken(edit: (tree: EditableTree) => void): EditableTree {
  const tree = editable(treeOf({ flows: ["s -> a -> EG1 -> [b, c] -> CG1 -> e"] }));
  edit(tree);
  return tree;
}

describe("checkShape", () => {
  it("accepts a well-formed tree", () => {
    expect(shapeOf(treeOf({ flows: ["s -> a -> e"] })).ok).toBe(true);
  });

  it.each([null, 42, "tree", [], {}])("refuses %j as a tree", (value) => {
    expect(shapeOf(value).ok).toBe(false);
  });

  it("names the pipeline when a top-level collection is missing", () => {
    expect(shapeOf(broken((t) => delete (t as Record<string, unknown>)["gateways"]))).toMatchObject({ ok: false, nodes: ["p"] });
  });

  it("refuses an element whose key is not its id", () => {
    const tree = broken((t) => {
      t.activities["zz"] = t.activities["a"]!;
      delete t.activities["a"];
    });
    expect(shapeOf(tree)).toMatchObject({ ok: false, nodes: ["a"] });
  });

  it("refuses elements without id or type", () => {
    expect(shapeOf(broken((t) => delete t.activities["b"]!["id"]))).toMatchObject({ ok: false, nodes: ["b"] });
    expect(shapeOf(broken((t) => delete t.gateways["CG1"]!["type"]))).toMatchObject({ ok: false, nodes: ["CG1"] });
  });

  it("refuses unknown element types", () => {
    expect(shapeOf(broken((t) => (t.activities["a"]!["type"] = "ParallelGateway")))).toMatchObject({ ok: false, nodes: ["a"] });
    expect(shapeOf(broken((t) => (t.gateways["EG1"]!["type"] = "OrGateway")))).toMatchObject({ ok: false, nodes: ["EG1"] });
    expect(shapeOf(broken((t) => (t.start_event["type"] = "TimerStartEvent")))).toMatchObject({ ok: false, nodes: ["s"] });
  });

  it("asks isSink about custom end-event types, and never accepts another element's type", () => {
    const custom = broken((t) => (t.end_event["type"] = "my_sink"));
    expect(shapeOf(custom).ok).toBe(true);
    expect(shapeOf(custom, (type) => type === "other_sink")).toMatchObject({ ok: false, nodes: ["e"] });
    expect(shapeOf(broken((t) => (t.end_event["type"] = "ServiceActivity")))).toMatchObject({ ok: false, nodes: ["e"] });
  });

  it("needs component.code on a ServiceActivity and pipeline on a SubProcess", () => {
    expect(shapeOf(broken((t) => (t.activities["a"]!["component"] = { inputs: {} })))).toMatchObject({ ok: false, nodes: ["a"] });
    expect(shapeOf(broken((t) => (t.activities["a"]!["type"] = "SubProcess")))).toMatchObject({ ok: false, nodes: ["a"] });
  });

  it("checks conditions and default_condition against the gateway's outgoing flows", () => {
    expect(shapeOf(broken((t) => delete t.gateways["EG1"]!["conditions"]))).toMatchObject({ ok: false, nodes: ["EG1"] });
    expect(shapeOf(broken((t) => (t.gateways["EG1"]!["conditions"] = { f9: { evaluate: "1 == 1" } })))).toMatchObject({ ok: false, nodes: ["EG1"] });
    expect(shapeOf(broken((t) => (t.gateways["EG1"]!["conditions"] = { f3: {} })))).toMatchObject({ ok: false, nodes: ["EG1"] });
    expect(shapeOf(broken((t) => (t.gateways["EG1"]!["default_condition"] = { flow_id: "f1" })))).toMatchObject({ ok: false, nodes: ["EG1"] });
    expect(shapeOf(broken((t) => (t.gateways["EG1"]!["default_condition"] = { flow_id: "f4" }))).ok).toBe(true);
    expect(shapeOf(broken((t) => (t.gateways["EG1"]!["default_condition"] = {}))).ok).toBe(true);
  });

  it("refuses elements with no way out, and lets several flow ids through for the connection rules", () => {
    expect(shapeOf(broken((t) => (t.activities["a"]!["outgoing"] = "")))).toMatchObject({ ok: false, nodes: ["a"] });
    expect(shapeOf(broken((t) => (t.gateways["EG1"]!["outgoing"] = [])))).toMatchObject({ ok: false, nodes: ["EG1"] });
    expect(shapeOf(broken((t) => (t.activities["a"]!["outgoing"] = ["f2", "f3"]))).ok).toBe(true);
  });

  it("refuses malformed flows, naming the flow", () => {
    expect(shapeOf(broken((t) => (t.flows["f2"]!["id"] = "f99")))).toMatchObject({ ok: false, nodes: ["f2"] });
    expect(shapeOf(broken((t) => delete t.flows["f3"]!["target"]))).toMatchObject({ ok: false, nodes: ["f3"] });
  });

  it("refuses ids used twice, across subprocess levels too, and the root pipeline id as a node id", () => {
    const nested = treeOf({ flows: ["s -> sub -> e"], subprocesses: { sub: { flows: ["sub_s -> a -> sub_e"] }, }, kinds: {} });
    expect(shapeOf(nested).ok).toBe(true);
    const clash = editable(treeOf({ flows: ["s -> a -> sub -> e"], subprocesses: { sub: { flows: ["sub_s -> a -> sub_e"] } } }));
    expect(shapeOf(clash)).toMatchObject({ ok: false, nodes: ["a"] });
    expect(shapeOf(treeOf({ id: "a", flows: ["s -> a -> e"] }))).toMatchObject({ ok: false, nodes: ["a"] });
  });

  it("reports a broken child tree with the child's node ids", () => {
    const tree = editable(treeOf({ flows: ["s -> sub -> e"], subprocesses: { sub: { flows: ["sub_s -> x -> sub_e"] } } }));
    const child = tree.activities["sub"]!["pipeline"] as EditableTree;
    delete child.activities["x"]!["component"];
    expect(shapeOf(tree)).toMatchObject({ ok: false, nodes: ["x"] });
  });

  it("refuses a tree nested inside itself instead of looping", () => {
    const tree = editable(treeOf({ flows: ["s -> sub -> e"], subprocesses: { sub: { flows: ["sub_s -> x -> sub_e"] } } }));
    tree.activities["sub"]!["pipeline"] = tree;
    expect(shapeOf(tree).ok).toBe(false);
  });

  it("lists every offending node once and says how many more problems there are", () => {
    const result = shapeOf(
      broken((t) => {
        delete t.activities["b"]!["component"];
        t.activities["c"]!["type"] = "Nope";
      }),
    );
    expect(result.nodes).toEqual(["b", "c"]);
    expect(result.message).toContain("and 1 more problem");
  });
});
