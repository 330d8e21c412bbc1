import { describe, expect, it } from "vitest";
import { edgesOf, flowBetween, treeOf } from "./test-trees";

describe("edgesOf", () => {
  it("joins every node of a group to every node of the next", () => {
    expect(edgesOf(["a -> [b, c] -> d"])).toEqual([
      ["a", "b"],
      ["a", "c"],
      ["b", "d"],
      ["c", "d"],
    ]);
  });
});

describe("treeOf", () => {
  it("builds a bamboo tree with deterministic flow ids and kinds from id prefixes", () => {
    const tree = treeOf({ flows: ["s -> a -> PG1 -> [b, c] -> CG1 -> e"] });
    expect(tree.id).toBe("p");
    expect(tree.start_event).toMatchObject({ id: "s", type: "EmptyStartEvent", incoming: "", outgoing: "f1" });
    expect(tree.end_event).toMatchObject({ id: "e", type: "EmptyEndEvent", incoming: ["f7"], outgoing: "" });
    expect(tree.activities["a"]).toMatchObject({ type: "ServiceActivity", incoming: ["f1"], outgoing: "f2", component: { code: "debug_node" } });
    expect(tree.gateways["PG1"]).toMatchObject({ type: "ParallelGateway", incoming: ["f2"], outgoing: ["f3", "f4"] });
    expect(tree.gateways["CG1"]).toMatchObject({ type: "ConvergeGateway", incoming: ["f5", "f6"], outgoing: "f7" });
    expect(flowBetween(tree, "c", "CG1")).toBe("f6");
  });

  it("gives conditional gateways a condition per branch and an optional default", () => {
    const tree = treeOf({ flows: ["s -> EG1 -> [a, b] -> CG1 -> e"], conditions: { EG1: { a: "${x} > 1" } }, defaults: { EG1: "b" } });
    expect(tree.gateways["EG1"]).toMatchObject({
      type: "ExclusiveGateway",
      conditions: { f2: { evaluate: "${x} > 1" }, f3: { evaluate: "True == True" } },
      default_condition: { flow_id: "f3" },
    });
  });

  it("nests subprocess trees under the SubProcess id with prefixed start, end and flows", () => {
    const tree = treeOf({ flows: ["s -> sub -> e"], subprocesses: { sub: { flows: ["sub_s -> x -> sub_e"] } } });
    const sub = tree.activities["sub"];
    expect(sub?.type).toBe("SubProcess");
    if (sub?.type !== "SubProcess") return;
    expect(sub.pipeline.id).toBe("sub");
    expect(Object.keys(sub.pipeline.flows)).toEqual(["sub.f1", "sub.f2"]);
    expect(sub.pipeline.start_event.id).toBe("sub_s");
  });

  it("adds nodes named only in kinds, without flows", () => {
    const tree = treeOf({ flows: ["s -> a -> e"], kinds: { lonely: "task" } });
    expect(tree.activities["lonely"]).toMatchObject({ incoming: [], outgoing: "" });
  });
});
