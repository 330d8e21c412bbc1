/**
 * Step 4 of `validate_and_process_pipeline` (bamboo-engine.md §5.4.4): every Parallel or ConditionalParallel
 * gateway must be closed by one ConvergeGateway; Exclusive gateways converge at most once, or run to the end.
 * A port of `validator/gateway.py:validate_gateways` and `match_converge`, kept close to upstream because which
 * trees pass depends on its details: gateways are taken in order of distance from the start, each branch is
 * followed to the first converge it meets (stepping over nested blocks), and branch lists are rewritten in place
 * as they are resolved. The matches are written to `converge_gateway_id` on the tree.
 */

import type { PipelineTree } from "../tree";
import { invalid, type TreeInvalid } from "./errors";
import { distanceFromStart } from "./distances";
import { flowOf, incomingIds, outgoingIds, own, PARALLEL_TYPES } from "./level-graph";

const MESSAGES = {
  noDistance: "无法获取该网关距离开始节点的距离 (cannot tell how far this gateway is from the start event)",
  branchInParallel: "并行网关中的分支网关必须将所有分支汇聚到一个汇聚网关 (an exclusive gateway inside a parallel block must bring all its branches to one converge gateway)",
  sameConverge: "分支网关的所有分支第一个遇到的汇聚网关必须是同一个 (all branches of an exclusive gateway must first meet the same converge gateway)",
  oneParallel: "汇聚网关只能汇聚来自同一个并行网关的分支 (a converge gateway may only join the branches of one parallel gateway)",
  missingBranches: "汇聚网关没有汇聚其对应的并行网关的所有分支 (the converge gateway does not join all branches of its parallel gateway)",
  endlessLoop: "分支在没有出口的循环中 (the branch loops back through activities or converge gateways without an exit)",
  illegal: (gatewayId: string, targets: readonly (string | null)[]) =>
    `非法网关, 请检查其分支是否符合规则, cur_index: ${gatewayId}, targets: [${targets.map((t) => (t === null ? "None" : t)).join(", ")}] (invalid gateway: check that its branches follow the rules)`,
};

/** upstream's `ConvergeMatchError(gateway_id)`: thrown inside the matcher, turned into a TreeInvalid at the edge. */
class ConvergeMatchFailure extends Error {
  constructor(
    readonly nodes: readonly string[],
    message: string,
  ) {
    super(message);
  }
}

/** A gateway during matching. `targets` is rewritten in place while branches are resolved (null = ignored). */
interface GatewayState {
  readonly id: string;
  readonly type: string;
  readonly incoming: readonly string[];
  readonly targets: (string | null)[];
  match: string | null;
  sharesConverge: boolean;
  /** An exclusive gateway one of whose branches runs to the end event. Informational, as upstream. */
  convergesAtEnd: boolean;
}

/** Matches gateways to their converge gateways, writing `converge_gateway_id`; null when all rules hold. */
export function validateGateways(tree: PipelineTree): TreeInvalid | null {
  try {
    const matches = matchGateways(tree);
    for (const [gatewayId, convergeId] of matches) {
      const gateway = own(tree.gateways, gatewayId);
      if (gateway !== undefined && gateway.type !== "ConvergeGateway") gateway.converge_gateway_id = convergeId;
    }
    return null;
  } catch (error) {
    if (error instanceof ConvergeMatchFailure) return invalid("converge", error.message, error.nodes, tree.id);
    throw error;
  }
}

/** The converge gateway matched by each Parallel, ConditionalParallel and (when it has one) Exclusive gateway. */
export function matchGateways(tree: PipelineTree): Map<string, string> {
  const distances = new Map<string, number>();
  const converges = new Map<string, GatewayState>();
  const branching = new Map<string, GatewayState>();
  for (const [gatewayId, gateway] of Object.entries(tree.gateways)) {
    const state: GatewayState = {
      id: gateway.id,
      type: gateway.type,
      incoming: incomingIds(gateway),
      targets: outgoingIds(gateway).map((flowId) => firstNonActivityAfter(tree, flowId, gateway.id)),
      match: null,
      sharesConverge: false,
      convergesAtEnd: false,
    };
    // `if not distance_from(...)`: neither unreachable (null) nor 0 will do.
    if (!distanceFromStart(tree, gateway.id, distances)) throw new ConvergeMatchFailure([gateway.id], MESSAGES.noDistance);
    (gateway.type === "ConvergeGateway" ? converges : branching).set(gatewayId, state);
  }
  const matcher = new ConvergeMatcher(tree.end_event.id, converges, branching, distances);
  const order = [...branching.keys()].sort((a, b) => (distances.get(a) ?? 0) - (distances.get(b) ?? 0));
  for (const gatewayId of order) matcher.matchAsBlock(gatewayId);

  const matches = new Map<string, string>();
  for (const [gatewayId, state] of branching) if (state.match !== null) matches.set(gatewayId, state.match);
  return matches;
}

/** Follows a flow through activities to the first gateway or event (upstream keeps only those as targets). */
function firstNonActivityAfter(tree: PipelineTree, flowId: string, gatewayId: string): string {
  const seen = new Set<string>();
  let nodeId = flowOf(tree, flowId)?.target ?? "";
  for (let activity = own(tree.activities, nodeId); activity !== undefined; activity = own(tree.activities, nodeId)) {
    // Upstream spins forever on a loop made of activities only; here it is an error.
    if (seen.has(nodeId)) throw new ConvergeMatchFailure([gatewayId, nodeId], MESSAGES.endlessLoop);
    seen.add(nodeId);
    nodeId = flowOf(tree, outgoingIds(activity)[0] ?? "")?.target ?? "";
  }
  return nodeId;
}

class ConvergeMatcher {
  /** Gateways each converge gateway was matched by (upstream's `converged`; the null key gathers unmatched ones). */
  private readonly convergedBy = new Map<string | null, string[]>();
  /** Nodes seen by the block that each top-level gateway started (upstream's `block_nodes`). */
  private readonly blockNodes = new Map<string, Set<string | null>>();
  /** How many gateways reach each converge gateway moving away from the start (upstream's `converge_positive_in`). */
  private readonly forwardInDegree = new Map<string, number>();
  private readonly blockStarted = new Set<string>();

  constructor(
    private readonly endEventId: string,
    private readonly converges: ReadonlyMap<string, GatewayState>,
    private readonly branching: ReadonlyMap<string, GatewayState>,
    private readonly distances: ReadonlyMap<string, number>,
  ) {
    for (const gateway of [...converges.values(), ...branching.values()]) {
      for (const target of gateway.targets) {
        if (target !== null && converges.has(target) && this.distance(target) > this.distance(gateway.id)) {
          this.forwardInDegree.set(target, (this.forwardInDegree.get(target) ?? 0) + 1);
        }
      }
    }
  }

  private distance(nodeId: string): number {
    return this.distances.get(nodeId) ?? 0;
  }

  private isConverge(nodeId: string | null): nodeId is string {
    return nodeId !== null && this.converges.has(nodeId);
  }

  /** Starts a block at a gateway not yet reached from an earlier one, as upstream's loop over gateways does. */
  matchAsBlock(gatewayId: string): void {
    if (this.blockStarted.has(gatewayId)) return;
    this.blockStarted.add(gatewayId);
    this.blockNodes.set(gatewayId, new Set());
    this.match(gatewayId, gatewayId, []);
  }

  /** upstream `match_converge`: the converge gateway closing `gatewayId`, and whether it is shared. */
  private match(gatewayId: string, blockStart: string, stack: GatewayState[]): [string | null, boolean] {
    const current = this.branching.get(gatewayId);
    if (current === undefined) return [null, false];
    if (current.match !== null) return [current.match, current.sharesConverge];

    stack.push(current);
    const onStack = new Set(stack.map((gateway) => gateway.id));
    for (let i = 0; i < current.targets.length; i++) {
      if (this.seenInOtherBlock(current.targets[i] ?? null, blockStart)) {
        current.targets[i] = null;
        continue;
      }
      this.blockNodes.get(blockStart)?.add(current.targets[i] ?? null);
      this.resolveBranch(current, i, blockStart, stack, onStack);
      const target = current.targets[i] ?? null;
      // A converge gateway closer to the start is behind us: do not match it.
      if (this.isConverge(target) && this.distance(target) < this.distance(gatewayId)) current.targets[i] = null;
    }
    stack.pop();
    return this.settle(current, blockStart, stack);
  }

  private seenInOtherBlock(nodeId: string | null, blockStart: string): boolean {
    for (const [start, nodes] of this.blockNodes) if (start !== blockStart && nodes.has(nodeId)) return true;
    return false;
  }

  /** Steps branch `i` over nested gateways (and the converges that close them) until it is not at a gateway. */
  private resolveBranch(current: GatewayState, i: number, blockStart: string, stack: GatewayState[], onStack: ReadonlySet<string>): void {
    const passes = new Map<string, number>();
    for (let target = current.targets[i] ?? null; target !== null && this.branching.has(target) && target !== current.id; target = current.targets[i] ?? null) {
      if (onStack.has(target)) {
        // Back to a gateway we are inside of: a loop, allowed unless it leaves a parallel block.
        if (!this.parallelOnStack(stack, target)) {
          current.targets[i] = null;
          return;
        }
        throw new ConvergeMatchFailure([current.id], MESSAGES.branchInParallel);
      }
      // Upstream loops forever when a nested block's converge leads back into that block; here it is an error.
      // The first lap may still change what is shared, so only a third visit proves the walk cannot end.
      const pass = (passes.get(target) ?? 0) + 1;
      if (pass > 2) throw new ConvergeMatchFailure([current.id, target], MESSAGES.endlessLoop);
      passes.set(target, pass);

      const [convergeId, shared] = this.match(target, blockStart, stack);
      if (convergeId === null) {
        current.targets[i] = this.endEventId; // the nested gateway runs to the end
        continue;
      }
      current.targets[i] = convergeId;
      // Unless `current` may end on the same converge, carry on past it.
      if (!shared || !this.mayShare(current.id, convergeId)) current.targets[i] = this.converges.get(convergeId)?.targets[0] ?? null;
    }
  }

  /** upstream `not_in_parallel_gateway`, negated: is there a parallel gateway on the stack from `from` on? */
  private parallelOnStack(stack: readonly GatewayState[], from?: string): boolean {
    const start = from === undefined ? 0 : Math.max(0, stack.findIndex((gateway) => gateway.id === from));
    return stack.slice(start).some((gateway) => PARALLEL_TYPES.has(gateway.type));
  }

  /** upstream `can_shared`: exclusive gateways may share; a parallel one only if no other parallel one uses it. */
  private mayShare(gatewayId: string, convergeId: string): boolean {
    if (!PARALLEL_TYPES.has(this.branching.get(gatewayId)?.type ?? "")) return true;
    return (this.convergedBy.get(convergeId) ?? []).every((other) => other === gatewayId || !PARALLEL_TYPES.has(this.branching.get(other)?.type ?? ""));
  }

  /** The rules once every branch is resolved; records and returns the match. */
  private settle(current: GatewayState, blockStart: string, stack: readonly GatewayState[]): [string | null, boolean] {
    const isExclusive = current.type === "ExclusiveGateway";
    let convergeId: string | null = null;
    let branchesToConverge = current.targets.length;
    for (const target of current.targets) {
      if (this.isConverge(target) && convergeId === null) convergeId = target;
      else if (this.isConverge(target) && target === convergeId) continue;
      else if (isExclusive && target === this.endEventId) {
        // A branch straight to the end: fine on the main line, not inside a parallel block.
        if (this.parallelOnStack(stack)) throw new ConvergeMatchFailure([current.id], MESSAGES.branchInParallel);
        current.convergesAtEnd = true;
      } else if (isExclusive && (target === current.id || target === null)) {
        branchesToConverge -= 1; // a loop back to itself or to an earlier node does not converge
      } else if (isExclusive && this.isConverge(target)) {
        throw new ConvergeMatchFailure([current.id], MESSAGES.sameConverge);
      } else {
        throw new ConvergeMatchFailure([current.id], MESSAGES.illegal(current.id, current.targets));
      }
    }
    const shared = isExclusive ? this.exclusiveShares(convergeId, branchesToConverge) : this.parallelShares(current, convergeId);
    current.match = convergeId;
    current.sharesConverge = shared;
    const users = this.convergedBy.get(convergeId) ?? [];
    users.push(current.id);
    this.convergedBy.set(convergeId, users);
    this.blockNodes.get(blockStart)?.add(current.id);
    return [convergeId, shared];
  }

  /** An exclusive gateway shares its converge when more forward flows enter it than its own branches bring. */
  private exclusiveShares(convergeId: string | null, branchesToConverge: number): boolean {
    if (convergeId === null) return false;
    return (this.forwardInDegree.get(convergeId) ?? 0) > branchesToConverge || this.convergedBy.has(convergeId);
  }

  /** A parallel gateway's converge must take all its branches; more only when no other parallel gateway uses it. */
  private parallelShares(current: GatewayState, convergeId: string | null): boolean {
    const converge = convergeId === null ? undefined : this.converges.get(convergeId);
    if (convergeId === null || converge === undefined) throw new ConvergeMatchFailure([current.id], MESSAGES.illegal(current.id, current.targets));
    const convergeIn = converge.incoming.length;
    const gatewayOut = current.targets.length;
    if (convergeIn < gatewayOut) throw new ConvergeMatchFailure([convergeId], MESSAGES.missingBranches);
    if (convergeIn === gatewayOut) return false;
    for (const other of this.convergedBy.get(convergeId) ?? []) {
      if (PARALLEL_TYPES.has(this.branching.get(other)?.type ?? "")) throw new ConvergeMatchFailure([convergeId], MESSAGES.oneParallel);
    }
    return true;
  }
}
