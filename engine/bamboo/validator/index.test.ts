import { describe, expect, it } from "vitest";
import type { PipelineTree } from "../tree";
import { validatePipelineTree, type TreeInvalid } from "./index";
import { editable, treeOf, type EditableTree, type TreeSpec } from "./test-trees";

/** bamboo-engine.md §1.8, as the builder wrote it. */
const SPEC_EXAMPLE = {
  id: "p_root",
  start_event: { id: "n_start", name: null, type: "EmptyStartEvent", incoming: "", outgoing: "f1" },
  end_event: { id: "n_end", name: null, type: "EmptyEndEvent", incoming: ["f7"], outgoing: "" },
  activities: {
    n_act1: { id: "n_act1", name: "act1", type: "ServiceActivity", incoming: ["f1"], outgoing: "f2", component: { code: "debug_node", inputs: { param_1: { type: "splice", value: "${input_a}" } } }, error_ignorable: false, skippable: true, retryable: true, optional: false, timeout: null },
    n_act2: { id: "n_act2", name: "act2", type: "ServiceActivity", incoming: ["f3"], outgoing: "f5", component: { code: "debug_node", inputs: {} }, error_ignorable: true, skippable: true, retryable: true, optional: false, timeout: null },
    n_act3: { id: "n_act3", name: "act3", type: "ServiceActivity", incoming: ["f4"], outgoing: "f6", component: { code: "debug_node", inputs: { msg: { type: "splice", value: '${"got %s" % act1_out}' } } }, error_ignorable: false, skippable: false, retryable: true, optional: false, timeout: null },
  },
  gateways: {
    n_eg: { id: "n_eg", name: "eg", type: "ExclusiveGateway", incoming: ["f2"], outgoing: ["f3", "f4"], conditions: { f3: { evaluate: "${act1_out} < 0" }, f4: { evaluate: "${act1_out} >= 0" } }, default_condition: { flow_id: "f4" } },
    n_cg: { id: "n_cg", name: null, type: "ConvergeGateway", incoming: ["f5", "f6"], outgoing: "f7" },
  },
  flows: {
    f1: { id: "f1", source: "n_start", target: "n_act1", is_default: false },
    f2: { id: "f2", source: "n_act1", target: "n_eg", is_default: false },
    f3: { id: "f3", source: "n_eg", target: "n_act2", is_default: false },
    f4: { id: "f4", source: "n_eg", target: "n_act3", is_default: false },
    f5: { id: "f5", source: "n_act2", target: "n_cg", is_default: false },
    f6: { id: "f6", source: "n_act3", target: "n_cg", is_default: false },
    f7: { id: "f7", source: "n_cg", target: "n_end", is_default: false },
  },
  data: {
    inputs: { "${input_a}": { type: "plain", value: 5 }, "${act1_out}": { type: "plain", value: null, source_act: "n_act1", source_key: "param_1" } },
    outputs: ["${act1_out}"],
    pre_render_keys: [],
  },
};

function errorOf(tree: unknown, options: Parameters<typeof validatePipelineTree>[1] = {}): TreeInvalid {
  const result = validatePipelineTree(tree, options);
  if (result.ok) throw new Error("expected the tree to be refused");
  return result.error;
}

function validTree(tree: unknown, options: Parameters<typeof validatePipelineTree>[1] = {}): PipelineTree {
  const result = validatePipelineTree(tree, options);
  if (!result.ok) throw new Error(`expected a valid tree: ${JSON.stringify(result.error)}`);
  return result.tree;
}

const S10: TreeSpec = { flows: ["s -> PG1 -> [PG2, F1, F2, F3, F4, F5]", "PG2 -> [G1, G2, G3, G4, G5] -> CG1 -> CG2", "[F1, F2, F3, F4, F5] -> CG2", "CG2 -> e"] };

describe("validatePipelineTree on the §1.8 example", () => {
  it("validates it and returns a processed copy", () => {
    const input = structuredClone(SPEC_EXAMPLE);
    const tree = validTree(input);
    expect(tree).not.toBe(input);
    expect(input).toEqual(SPEC_EXAMPLE);
    expect(tree.end_event.incoming).toEqual(["f7"]);
  });

  it("writes converge_gateway_id on the matched exclusive gateway only", () => {
    // §1.8's prose says only (conditional) parallel gateways get one, but upstream's validate_gateways (and §5.4.4)
    // write it on every matched gateway: running the repo's validator on this tree gives n_eg → n_cg.
    const tree = validTree(structuredClone(SPEC_EXAMPLE));
    expect(tree.gateways["n_eg"]).toMatchObject({ converge_gateway_id: "n_cg" });
    expect(tree.gateways["n_cg"]).not.toHaveProperty("converge_gateway_id");
  });
});

describe("validatePipelineTree errors, one of each kind", () => {
  it("shape", () => {
    const tree = editable(treeOf({ flows: ["s -> a -> e"] }));
    delete tree.activities["a"]!["component"];
    expect(errorOf(tree)).toMatchObject({ kind: "shape", nodes: ["a"] });
  });

  it("connection", () => {
    expect(errorOf(treeOf({ flows: ["s -> e"] }))).toMatchObject({ kind: "connection", nodes: ["s"], pipelineId: "p" });
  });

  it("cycle, unless cycle_tolerate", () => {
    const loop = treeOf({ flows: ["s -> a -> b -> EG1 -> [a, e]"] });
    expect(errorOf(loop)).toEqual({ kind: "cycle", message: "pipeline graph has circle", nodes: ["a", "b", "EG1"], pipelineId: "p" });
    expect(validatePipelineTree(loop, { cycleTolerate: true }).ok).toBe(true);
  });

  it("converge: a parallel gateway whose converge misses a branch", () => {
    const error = errorOf(treeOf({ flows: ["s -> PG1 -> [a, b, c]", "a -> CG1", "[b, c] -> x -> CG1", "CG1 -> e"] }));
    expect(error).toMatchObject({ kind: "converge", nodes: ["CG1"] });
    expect(error.message).toContain("汇聚网关没有汇聚其对应的并行网关的所有分支");
  });

  it("stream: a node reached from two parallel branches", () => {
    expect(errorOf(treeOf({ flows: ["s -> PG1 -> [a, b]", "a -> EG1 -> [x, CG1]", "b -> x -> CG1", "CG1 -> e"] }))).toMatchObject({ kind: "stream", nodes: ["x"] });
  });

  it("stream: jumping into a parallel block", () => {
    expect(errorOf(treeOf({ flows: ["s -> EG0 -> [PG1, y]", "PG1 -> [a, b] -> CG1 -> e", "y -> b"] }))).toMatchObject({ kind: "stream", nodes: ["b"] });
  });

  it("isolate: nodes the start never reaches (only possible with cycle_tolerate)", () => {
    const tree = treeOf({ flows: ["s -> a -> e", "x -> y -> x"] });
    expect(errorOf(tree, { cycleTolerate: true })).toMatchObject({ kind: "isolate", nodes: ["x", "y"] });
    expect(errorOf(tree)).toMatchObject({ kind: "cycle", nodes: ["x", "y"] });
  });

  it("start_position", () => {
    expect(errorOf(treeOf({ flows: ["s -> a -> PG1 -> [b, c] -> CG1 -> e"] }), { startNodeId: "b" })).toEqual({
      kind: "start_position",
      message: "this node_id is not allowed as a starting node",
      nodes: ["b"],
      pipelineId: "p",
    });
  });
});

describe("validatePipelineTree on gateway shapes", () => {
  it("accepts an exclusive gateway with a branch straight to the end on the main line", () => {
    expect(validatePipelineTree(treeOf({ flows: ["s -> EG1 -> [a, e]", "a -> e"] })).ok).toBe(true);
  });

  it("refuses the same inside a parallel block", () => {
    const error = errorOf(treeOf({ flows: ["s -> PG1 -> [EG1, a]", "EG1 -> [b, e]", "[b, a] -> CG1 -> e"] }));
    expect(error).toMatchObject({ kind: "converge", nodes: ["EG1"] });
  });

  it("accepts nested parallel blocks (S10) and pairs PG1↔CG2, PG2↔CG1", () => {
    const tree = validTree(treeOf(S10));
    expect(tree.gateways["PG1"]).toMatchObject({ converge_gateway_id: "CG2" });
    expect(tree.gateways["PG2"]).toMatchObject({ converge_gateway_id: "CG1" });
  });
});

describe("validatePipelineTree on subprocesses", () => {
  const withChild = (child: TreeSpec): PipelineTree => treeOf({ flows: ["s -> a -> sub -> e"], subprocesses: { sub: child } });

  it("validates and processes child trees too", () => {
    const tree = validTree(withChild({ flows: ["sub_s -> PG9 -> [q, r] -> CG9 -> sub_e"] }));
    const sub = tree.activities["sub"];
    expect(sub?.type === "SubProcess" ? sub.pipeline.gateways["PG9"] : undefined).toMatchObject({ converge_gateway_id: "CG9" });
  });

  it("reports an invalid child tree with the child's node ids", () => {
    const error = errorOf(withChild({ flows: ["sub_s -> q -> PG9 -> [r, t]", "r -> CG9", "t -> sub_e", "CG9 -> sub_e"] }));
    expect(error).toMatchObject({ kind: "converge", nodes: ["PG9"], pipelineId: "sub" });
  });

  it("checks the child before the parent level", () => {
    const tree = editable(withChild({ flows: ["sub_s -> q -> sub_e", "x -> sub_e"] }));
    tree.end_event["incoming"] = [];
    delete tree.flows["f3"];
    tree.activities["sub"]!["outgoing"] = "f9";
    expect(errorOf(tree)).toMatchObject({ kind: "connection", nodes: ["x"], pipelineId: "sub" });
  });

  it("does not allow starting at a subprocess or inside it", () => {
    const tree = withChild({});
    expect(validatePipelineTree(tree, { startNodeId: "a" }).ok).toBe(true);
    expect(errorOf(tree, { startNodeId: "sub" }).kind).toBe("start_position");
    expect(errorOf(tree, { startNodeId: "sub_act" }).kind).toBe("start_position");
  });
});

describe("validatePipelineTree start_node_id", () => {
  const spec: TreeSpec = { flows: ["s -> a -> EG1 -> [b, c] -> CG1 -> PG1 -> [d, f] -> CG2 -> e"] };
  it.each(["s", "a", "EG1", "b", "c", "PG1"])("allows %s", (startNodeId) => {
    expect(validatePipelineTree(treeOf(spec), { startNodeId }).ok).toBe(true);
  });
  it.each(["CG1", "CG2", "d", "e"])("refuses %s", (startNodeId) => {
    expect(errorOf(treeOf(spec), { startNodeId })).toMatchObject({ kind: "start_position", nodes: [startNodeId] });
  });
});

describe("validatePipelineTree options", () => {
  it("asks isSink about custom end-event types", () => {
    const tree = treeOf({ flows: ["s -> a -> e"], endType: "notify_end" });
    expect(validatePipelineTree(tree).ok).toBe(true);
    expect(validatePipelineTree(tree, { isSink: (type) => type === "notify_end" }).ok).toBe(true);
    expect(errorOf(tree, { isSink: () => false })).toMatchObject({ kind: "shape", nodes: ["e"] });
  });
});

/** A tiny deterministic random source, so that the fuzz cases are the same on every run. */
function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

const GARBAGE: readonly unknown[] = [null, undefined, 0, -1, 1.5, NaN, "", "x", "f1", "ServiceActivity", "ParallelGateway", true, [], ["f1"], [null], {}, { id: 3 }, { evaluate: 1 }, { flow_id: "nope" }, () => 1, Symbol("s"), 10n];

/** Replaces one value somewhere inside `value` (or adds or deletes a key) with something random. */
function mutate(value: unknown, random: () => number, depth = 0): unknown {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  if (value === null || typeof value !== "object" || depth > 6 || random() < 0.15) return pick(GARBAGE);
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  const roll = random();
  if (keys.length === 0 || roll < 0.1) {
    // defineProperty, so that "__proto__" becomes an own key as JSON.parse would make it
    Object.defineProperty(record, pick(["id", "type", "incoming", "outgoing", "pipeline", "constructor", "__proto__", "zz"]), { value: pick(GARBAGE), enumerable: true, writable: true, configurable: true });
  }
  else if (roll < 0.2) delete record[pick(keys)];
  else {
    const key = pick(keys);
    record[key] = mutate(record[key], random, depth + 1);
  }
  return value;
}

describe("validatePipelineTree never throws", () => {
  it.each(GARBAGE.map((value) => [value]))("refuses %s as a tree", (value) => {
    expect(validatePipelineTree(value).ok).toBe(false);
  });

  it("answers ok:false, never an exception, for 3000 randomly broken trees", () => {
    const bases = [treeOf(S10), structuredClone(SPEC_EXAMPLE), treeOf({ flows: ["s -> a -> sub -> EG1 -> [a, e]"], subprocesses: { sub: {} } })];
    const random = randomSource(20240521);
    let refused = 0;
    for (let i = 0; i < 3000; i++) {
      const tree = structuredClone(bases[i % bases.length]) as unknown;
      let broken = tree;
      for (let m = 0; m <= Math.floor(random() * 3); m++) broken = mutate(broken, random);
      const result = validatePipelineTree(broken, { cycleTolerate: random() < 0.5, startNodeId: random() < 0.2 ? "a" : undefined });
      if (!result.ok) {
        refused += 1;
        expect(typeof result.error.message).toBe("string");
        expect(Array.isArray(result.error.nodes)).toBe(true);
      }
    }
    expect(refused).toBeGreaterThan(2000);
  });

  it("turns a throwing getter into an error, not an exception", () => {
    const tree = editable(treeOf({ flows: ["s -> a -> e"] })) as EditableTree;
    Object.defineProperty(tree.activities["a"]!, "type", {
      get() {
        throw new Error("boom");
      },
      enumerable: true,
    });
    expect(errorOf(tree)).toMatchObject({ kind: "shape" });
  });
});
