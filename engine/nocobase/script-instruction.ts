import type { Instruction, InstructionInput, InstructionResult } from "./instruction";
import type { Job, Processor } from "./processor";
import type { InstructionMethod, InstructionScripts, ProcessorCall } from "./runtime";
import type { FlowNode } from "./workflow";

/** A node as scripts see it (api.md "Workflows"): no links, only what describes it. */
export function nodeView(node: FlowNode): { id: number; key: string; type: string; title: string | null; config: unknown; upstreamId: number | null; branchIndex: number | null } {
  return { id: node.id, key: node.key, type: node.type, title: node.title, config: node.config, upstreamId: node.upstreamId, branchIndex: node.branchIndex };
}

/** A job as scripts see it. */
export function jobView(job: Job): Record<string, unknown> {
  const { id, nodeId, nodeKey, upstreamId, status, result, meta } = job;
  return { id, nodeId, nodeKey, upstreamId, status, result: result ?? null, meta: meta ?? null };
}

function inputView(input: InstructionInput): unknown {
  if (input === undefined) return null;
  return "id" in input && typeof input.id === "number" ? jobView(input as Job) : { result: input.result };
}

/** Thrown into the Processor when a script method failed; its own properties become the ERROR job's result. */
class ScriptInstructionError extends Error {
  constructor(fields: Readonly<Record<string, unknown>>) {
    const { name, message, ...own } = fields;
    super(String(message ?? "the instruction script failed"));
    Object.assign(this, own);
    // Not an own enumerable property: NocoBase's ERROR result is the error's own properties plus its message.
    Object.defineProperty(this, "name", { value: String(name ?? "Error") });
  }
}

/**
 * The host side of the guest's `processor` object, for one call on `node`. Each method takes the JSON arguments the
 * guest passed and answers JSON; nodes and jobs travel as ids or views, never as the engine's own objects.
 */
function processorCalls(processor: Processor, node: FlowNode): Record<string, ProcessorCall> {
  const nodeOf = (id: unknown): FlowNode => {
    const found = processor.nodesMap.get(Number(id));
    if (found === undefined) throw new Error(`no node with id ${String(id)} in this workflow`);
    return found;
  };
  const services = processor.rt.services;
  return {
    getParsedValue: async ([value, nodeId]) => processor.getParsedValue(value, nodeId == null ? node.id : Number(nodeId)),
    getScope: async ([nodeId]) => {
      const scope = processor.getScope(nodeId == null ? node.id : Number(nodeId));
      return { ...scope, $system: { now: new Date(processor.now()).toISOString() }, ctx: undefined };
    },
    saveJob: async ([payload]) => {
      const job = (payload ?? {}) as Record<string, unknown>;
      const known = typeof job.id === "number" && processor.findJob(job.id) !== undefined;
      const saved = processor.saveJob(known ? { ...job, status: Number(job.status) } : { nodeId: node.id, nodeKey: node.key, ...job, status: Number(job.status ?? 0) });
      return jobView(saved);
    },
    exit: async ([status]) => {
      await processor.exit(typeof status === "number" || status === true ? status : undefined);
      return null;
    },
    getBranches: async ([nodeId]) => processor.getBranches(nodeOf(nodeId ?? node.id)).map(nodeView),
    run: async ([nodeId, input]) => {
      const target = nodeOf(nodeId);
      const given = input as { id?: unknown; result?: unknown } | null;
      const job = typeof given?.id === "number" ? processor.findJob(given.id) : undefined;
      await processor.run(target, job ?? (given === null ? undefined : { result: given.result }));
      return null;
    },
    findBranchStartNode: async ([nodeId, parentId]) => {
      const start = processor.findBranchStartNode(nodeOf(nodeId), parentId == null ? undefined : nodeOf(parentId));
      return start === null ? null : nodeView(start);
    },
    findBranchParentJob: async ([parentId]) => {
      const job = processor.findBranchParentJob(undefined, nodeOf(parentId));
      return job === null ? null : jobView(job);
    },
    resumeUrl: async ([jobId]) => {
      if (services === undefined) throw new Error("resume URLs are not available here");
      return services.resumeUrl(Number(jobId));
    },
  };
}

/**
 * A custom node type backed by an `instruction/{type}` script: `run` and `resume` cross into the sandbox, and what
 * the script returns means what it means in NocoBase (a job, `null`, `undefined`, or a throw).
 */
export function scriptInstruction(type: string, scripts: InstructionScripts): Instruction {
  const call = async (method: InstructionMethod, node: FlowNode, job: unknown, processor: Processor): Promise<InstructionResult> => {
    const { id, key, context, status } = processor.execution;
    const outcome = await scripts.call(type, method, [JSON.stringify({ mode: "call", method, execution: { id, key, context, status } }), nodeView(node), job], processorCalls(processor, node));
    if (outcome.ok) return outcome.value as InstructionResult;
    if (outcome.code === "missing_method") throw new Error(`"${method}" method should be implemented for [${type}] instruction of node (#${node.id})`);
    throw new ScriptInstructionError(outcome.error);
  };
  return {
    run: (node, input, processor) => call("run", node, inputView(input), processor),
    resume: (node, job, processor) => call("resume", node, jobView(job), processor),
  };
}
