import { describe, expect, it } from "vitest";
import type { PipelineTree } from "../tree";
import { distanceFromStart } from "./distances";
import { matchGateways, validateGateways } from "./gateways";
import { normalizeTree } from "./normalize";
import { treeOf, type TreeSpec } from "./test-trees";

/** The converge gateway written on each gateway that got one. */
function convergeIds(tree: PipelineTree): Record<string, string> {
  const written: Record<string, string> = {};
  for (const gateway of Object.values(tree.gateways)) {
    if (gateway.type !== "ConvergeGateway" && gateway.converge_gateway_id !== undefined) written[gateway.id] = gateway.converge_gateway_id;
  }
  return written;
}

function matched(spec: TreeSpec): Record<string, string> {
  const tree = normalizeTree(treeOf(spec));
  expect(validateGateways(tree)).toBeNull();
  return convergeIds(tree);
}

function refused(spec: TreeSpec): { nodes: string[]; message: string } | null {
  const error = validateGateways(normalizeTree(treeOf(spec)));
  if (error !== null) expect(error.kind).toBe("converge");
  return error;
}

describe("distanceFromStart", () => {
  it("is the longest path from the start, ignoring loops back", () => {
    const tree = normalizeTree(treeOf({ flows: ["s -> a -> EG1 -> [b, CG1]", "b -> c -> CG1", "CG1 -> EG2 -> [a, e]"] }));
    const marked = new Map<string, number>();
    expect(distanceFromStart(tree, "EG1", marked)).toBe(2);
    expect(distanceFromStart(tree, "CG1", marked)).toBe(5);
    expect(distanceFromStart(tree, "EG2", marked)).toBe(6);
    expect(distanceFromStart(tree, "s", marked)).toBe(0);
  });

  it("is null for a node no path from the start reaches", () => {
    const tree = normalizeTree(treeOf({ flows: ["s -> a -> e", "x -> y -> x"] }));
    expect(distanceFromStart(tree, "x", new Map())).toBeNull();
  });
});

describe("validateGateways", () => {
  it("matches a parallel block and a conditional parallel block", () => {
    expect(matched({ flows: ["s -> PG1 -> [a, b] -> CG1 -> CPG1 -> [c, d] -> CG2 -> e"] })).toEqual({ PG1: "CG1", CPG1: "CG2" });
  });

  it("matches an exclusive gateway whose branches meet again", () => {
    expect(matched({ flows: ["s -> EG1 -> [a, b] -> CG1 -> e"] })).toEqual({ EG1: "CG1" });
  });

  it("leaves an exclusive gateway with a branch straight to the end unmatched on the main line", () => {
    expect(matched({ flows: ["s -> EG1 -> [a, e]", "a -> e"] })).toEqual({});
  });

  it("refuses an exclusive gateway with a branch to the end inside a parallel block", () => {
    const error = refused({ flows: ["s -> PG1 -> [EG1, a]", "EG1 -> [b, e]", "[b, a] -> CG1 -> e"] });
    expect(error?.nodes).toEqual(["EG1"]);
    expect(error?.message).toContain("并行网关中的分支网关必须将所有分支汇聚到一个汇聚网关");
  });

  it("matches nested parallel blocks (S10: PG1↔CG2, PG2↔CG1)", () => {
    const spec = { flows: ["s -> PG1 -> [PG2, F1, F2, F3, F4, F5]", "PG2 -> [G1, G2, G3, G4, G5] -> CG1 -> CG2", "[F1, F2, F3, F4, F5] -> CG2", "CG2 -> e"] };
    expect(matched(spec)).toEqual({ PG1: "CG2", PG2: "CG1" });
  });

  it("lets an exclusive gateway share the converge of its parallel block", () => {
    expect(matched({ flows: ["s -> PG1 -> [EG1, a]", "EG1 -> [b, CG1]", "[b, a] -> CG1 -> e"] })).toEqual({ PG1: "CG1", EG1: "CG1" });
  });

  it("refuses a converge gateway that misses a branch of its parallel gateway", () => {
    const error = refused({ flows: ["s -> PG1 -> [a, b, c]", "a -> CG1", "[b, c] -> x -> CG1", "CG1 -> e"] });
    expect(error?.nodes).toEqual(["CG1"]);
    expect(error?.message).toContain("汇聚网关没有汇聚其对应的并行网关的所有分支");
  });

  it("refuses a parallel branch that runs to the end instead of the converge gateway", () => {
    const error = refused({ flows: ["s -> PG1 -> [a, b]", "a -> CG1 -> e", "b -> e"] });
    expect(error?.nodes).toEqual(["PG1"]);
    expect(error?.message).toContain("非法网关, 请检查其分支是否符合规则, cur_index: PG1, targets: [CG1, e]");
  });

  it("refuses one converge gateway for two parallel gateways", () => {
    const error = refused({ flows: ["s -> EG0 -> [PG1, PG2]", "PG1 -> [a, b]", "PG2 -> [c, d]", "[a, b, c, d] -> CG1 -> e"] });
    expect(error?.nodes).toEqual(["CG1"]);
    expect(error?.message).toContain("汇聚网关只能汇聚来自同一个并行网关的分支");
  });

  it("refuses an exclusive gateway whose branches first meet different converge gateways", () => {
    const error = refused({ flows: ["s -> EG1 -> [a, b]", "a -> CG1 -> CG2", "b -> CG2", "CG2 -> e"] });
    expect(error?.nodes).toEqual(["EG1"]);
    expect(error?.message).toContain("分支网关的所有分支第一个遇到的汇聚网关必须是同一个");
  });

  it("refuses a gateway that no path from the start reaches", () => {
    const error = refused({ flows: ["s -> a -> e", "EG1 -> b -> EG1"] });
    expect(error?.nodes).toEqual(["EG1"]);
    expect(error?.message).toContain("无法获取该网关距离开始节点的距离");
  });

  it("accepts loops back through an exclusive gateway (cycles are judged elsewhere)", () => {
    expect(matched({ flows: ["s -> CG1 -> a -> EG1 -> [CG1, e]"] })).toEqual({});
    expect(matched({ flows: ["s -> a -> EG1 -> [a, e]"] })).toEqual({});
  });

  it("refuses, rather than spinning forever as upstream does, a block whose converge leads back into it", () => {
    const error = refused({ flows: ["s -> EG0 -> [EG1, e]", "EG1 -> [a, e]", "a -> CG1 -> EG1"] });
    expect(error?.nodes).toEqual(["EG0", "EG1"]);
  });

  it("refuses a loop made of activities only after a gateway", () => {
    const error = refused({ flows: ["s -> EG1 -> [a, e]", "a -> b -> a"] });
    expect(error?.nodes).toEqual(["EG1", "a"]);
  });

  it("matchGateways reports matches without touching the tree", () => {
    const tree = normalizeTree(treeOf({ flows: ["s -> PG1 -> [a, b] -> CG1 -> e"] }));
    expect([...matchGateways(tree)]).toEqual([["PG1", "CG1"]]);
    expect(convergeIds(tree)).toEqual({});
  });
});
