import { describe, expect, it } from "vitest";
import type { PipelineTree } from "../tree";
import { validateGateways } from "./gateways";
import { normalizeTree } from "./normalize";
import { ISOLATE_MESSAGE, STREAM_MESSAGE, validateStream } from "./streams";
import { treeOf, type TreeSpec } from "./test-trees";

/** Streams need converge ids, so gateways are matched first (they must pass). */
function streamError(spec: TreeSpec): ReturnType<typeof validateStream> {
  const tree: PipelineTree = normalizeTree(treeOf(spec));
  expect(validateGateways(tree)).toBeNull();
  return validateStream(tree);
}

describe("validateStream", () => {
  it("accepts nested parallel blocks and exclusive branches", () => {
    expect(streamError({ flows: ["s -> PG1 -> [PG2, F1, F2]", "PG2 -> [G1, G2] -> CG1 -> CG2", "[F1, F2] -> CG2", "CG2 -> EG1 -> [a, e]", "a -> e"] })).toBeNull();
  });

  it("refuses a node reached from two parallel branches", () => {
    const error = streamError({ flows: ["s -> PG1 -> [a, b]", "a -> EG1 -> [x, CG1]", "b -> x -> CG1", "CG1 -> e"] });
    expect(error).toMatchObject({ kind: "stream", message: STREAM_MESSAGE, nodes: ["x"] });
  });

  it("refuses a jump from the main line into a parallel block", () => {
    const error = streamError({ flows: ["s -> EG0 -> [PG1, y]", "PG1 -> [a, b] -> CG1 -> e", "y -> b"] });
    expect(error).toMatchObject({ kind: "stream", nodes: ["b"] });
  });

  it("reports nodes no stream reaches as isolated", () => {
    const error = streamError({ flows: ["s -> a -> e", "x -> y -> x"] });
    expect(error).toEqual({ kind: "isolate", message: ISOLATE_MESSAGE, nodes: ["x", "y"], pipelineId: "p" });
  });
});
