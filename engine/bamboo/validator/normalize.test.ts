import { describe, expect, it } from "vitest";
import type { PipelineTree } from "../tree";
import { normalizeTree } from "./normalize";
import { editable, treeOf } from "./test-trees";

describe("normalizeTree", () => {
  it("turns string incoming into lists on activities, gateways and the end event, not the start event", () => {
    const raw = editable(treeOf({ flows: ["s -> a -> EG1 -> [b, e]", "b -> e"] }));
    raw.activities["a"]!["incoming"] = "f1";
    raw.gateways["EG1"]!["incoming"] = "f2";
    raw.end_event["incoming"] = "";
    raw.start_event["incoming"] = "";
    const tree = normalizeTree(raw as unknown as PipelineTree);
    expect(tree.activities["a"]?.incoming).toEqual(["f1"]);
    expect(tree.gateways["EG1"]?.incoming).toEqual(["f2"]);
    expect(tree.end_event.incoming).toEqual([]);
    expect(tree.start_event.incoming).toBe("");
  });

  it("normalises subprocess trees and leaves the input untouched", () => {
    const raw = editable(treeOf({ flows: ["s -> sub -> e"], subprocesses: { sub: { flows: ["sub_s -> x -> sub_e"] } } }));
    const child = raw.activities["sub"]!["pipeline"] as { activities: Record<string, { incoming: unknown }> };
    child.activities["x"]!.incoming = "sub.f1";
    const input = raw as unknown as PipelineTree;
    const tree = normalizeTree(input);
    const sub = tree.activities["sub"];
    expect(sub?.type === "SubProcess" ? sub.pipeline.activities["x"]?.incoming : undefined).toEqual(["sub.f1"]);
    expect(child.activities["x"]!.incoming).toBe("sub.f1");
    expect(tree).not.toBe(input);
  });
});
