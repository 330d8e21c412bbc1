import { describe, expect, it } from "vitest";
import { allowedStartNodeIds, START_POSITION_MESSAGE, validateStartNode } from "./start-node";
import { validatePipelineTree } from "./index";
import { treeOf, type TreeSpec } from "./test-trees";

function processed(spec: TreeSpec, cycleTolerate = false) {
  const result = validatePipelineTree(treeOf(spec), { cycleTolerate });
  if (!result.ok) throw new Error(result.error.message);
  return result.tree;
}

const MIXED: TreeSpec = {
  flows: ["s -> a -> EG1 -> [b, c]", "[b, c] -> CG1 -> PG1 -> [d, sub] -> CG2 -> f -> e"],
  subprocesses: { sub: { flows: ["sub_s -> q -> sub_e"] } },
};

describe("allowedStartNodeIds", () => {
  it("lists the start event and main-line nodes, exclusive branches included, depth first", () => {
    expect(allowedStartNodeIds(processed(MIXED))).toEqual(["s", "a", "EG1", "b", "PG1", "f", "c"]);
  });

  it("leaves out converge gateways, subprocesses, nodes inside parallel blocks and the end event", () => {
    const allowed = allowedStartNodeIds(processed(MIXED));
    for (const id of ["CG1", "CG2", "sub", "d", "q", "e"]) expect(allowed).not.toContain(id);
  });

  it("walks past a subprocess on the main line without allowing it", () => {
    expect(allowedStartNodeIds(processed({ flows: ["s -> a -> sub -> b -> e"], subprocesses: { sub: {} } }))).toEqual(["s", "a", "b"]);
  });

  it("terminates on loops (upstream recurses forever)", () => {
    expect(allowedStartNodeIds(processed({ flows: ["s -> a -> EG1 -> [a, e]"] }, true))).toEqual(["s", "a", "EG1"]);
  });

  it("matches gateways itself when the tree has no converge ids yet", () => {
    expect(allowedStartNodeIds(treeOf({ flows: ["s -> a -> PG1 -> [b, c] -> CG1 -> d -> e"] }))).toEqual(["s", "a", "PG1", "d"]);
  });
});

describe("validateStartNode", () => {
  const tree = processed(MIXED);
  it.each(["s", "a", "EG1", "c", "PG1", "f"])("allows %s", (id) => {
    expect(validateStartNode(tree, id)).toBeNull();
  });
  it.each(["CG1", "sub", "d", "e", "q", "nowhere"])("refuses %s", (id) => {
    expect(validateStartNode(tree, id)).toEqual({ kind: "start_position", message: START_POSITION_MESSAGE, nodes: [id], pipelineId: "p" });
  });
});
