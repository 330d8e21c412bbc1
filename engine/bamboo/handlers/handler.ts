import type { NodeRecord, NodeType, ProcessRecord, ScheduleRecord, ScheduleType } from "../records";
import type { BambooRuntime } from "../runtime";

/** What the execute loop hands a node type's handler: the node, the process sitting at it, and the attempt. */
export interface NodeAttempt {
  readonly rt: BambooRuntime;
  readonly node: NodeRecord;
  readonly process: ProcessRecord;
  readonly loop: number;
  readonly innerLoop: number;
  /** The version captured when the node entered RUNNING; every later write of this attempt passes it. */
  readonly version: string;
}

/** A forked child process to start at `nodeId`. */
export interface Dispatch {
  readonly processId: number;
  readonly nodeId: string;
}

/** bamboo's ExecuteResult. */
export interface ExecuteResult {
  readonly shouldSleep: boolean;
  readonly scheduleReady?: boolean;
  readonly scheduleType?: ScheduleType;
  readonly dispatchProcesses?: readonly Dispatch[];
  readonly nextNodeId?: string;
  readonly shouldDie?: boolean;
  /** The process's pipeline stack after the node (SubProcess pushes, end events pop). */
  readonly pipelineStack?: readonly string[];
}

/** bamboo's ScheduleResult. */
export interface ScheduleResult {
  readonly scheduleDone: boolean;
  readonly hasNextSchedule?: boolean;
  readonly scheduleAfterSeconds?: number;
  readonly nextNodeId?: string;
}

export interface NodeHandler {
  execute(attempt: NodeAttempt): Promise<ExecuteResult>;
  schedule?(attempt: NodeAttempt, schedule: ScheduleRecord, callbackData: unknown): Promise<ScheduleResult>;
}

export type HandlerTable = Readonly<Record<NodeType, NodeHandler>>;

/** The node's single next node (activities, events, converge gateways). */
export function soleTarget(node: NodeRecord): string | undefined {
  return Object.values(node.targets)[0];
}

export const sleep: ExecuteResult = { shouldSleep: true };
