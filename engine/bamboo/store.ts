import type {
  CallbackDataRecord,
  ContextValue,
  ExecutionData,
  HistoryRecord,
  NodeData,
  NodeRecord,
  ProcessRecord,
  RunRecord,
  ScheduleRecord,
  ScheduleType,
  StateRecord,
} from "./records";

/**
 * The run's tables, as the bamboo engine reads and writes them (the storage half of bamboo's ERI). Calls are
 * synchronous: a Durable Object's SQLite answers without I/O, and every write made between two awaits lands in
 * one atomic batch.
 */
export interface BambooStore {
  run(): RunRecord | undefined;
  putRun(run: RunRecord): void;

  node(id: string): NodeRecord | undefined;
  putNode(node: NodeRecord): void;
  /** Every node of the run, subprocesses' included, in the order they were stored. */
  nodes(): NodeRecord[];

  state(nodeId: string): StateRecord | undefined;
  putState(state: StateRecord): void;
  /** Every state of the run, in creation order. */
  states(): StateRecord[];

  /** Creates a process and answers it with its id. */
  newProcess(process: Omit<ProcessRecord, "id">): ProcessRecord;
  process(id: number): ProcessRecord | undefined;
  putProcess(process: ProcessRecord): void;
  /** Live (not dead) processes, in id order. */
  liveProcesses(): ProcessRecord[];

  /** Context values of one (sub)pipeline; only `keys` when given. */
  contextValues(pipelineId: string, keys?: readonly string[]): ContextValue[];
  putContextValue(pipelineId: string, value: ContextValue): void;
  contextOutputs(pipelineId: string): string[];
  putContextOutputs(pipelineId: string, keys: readonly string[]): void;

  data(nodeId: string): NodeData | undefined;
  putData(nodeId: string, data: NodeData): void;
  executionData(nodeId: string): ExecutionData | undefined;
  putExecutionData(nodeId: string, data: ExecutionData): void;

  newSchedule(schedule: { type: ScheduleType; processId: number; nodeId: string; version: string }): ScheduleRecord;
  schedule(id: number): ScheduleRecord | undefined;
  scheduleOf(nodeId: string, version: string): ScheduleRecord | undefined;
  /** The node's newest schedule, whatever its version. */
  latestScheduleOf(nodeId: string): ScheduleRecord | undefined;
  putSchedule(schedule: ScheduleRecord): void;

  newCallbackData(nodeId: string, version: string, data: unknown): CallbackDataRecord;
  callbackData(id: number): CallbackDataRecord | undefined;

  addHistory(history: Omit<HistoryRecord, "id">): void;
  histories(nodeId: string): HistoryRecord[];
}
