import type { StateName } from "./states";
import type { TimeoutConfig, TimerEvent } from "./tree";

/** The rows of one run, as the engine reads and writes them through BambooStore (bamboo-engine.md §0). */

export type NodeType =
  | "EmptyStartEvent"
  | "EmptyEndEvent"
  | "ExecutableEndEvent"
  | "ServiceActivity"
  | "SubProcess"
  | "ExclusiveGateway"
  | "ParallelGateway"
  | "ConditionalParallelGateway"
  | "ConvergeGateway";

export interface ConditionRecord {
  readonly flowId: string;
  readonly evaluate: string;
  readonly targetId: string;
}

/** A node, stored flat whatever (sub)pipeline it belongs to. A SubProcess node's id is its child pipeline's id. */
export interface NodeRecord {
  readonly id: string;
  readonly type: NodeType;
  readonly name: string | null;
  /** flow id → target node id, in the tree's outgoing order. */
  readonly targets: Readonly<Record<string, string>>;
  readonly rootPipelineId: string;
  readonly parentPipelineId: string;
  readonly canSkip: boolean;
  readonly canRetry: boolean;
  /** ServiceActivity: component code; ExecutableEndEvent: end-event code. */
  readonly code?: string;
  readonly errorIgnorable?: boolean;
  readonly conditions?: readonly ConditionRecord[];
  readonly defaultFlowId?: string;
  readonly convergeGatewayId?: string;
  /** EmptyStartEvent: context keys rendered once and stored back as PLAIN before the flow begins. */
  readonly preRenderKeys?: readonly string[];
  /** SubProcess: the child pipeline's start event. */
  readonly startEventId?: string;
  readonly timeout?: TimeoutConfig;
  readonly timerEvents?: readonly TimerEvent[];
}

export interface StateRecord {
  readonly nodeId: string;
  readonly rootId: string;
  readonly parentId: string;
  readonly name: StateName;
  readonly version: string;
  readonly loop: number;
  readonly innerLoop: number;
  readonly retry: number;
  readonly skip: boolean;
  readonly errorIgnored: boolean;
  readonly createdTime: number;
  readonly startedTime: number | null;
  readonly archivedTime: number | null;
}

/** An execution token. Forked children stop at `destinationId`; the parent waits for `needAck` of them. */
export interface ProcessRecord {
  readonly id: number;
  readonly parentId: number;
  readonly pipelineStack: readonly string[];
  readonly currentNodeId: string;
  readonly destinationId: string;
  readonly asleep: boolean;
  readonly suspended: boolean;
  readonly suspendedBy: string;
  readonly dead: boolean;
  readonly needAck: number;
  readonly ackNum: number;
}

export type ContextValueType = "plain" | "splice" | "compute";

/** A context value of one (sub)pipeline, keyed `${name}`. */
export interface ContextValue {
  readonly key: string;
  readonly type: ContextValueType;
  readonly value: unknown;
  /** The lazy variable's code, for compute values. */
  readonly code?: string;
  /** The keys its value refers to (`${k}` form). */
  readonly references: readonly string[];
}

export interface RawInput {
  readonly need_render: boolean;
  readonly value: unknown;
}

/** A node's raw inputs, and which of its outputs go to which context key when it archives. */
export interface NodeData {
  readonly inputs: Readonly<Record<string, RawInput>>;
  readonly outputs: Readonly<Record<string, string>>;
}

export interface ExecutionData {
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly outputs: Readonly<Record<string, unknown>>;
}

export type ScheduleType = "CALLBACK" | "MULTIPLE_CALLBACK" | "POLL";

export interface ScheduleRecord {
  readonly id: number;
  readonly type: ScheduleType;
  readonly processId: number;
  readonly nodeId: string;
  readonly version: string;
  readonly finished: boolean;
  readonly expired: boolean;
  readonly scheduling: boolean;
  readonly times: number;
}

export interface CallbackDataRecord {
  readonly id: number;
  readonly nodeId: string;
  readonly version: string;
  readonly data: unknown;
}

export interface HistoryRecord {
  readonly id: number;
  readonly nodeId: string;
  readonly startedTime: number | null;
  readonly archivedTime: number | null;
  readonly loop: number;
  readonly retry: number;
  readonly skip: boolean;
  readonly version: string;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly outputs: Readonly<Record<string, unknown>>;
}

/** What the run was started with, kept on the run. */
export interface RunRecord {
  readonly pipelineId: string;
  readonly rootPipelineData: Readonly<Record<string, unknown>>;
  readonly settings: RunSettings;
  readonly createdAt: number;
}

export interface RunSettings {
  /** ONLY collects every true condition; FIRST stops at the first one. */
  readonly exclusiveGatewayStrategy: "only" | "first";
  readonly rerunLimit: number;
}

export const DEFAULT_RUN_SETTINGS: RunSettings = { exclusiveGatewayStrategy: "only", rerunLimit: 100 };
