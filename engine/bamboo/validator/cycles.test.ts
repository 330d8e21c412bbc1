import { describe, expect, it } from "vitest";
import { CYCLE_MESSAGE, findCycle, validateNoCycle } from "./cycles";
import { treeOf } from "./test-trees";

describe("cycle detection", () => {
  it("finds none in a chain with parallel branches", () => {
    expect(findCycle(treeOf({ flows: ["s -> PG1 -> [a, b] -> CG1 -> e"] }))).toBeNull();
  });

  it("reports the nodes of a loop back through an exclusive gateway, from where the loop closes", () => {
    const tree = treeOf({ flows: ["s -> a -> b -> EG1 -> [a, e]"] });
    expect(findCycle(tree)).toEqual(["a", "b", "EG1"]);
    expect(validateNoCycle(tree)).toEqual({ kind: "cycle", message: CYCLE_MESSAGE, nodes: ["a", "b", "EG1"], pipelineId: "p" });
  });

  it("reports a self-loop", () => {
    expect(findCycle(treeOf({ flows: ["s -> EG1 -> [EG1, e]"] }))).toEqual(["EG1"]);
  });

  it("handles a long chain without overflowing the stack", () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => `t${i}`);
    expect(findCycle(treeOf({ flows: [["s", ...ids, "e"].join(" -> ")] }))).toBeNull();
  });
});
