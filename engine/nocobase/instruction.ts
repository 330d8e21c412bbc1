import type { Job, Processor } from "./processor";
import type { FlowNode } from "./workflow";

/**
 * What `run`/`resume` may return (nocobase-workflow.md §1.1), as Processor.exec reads it:
 * - a job (a new `{status, result?, meta?, log?}`, or a job the processor handed out, possibly copied with its `id`):
 *   saved, then the downstream runs if it is RESOLVED, else the chain segment ends (`end`);
 * - `null`: `processor.exit()`, the jobs are flushed and the execution stays STARTED (suspended);
 * - `undefined`: `processor.exit(true)`, the instruction drove the continuation itself;
 * - a throw: an ERROR job (ABORTED when the run was aborted); a throw in `resume` of the same node updates that job.
 */
export interface JobInput {
  readonly id?: number;
  readonly status: number;
  readonly result?: unknown;
  readonly meta?: unknown;
  readonly log?: string | null;
  readonly nodeId?: number;
  readonly nodeKey?: string;
  readonly upstreamId?: number | null;
}

export type InstructionResult = JobInput | Job | null | undefined | void;

/** The input of a node: its upstream's job, `{result: context}` on a rerun of the head, nothing for the head. */
export type InstructionInput = Job | { readonly result: unknown } | undefined;

export interface RunOptions {
  readonly rerun?: true;
  /** Aborts when the execution times out or is cancelled while the instruction runs. */
  readonly signal?: AbortSignal;
}

/** A node type on the host side (NocoBase's server `Instruction`): the built-ins, and later the script adapter. */
export interface Instruction {
  run(node: FlowNode, input: InstructionInput, processor: Processor, options?: RunOptions): InstructionResult | Promise<InstructionResult>;
  /** Resumes the node's pending job from outside, or a branching node when one of its branches ended (`job` = that branch's last job). */
  resume?(node: FlowNode, job: Job, processor: Processor): InstructionResult | Promise<InstructionResult>;
  /** Scope variables published to the nodes inside this node's branches, as `$scopes.<id>` and `$scopes.<key>`. */
  getScope?(node: FlowNode, result: unknown, processor: Processor): unknown;
  /** `{path: message}` when the config is refused, else null. */
  validateConfig?(config: Readonly<Record<string, unknown>>): Readonly<Record<string, string>> | null;
  /** Cannot be used in a sync workflow (delay, manual, …). */
  readonly async?: boolean;
}

export type InstructionRegistry = ReadonlyMap<string, Instruction>;
