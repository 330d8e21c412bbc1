/**
 * Step 5 of `validate_and_process_pipeline` (bamboo-engine.md §5.4.5), a port of `validator/gateway.py:validate_stream`.
 * Streams are propagated breadth-first from the start: the start and end events are on "main", each branch of a
 * parallel gateway gets its own stream, and the matched converge gateway takes the parallel gateway's stream.
 * A node that ends up on two streams is entered from outside its parallel block (StreamValidateError); a node on
 * none is never reached (IsolateNodeError). Needs `converge_gateway_id` from gateway matching.
 */

import type { PipelineTree } from "../tree";
import { invalid, type TreeInvalid } from "./errors";
import { levelNodes, PARALLEL_TYPES, writtenConvergeOf, type LevelNode } from "./level-graph";

const MAIN_STREAM = "main";

export const STREAM_MESSAGE = "StreamValidateError: the node is reached from more than one stream (a flow enters or leaves a parallel block, or joins two of its branches)";
export const ISOLATE_MESSAGE = "IsolateNodeError: the node cannot be reached from the start event";

/** upstream raises this one from `blend`, outside its TreeInvalidException family. */
const EMPTY_STREAM_MESSAGE = "stream validation error: the node has no stream to pass on";

class StreamFailure extends Error {
  constructor(
    readonly nodeId: string,
    message: string,
  ) {
    super(message);
  }
}

interface ParallelBlock {
  /** The streams of the parallel gateway's branches: flows from them into the converge do not blend. */
  readonly branchStreams: ReadonlySet<string>;
}

export function validateStream(tree: PipelineTree): TreeInvalid | null {
  try {
    const streams = new StreamFlow(tree).run();
    return streamSweep(tree, streams);
  } catch (error) {
    if (error instanceof StreamFailure) return invalid("stream", error.message, [error.nodeId], tree.id);
    throw error;
  }
}

/** After the walk: every node must hold exactly one stream (upstream checks this before the isolate check). */
function streamSweep(tree: PipelineTree, streams: ReadonlyMap<string, ReadonlySet<string>>): TreeInvalid | null {
  const crowded = [...streams].filter(([, set]) => set.size > 1).map(([id]) => id);
  if (crowded.length > 0) return invalid("stream", STREAM_MESSAGE, crowded, tree.id);
  // Upstream reports these as StreamValidateError too (its IsolateNodeError check can never fire); §5.4.5 names them.
  const isolated = [...streams].filter(([, set]) => set.size === 0).map(([id]) => id);
  return isolated.length > 0 ? invalid("isolate", ISOLATE_MESSAGE, isolated, tree.id) : null;
}

class StreamFlow {
  private readonly nodes: Map<string, LevelNode>;
  private readonly streams = new Map<string, Set<string>>();
  private readonly parallelBlocks = new Map<string, ParallelBlock>();

  constructor(private readonly tree: PipelineTree) {
    this.nodes = levelNodes(tree);
    for (const node of this.nodes.values()) this.streams.set(node.id, new Set());
    this.streams.get(tree.start_event.id)?.add(MAIN_STREAM);
    this.streams.get(tree.end_event.id)?.add(MAIN_STREAM);
    for (const node of this.nodes.values()) {
      if (!PARALLEL_TYPES.has(node.type)) continue;
      const convergeId = this.requireConverge(node);
      this.parallelBlocks.set(convergeId, { branchStreams: new Set(node.targets.map((_, i) => branchStream(node.id, i))) });
    }
  }

  private requireConverge(node: LevelNode): string {
    const convergeId = writtenConvergeOf(this.tree, node.id);
    if (convergeId === undefined || !this.nodes.has(convergeId)) throw new StreamFailure(node.id, `${node.id}: a parallel gateway has no converge gateway`);
    return convergeId;
  }

  private streamsOf(nodeId: string): Set<string> {
    let set = this.streams.get(nodeId);
    if (set === undefined) {
      set = new Set();
      this.streams.set(nodeId, set);
    }
    return set;
  }

  /** Breadth-first from the start; a node met again passes its streams on again but is not expanded again. */
  run(): Map<string, Set<string>> {
    const queue: string[] = [this.tree.start_event.id];
    const expanded = new Set<string>();
    for (let head = 0; head < queue.length; head++) {
      const node = this.nodes.get(queue[head] as string);
      if (node === undefined) continue;
      if (!expanded.has(node.id)) {
        queue.push(...node.targets);
        expanded.add(node.id);
      }
      this.flowFrom(node);
    }
    return this.streams;
  }

  /** upstream `flowing`: pass `where`'s streams to its targets; each target must then hold exactly one. */
  private flowFrom(where: LevelNode): void {
    const isParallel = PARALLEL_TYPES.has(where.type);
    if (isParallel) {
      // The converge gateway continues the parallel gateway's own stream.
      const convergeId = this.requireConverge(where);
      this.blend(where.id, convergeId);
      if (this.streamsOf(convergeId).size > 1) throw new StreamFailure(convergeId, STREAM_MESSAGE);
    }
    const ownConverge = writtenConvergeOf(this.tree, where.id);
    where.targets.forEach((targetId, i) => {
      const block = this.parallelBlocks.get(targetId);
      // A branch arriving at its own converge gateway does not blend into it.
      const closesBlock = block !== undefined && (isSubset(this.streamsOf(where.id), block.branchStreams) || ownConverge === targetId);
      if (!closesBlock) {
        if (isParallel) this.streamsOf(targetId).add(branchStream(where.id, i));
        else this.blend(where.id, targetId);
      }
      if (this.streamsOf(targetId).size !== 1) throw new StreamFailure(targetId, STREAM_MESSAGE);
    });
  }

  private blend(sourceId: string, targetId: string): void {
    const source = this.streamsOf(sourceId);
    if (source.size === 0) throw new StreamFailure(sourceId, EMPTY_STREAM_MESSAGE);
    const target = this.streamsOf(targetId);
    for (const stream of source) target.add(stream);
  }
}

/** The stream of branch `index` of a parallel gateway; a pair, so that no id can forge another branch's stream. */
function branchStream(gatewayId: string, index: number): string {
  return JSON.stringify([gatewayId, index]);
}

function isSubset(set: ReadonlySet<string>, of: ReadonlySet<string>): boolean {
  for (const item of set) if (!of.has(item)) return false;
  return true;
}
