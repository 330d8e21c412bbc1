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
import type { BambooStore } from "./store";

/** A deep copy, so neither the caller nor the store can change the other's objects afterwards. */
const copy = <T>(value: T): T => structuredClone(value);

/** The unique (node, version) index key of a schedule; NUL cannot occur in either part. */
const scheduleKey = (nodeId: string, version: string): string => `${nodeId}\u0000${version}`;

/** SQL stores an absent `code` as NULL and reads it back absent, not as `code: undefined`. */
function withoutUndefinedCode(value: ContextValue): ContextValue {
  if (value.code !== undefined || !("code" in value)) return value;
  const { code: _code, ...rest } = value;
  return rest;
}

/**
 * Ids like SQLite's AUTOINCREMENT: each new id is greater than every id ever used, including ids written
 * explicitly by an upsert, and none is reused.
 */
class IdSequence {
  private highest = 0;

  next(): number {
    this.highest += 1;
    return this.highest;
  }

  saw(id: number): void {
    if (id > this.highest) this.highest = id;
  }
}

/**
 * BambooStore in plain Maps, with SqlBambooStore's semantics: every `put*` is an upsert, states keep creation
 * order, created ids increase, and records are deep-copied in and out so nobody aliases stored data. It lets the
 * engine core run without a Durable Object (unit tests, previews).
 */
export class MemoryBambooStore implements BambooStore {
  private runRecord: RunRecord | undefined;
  private readonly nodeRows = new Map<string, NodeRecord>();
  // A Map keeps insertion order and `set` on an existing key keeps its place: that is creation order.
  private readonly stateRows = new Map<string, StateRecord>();
  private readonly processes = new Map<number, ProcessRecord>();
  private readonly processIds = new IdSequence();
  private readonly contexts = new Map<string, Map<string, ContextValue>>();
  private readonly outputs = new Map<string, string[]>();
  private readonly nodeData = new Map<string, NodeData>();
  private readonly executions = new Map<string, ExecutionData>();
  private readonly schedules = new Map<number, ScheduleRecord>();
  private readonly scheduleIds = new IdSequence();
  private readonly scheduleIndex = new Map<string, number>();
  private readonly callbacks = new Map<number, CallbackDataRecord>();
  private readonly callbackIds = new IdSequence();
  private readonly historyRows: HistoryRecord[] = [];
  private readonly historyIds = new IdSequence();

  run(): RunRecord | undefined {
    return copy(this.runRecord);
  }

  putRun(run: RunRecord): void {
    this.runRecord = copy(run);
  }

  node(id: string): NodeRecord | undefined {
    return copy(this.nodeRows.get(id));
  }

  putNode(node: NodeRecord): void {
    this.nodeRows.set(node.id, copy(node));
  }

  nodes(): NodeRecord[] {
    return [...this.nodeRows.values()].map((node) => copy(node));
  }

  state(nodeId: string): StateRecord | undefined {
    return copy(this.stateRows.get(nodeId));
  }

  putState(state: StateRecord): void {
    this.stateRows.set(state.nodeId, copy(state));
  }

  states(): StateRecord[] {
    return copy([...this.stateRows.values()]);
  }

  newProcess(process: Omit<ProcessRecord, "id">): ProcessRecord {
    const created: ProcessRecord = { ...copy(process), id: this.processIds.next() };
    this.processes.set(created.id, created);
    return copy(created);
  }

  process(id: number): ProcessRecord | undefined {
    return copy(this.processes.get(id));
  }

  putProcess(process: ProcessRecord): void {
    this.processIds.saw(process.id);
    this.processes.set(process.id, copy(process));
  }

  liveProcesses(): ProcessRecord[] {
    // Sorted, since an upsert of an unknown id may insert it out of id order.
    const live = [...this.processes.values()].filter((process) => !process.dead).sort((a, b) => a.id - b.id);
    return copy(live);
  }

  contextValues(pipelineId: string, keys?: readonly string[]): ContextValue[] {
    const values = [...(this.contexts.get(pipelineId)?.values() ?? [])];
    if (keys === undefined) return copy(values);
    const wanted = new Set(keys);
    return copy(values.filter((value) => wanted.has(value.key)));
  }

  putContextValue(pipelineId: string, value: ContextValue): void {
    let context = this.contexts.get(pipelineId);
    if (context === undefined) {
      context = new Map();
      this.contexts.set(pipelineId, context);
    }
    context.set(value.key, copy(withoutUndefinedCode(value)));
  }

  contextOutputs(pipelineId: string): string[] {
    return copy(this.outputs.get(pipelineId) ?? []);
  }

  putContextOutputs(pipelineId: string, keys: readonly string[]): void {
    this.outputs.set(pipelineId, [...keys]);
  }

  data(nodeId: string): NodeData | undefined {
    return copy(this.nodeData.get(nodeId));
  }

  putData(nodeId: string, data: NodeData): void {
    this.nodeData.set(nodeId, copy(data));
  }

  executionData(nodeId: string): ExecutionData | undefined {
    return copy(this.executions.get(nodeId));
  }

  putExecutionData(nodeId: string, data: ExecutionData): void {
    this.executions.set(nodeId, copy(data));
  }

  /** Throws if `(nodeId, version)` already has a schedule, as the SQL UNIQUE constraint does. */
  newSchedule(schedule: { type: ScheduleType; processId: number; nodeId: string; version: string }): ScheduleRecord {
    this.assertScheduleKeyFree(schedule.nodeId, schedule.version, undefined);
    const created: ScheduleRecord = {
      id: this.scheduleIds.next(),
      type: schedule.type,
      processId: schedule.processId,
      nodeId: schedule.nodeId,
      version: schedule.version,
      finished: false,
      expired: false,
      scheduling: false,
      times: 0,
    };
    this.storeSchedule(created);
    return copy(created);
  }

  schedule(id: number): ScheduleRecord | undefined {
    return copy(this.schedules.get(id));
  }

  scheduleOf(nodeId: string, version: string): ScheduleRecord | undefined {
    const id = this.scheduleIndex.get(scheduleKey(nodeId, version));
    return id === undefined ? undefined : this.schedule(id);
  }

  latestScheduleOf(nodeId: string): ScheduleRecord | undefined {
    let latest: ScheduleRecord | undefined;
    for (const schedule of this.schedules.values()) {
      if (schedule.nodeId === nodeId && (latest === undefined || schedule.id > latest.id)) latest = schedule;
    }
    return copy(latest);
  }

  putSchedule(schedule: ScheduleRecord): void {
    this.assertScheduleKeyFree(schedule.nodeId, schedule.version, schedule.id);
    const previous = this.schedules.get(schedule.id);
    if (previous !== undefined) this.scheduleIndex.delete(scheduleKey(previous.nodeId, previous.version));
    this.scheduleIds.saw(schedule.id);
    this.storeSchedule(copy(schedule));
  }

  newCallbackData(nodeId: string, version: string, data: unknown): CallbackDataRecord {
    const created: CallbackDataRecord = { id: this.callbackIds.next(), nodeId, version, data: copy(data) };
    this.callbacks.set(created.id, created);
    return copy(created);
  }

  callbackData(id: number): CallbackDataRecord | undefined {
    return copy(this.callbacks.get(id));
  }

  addHistory(history: Omit<HistoryRecord, "id">): void {
    this.historyRows.push({ ...copy(history), id: this.historyIds.next() });
  }

  histories(nodeId: string): HistoryRecord[] {
    // Rows are appended with increasing ids, so the list is already in creation order.
    return copy(this.historyRows.filter((history) => history.nodeId === nodeId));
  }

  private storeSchedule(schedule: ScheduleRecord): void {
    this.schedules.set(schedule.id, schedule);
    this.scheduleIndex.set(scheduleKey(schedule.nodeId, schedule.version), schedule.id);
  }

  /** One schedule per (node, version): a second one, other than `ownId`, is refused. */
  private assertScheduleKeyFree(nodeId: string, version: string, ownId: number | undefined): void {
    const holder = this.scheduleIndex.get(scheduleKey(nodeId, version));
    if (holder !== undefined && holder !== ownId) {
      throw new Error(`a schedule for node ${nodeId} version ${version} already exists (id ${holder})`);
    }
  }
}
