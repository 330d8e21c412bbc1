import { describe, expect, it } from "vitest";
import type { PipelineTree } from "../tree";
import { validateConnections } from "./connections";
import { normalizeTree } from "./normalize";
import { editable, treeOf, type EditableTree } from "./test-trees";

function connectionError(tree: PipelineTree | EditableTree): { nodes: string[]; message: string } | null {
  const error = validateConnections(normalizeTree(tree as PipelineTree));
  if (error === null) return null;
  expect(error.kind).toBe("connection");
  return { nodes: error.nodes, message: error.message };
}

describe("connection rules", () => {
  it("accepts well-wired trees", () => {
    expect(connectionError(treeOf({ flows: ["s -> a -> PG1 -> [b, c] -> CG1 -> EG1 -> [d, e]", "d -> e"] }))).toBeNull();
  });

  it("refuses a start event wired straight to the end event", () => {
    const error = connectionError(treeOf({ flows: ["s -> e"] }));
    expect(error?.nodes).toEqual(["s"]);
    expect(error?.message).toContain("不能连接EmptyEndEvent类型节点");
  });

  it("refuses a start event wired straight to a custom end event too", () => {
    expect(connectionError(treeOf({ flows: ["s -> e"], endType: "my_sink" }))?.nodes).toEqual(["s"]);
  });

  it("refuses flows into the start event", () => {
    const error = connectionError(treeOf({ flows: ["s -> a -> s", "a -> e"] }));
    expect(error?.nodes).toContain("a");
    expect(error?.message).toContain("不能连接EmptyStartEvent类型节点");
  });

  it("refuses an activity with two outgoing flows (out-degree)", () => {
    const error = connectionError(treeOf({ flows: ["s -> a -> [b, c]", "b -> e", "c -> e"] }));
    expect(error?.nodes).toEqual(["a"]);
    expect(error?.message).toContain("节点的出度最大为1，最小为1");
  });

  it("refuses an activity nobody reaches that still has a target (in-degree)", () => {
    const error = connectionError(treeOf({ flows: ["s -> a -> e", "x -> e"] }));
    expect(error?.nodes).toEqual(["x"]);
    expect(error?.message).toContain("节点的入度最大为1000，最小为1");
  });

  it("(quirk) checks degrees only on nodes with a target, so an end event with no incoming flow passes", () => {
    expect(connectionError(treeOf({ flows: ["s -> a -> b -> a"], kinds: {} }))).toBeNull();
  });

  it("refuses flows whose source or target is not on this level", () => {
    const tree = editable(treeOf({ flows: ["s -> a -> e"] }));
    tree.flows["f2"]!["target"] = "ghost";
    expect(connectionError(tree)?.nodes).toContain("a");
  });

  it("refuses incoming or outgoing ids that name no flow, or a flow of another node", () => {
    const missing = editable(treeOf({ flows: ["s -> a -> e"] }));
    missing.end_event["incoming"] = ["f2", "f9"];
    expect(connectionError(missing)?.nodes).toEqual(["e"]);
    const wrongEnd = editable(treeOf({ flows: ["s -> a -> b -> e"] }));
    wrongEnd.activities["b"]!["outgoing"] = "f2";
    expect(connectionError(wrongEnd)?.nodes).toContain("b");
  });

  it("refuses a flow that its target does not list as incoming", () => {
    const tree = editable(treeOf({ flows: ["s -> a -> e"] }));
    tree.activities["a"]!["incoming"] = [];
    expect(connectionError(tree)?.nodes).toEqual(["a"]);
  });

  it("refuses a SubProcess whose id differs from its pipeline's id", () => {
    const tree = editable(treeOf({ flows: ["s -> sub -> e"], subprocesses: { sub: { flows: ["sub_s -> x -> sub_e"] } } }));
    (tree.activities["sub"]!["pipeline"] as EditableTree)["id"] = "other";
    const error = connectionError(tree);
    expect(error?.nodes).toEqual(["sub"]);
    expect(error?.message).toContain("must equal its pipeline's id");
  });
});
