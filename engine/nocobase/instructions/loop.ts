import type { Instruction } from "../instruction";
import { evaluateCondition } from "../logic-calculate";
import type { Job, Processor } from "../processor";
import { JOB_STATUS } from "../statuses";
import type { FlowNode } from "../workflow";

/** What the loop does when an iteration's branch fails (§3.3). */
export const LOOP_EXIT = { RETURN: 0, BREAK: 1, CONTINUE: 2 } as const;

interface LoopCondition {
  readonly checkpoint?: 0 | 1;
  readonly continueOnFalse?: boolean;
  readonly engine?: string;
  readonly calculation?: unknown;
  readonly expression?: string;
}

interface LoopResult {
  looped: number;
  done: number;
  broken?: boolean;
  exceeded?: boolean;
}

/** A number → floor(n) (negative throws); an array → its length (null items count); else 1 if non-null, 0 if null. */
export function loopLength(target: unknown): number {
  if (typeof target === "number") {
    if (target < 0) throw new Error("Loop target in number type must be greater than 0");
    return Math.floor(target);
  }
  return Array.isArray(target) ? target.length : target == null ? 0 : 1;
}

function conditionOf(node: FlowNode): LoopCondition | null {
  const condition = node.config.condition as LoopCondition | false | undefined;
  return condition && (condition.calculation || condition.expression) ? condition : null;
}

/** The loop's condition, evaluated with its own scope (`$scopes.<loop>` = the current item) included. */
async function holds(node: FlowNode, processor: Processor): Promise<boolean> {
  return Boolean(await evaluateCondition(conditionOf(node)!, node, processor, true));
}

/**
 * `loop` (§3.3): runs its branch (index 0) once per target item, with `$scopes.<loop>` = `{item, index, sequence,
 * length}`; an optional condition checked before (checkpoint 0) or after (1) each iteration; a failed iteration
 * returns (0), breaks (1) or continues (2) per `exit`; `settings.loopLimit` caps the iterations.
 */
export const loop: Instruction = {
  async run(node, input, processor) {
    const [branch] = processor.getBranches(node);
    const target = processor.getParsedValue(node.config.target, node.id);
    const length = loopLength(target);
    const result: LoopResult = { looped: 0, done: 0 };
    if (branch === undefined || !length) return { status: JOB_STATUS.RESOLVED, result };

    // Saved first, so the condition sees the loop's scope (its result's `looped`).
    const job = processor.saveJob({ status: JOB_STATUS.PENDING, result, nodeId: node.id, nodeKey: node.key, upstreamId: input && "id" in input ? input.id : null });
    const condition = conditionOf(node);
    if (condition !== null && !condition.checkpoint) {
      while (result.looped < length) {
        if (await holds(node, processor)) break;
        result.looped += 1;
        if (condition.continueOnFalse) {
          processor.saveJob({ id: job.id, status: job.status, result: { ...result } });
          continue;
        }
        return { id: job.id, status: JOB_STATUS.RESOLVED, result: { ...result, broken: true } };
      }
      if (result.looped >= length) return { id: job.id, status: JOB_STATUS.RESOLVED, result: { ...result } };
    }
    await processor.run(branch, job);
    return undefined;
  },

  async resume(node, branchJob, processor) {
    const job = processor.findBranchParentJob(branchJob, node) as Job;
    const [branch] = processor.getBranches(node);
    if (job.status !== JOB_STATUS.PENDING) return null; // already done: a late branch changes nothing
    if (branchJob.id !== job.id && branchJob.status === JOB_STATUS.PENDING) return null; // the iteration waits

    const result: LoopResult = { ...(job.result as LoopResult) };
    result.looped += 1;
    const exit = node.config.exit ?? LOOP_EXIT.RETURN;
    if (branchJob.status === JOB_STATUS.RESOLVED || (branchJob.status < JOB_STATUS.PENDING && exit === LOOP_EXIT.CONTINUE)) {
      result.done += 1;
      const length = loopLength(processor.getParsedValue(node.config.target, node.id));
      const condition = conditionOf(node);
      if (condition !== null) {
        // The scope's `item` follows the saved `looped`, so save it before each check.
        while (result.looped < length) {
          processor.saveJob({ id: job.id, status: job.status, result: { ...result } });
          if (await holds(node, processor)) break;
          if (!condition.continueOnFalse) return { id: job.id, status: JOB_STATUS.RESOLVED, result: { ...result, broken: true } };
          result.looped += 1;
        }
      }
      processor.saveJob({ id: job.id, status: job.status, result: { ...result } });
      if (result.looped < length) {
        const limit = processor.settings.loopLimit ?? 0;
        if (!(limit > 0) || result.done < limit) {
          await processor.run(branch!, job);
          return undefined;
        }
        return { id: job.id, status: JOB_STATUS.ERROR, result: { ...result, exceeded: true } };
      }
      return { id: job.id, status: JOB_STATUS.RESOLVED, result };
    }
    // A failed iteration: BREAK (and any other truthy exit) resolves the loop; RETURN takes the branch's status.
    if (exit) return { id: job.id, status: JOB_STATUS.RESOLVED, result: { ...result, broken: true } };
    return { id: job.id, status: branchJob.status, result };
  },

  getScope(node, jobResult, processor) {
    const target = processor.getParsedValue(node.config.target, node.id);
    const targets = (Array.isArray(target) ? target : [target]).filter((t) => t != null);
    const index = (jobResult as LoopResult | null)?.looped ?? 0;
    return { item: typeof target === "number" ? index : targets[index], index, sequence: index + 1, length: loopLength(target) };
  },

  validateConfig(config) {
    const errors: Record<string, string> = {};
    // `target` may be any value (§3.3, S12): null, `{}` or `[null]` are valid targets with their own lengths.
    const { condition, exit } = config;
    if (condition !== undefined && condition !== false && (condition === null || typeof condition !== "object")) errors.condition = '"condition" must be false or an object';
    else if (condition && typeof condition === "object" && "checkpoint" in condition && ![0, 1].includes((condition as LoopCondition).checkpoint as number)) errors["condition.checkpoint"] = '"checkpoint" must be one of [0, 1]';
    if (exit !== undefined && ![0, 1, 2].includes(exit as number)) errors.exit = '"exit" must be one of [0, 1, 2]';
    return Object.keys(errors).length ? errors : null;
  },
};
