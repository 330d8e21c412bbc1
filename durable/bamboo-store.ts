import type { BambooStore } from "../engine/bamboo/store";
import type {
  CallbackDataRecord,
  ContextValue,
  ContextValueType,
  ExecutionData,
  HistoryRecord,
  NodeData,
  NodeRecord,
  ProcessRecord,
  RunRecord,
  ScheduleRecord,
  ScheduleType,
  StateRecord,
} from "../engine/bamboo/records";
import type { StateName } from "../engine/bamboo/states";

/**
 * The run's tables. Every row is keyed as BambooStore reads it; JSON columns hold what the engine never queries by.
 * `bamboo_states.seq` is the row's INTEGER PRIMARY KEY (the rowid itself), so `states()` reads the table in creation
 * order and an upsert, which updates in place, keeps it; `node_id` is the key the engine uses (NOT NULL UNIQUE).
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS bamboo_run (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  pipeline_id TEXT NOT NULL, root_pipeline_data TEXT NOT NULL, settings TEXT NOT NULL, created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS bamboo_nodes (id TEXT PRIMARY KEY, record TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS bamboo_states (
  seq INTEGER PRIMARY KEY,
  node_id TEXT NOT NULL UNIQUE, root_id TEXT NOT NULL, parent_id TEXT NOT NULL, name TEXT NOT NULL, version TEXT NOT NULL,
  loop INTEGER NOT NULL, inner_loop INTEGER NOT NULL, retry INTEGER NOT NULL, skip INTEGER NOT NULL,
  error_ignored INTEGER NOT NULL, created_time INTEGER NOT NULL, started_time INTEGER, archived_time INTEGER
);
CREATE TABLE IF NOT EXISTS bamboo_processes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  parent_id INTEGER NOT NULL, pipeline_stack TEXT NOT NULL, current_node_id TEXT NOT NULL, destination_id TEXT NOT NULL,
  asleep INTEGER NOT NULL, suspended INTEGER NOT NULL, suspended_by TEXT NOT NULL, dead INTEGER NOT NULL,
  need_ack INTEGER NOT NULL, ack_num INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS bamboo_processes_dead ON bamboo_processes (dead);
CREATE TABLE IF NOT EXISTS bamboo_context_values (
  pipeline_id TEXT NOT NULL, key TEXT NOT NULL, type TEXT NOT NULL, value TEXT, code TEXT, "references" TEXT NOT NULL,
  PRIMARY KEY (pipeline_id, key)
);
CREATE TABLE IF NOT EXISTS bamboo_context_outputs (pipeline_id TEXT PRIMARY KEY, keys TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS bamboo_data (node_id TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS bamboo_execution_data (node_id TEXT PRIMARY KEY, inputs TEXT NOT NULL, outputs TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS bamboo_schedules (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  type TEXT NOT NULL, process_id INTEGER NOT NULL, node_id TEXT NOT NULL, version TEXT NOT NULL,
  finished INTEGER NOT NULL, expired INTEGER NOT NULL, scheduling INTEGER NOT NULL, times INTEGER NOT NULL,
  UNIQUE (node_id, version)
);
CREATE TABLE IF NOT EXISTS bamboo_callback_data (
  id INTEGER PRIMARY KEY AUTOINCREMENT, node_id TEXT NOT NULL, version TEXT NOT NULL, data TEXT
);
CREATE TABLE IF NOT EXISTS bamboo_histories (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  node_id TEXT NOT NULL, started_time INTEGER, archived_time INTEGER, loop INTEGER NOT NULL, retry INTEGER NOT NULL,
  skip INTEGER NOT NULL, version TEXT NOT NULL, inputs TEXT NOT NULL, outputs TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS bamboo_histories_node ON bamboo_histories (node_id);
`;

/** At most this many parameters are bound by one statement (the platform allows 100). */
export const MAX_BOUND_PARAMETERS = 90;
/** Keys per `contextValues` statement: the pipeline id takes one parameter. */
const KEYS_PER_STATEMENT = MAX_BOUND_PARAMETERS - 1;

const STATE_COLUMNS =
  "node_id, root_id, parent_id, name, version, loop, inner_loop, retry, skip, error_ignored, created_time, started_time, archived_time";
const PROCESS_COLUMNS = "id, parent_id, pipeline_stack, current_node_id, destination_id, asleep, suspended, suspended_by, dead, need_ack, ack_num";
const SCHEDULE_COLUMNS = "id, type, process_id, node_id, version, finished, expired, scheduling, times";
const HISTORY_COLUMNS = "id, node_id, started_time, archived_time, loop, retry, skip, version, inputs, outputs";
const CONTEXT_COLUMNS = `key, type, value, code, "references"`;

const PUT_STATE = `INSERT INTO bamboo_states (${STATE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (node_id) DO UPDATE SET root_id = excluded.root_id, parent_id = excluded.parent_id, name = excluded.name,
  version = excluded.version, loop = excluded.loop, inner_loop = excluded.inner_loop, retry = excluded.retry,
  skip = excluded.skip, error_ignored = excluded.error_ignored, created_time = excluded.created_time,
  started_time = excluded.started_time, archived_time = excluded.archived_time`;
const NEW_PROCESS = `INSERT INTO bamboo_processes (${PROCESS_COLUMNS.slice("id, ".length)}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`;
const PUT_PROCESS = `INSERT INTO bamboo_processes (${PROCESS_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (id) DO UPDATE SET parent_id = excluded.parent_id, pipeline_stack = excluded.pipeline_stack,
  current_node_id = excluded.current_node_id, destination_id = excluded.destination_id, asleep = excluded.asleep,
  suspended = excluded.suspended, suspended_by = excluded.suspended_by, dead = excluded.dead,
  need_ack = excluded.need_ack, ack_num = excluded.ack_num`;
const PUT_CONTEXT_VALUE = `INSERT INTO bamboo_context_values (pipeline_id, ${CONTEXT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)
  ON CONFLICT (pipeline_id, key) DO UPDATE SET type = excluded.type, value = excluded.value, code = excluded.code,
  "references" = excluded."references"`;
const PUT_SCHEDULE = `INSERT INTO bamboo_schedules (${SCHEDULE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (id) DO UPDATE SET type = excluded.type, process_id = excluded.process_id, node_id = excluded.node_id,
  version = excluded.version, finished = excluded.finished, expired = excluded.expired,
  scheduling = excluded.scheduling, times = excluded.times`;
const ADD_HISTORY = `INSERT INTO bamboo_histories (${HISTORY_COLUMNS.slice("id, ".length)}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`;

type StateRow = [string, string, string, string, string, number, number, number, number, number, number, number | null, number | null];
type ProcessRow = [number, number, string, string, string, number, number, string, number, number, number];
type ScheduleRow = [number, string, number, string, string, number, number, number, number];
type HistoryRow = [number, string, number | null, number | null, number, number, number, string, string, string];
type ContextRow = [string, string, string | null, string | null, string];

/** `undefined` (which JSON cannot hold) is stored as SQL NULL and read back as `undefined`. */
const toJson = (value: unknown): string | null => JSON.stringify(value) ?? null;
const fromJson = (text: string | null): unknown => (text === null ? undefined : JSON.parse(text));
const bit = (flag: boolean): number => (flag ? 1 : 0);

/** The only row of a cursor, or undefined. Reads the cursor to its end, so its statement is finished. */
function only<T extends SqlStorageValue[]>(cursor: SqlStorageCursor<Record<string, SqlStorageValue>>): T | undefined {
  let found: T | undefined;
  for (const row of cursor.raw<T>()) found = row;
  return found;
}

const toState = (r: StateRow): StateRecord => ({
  nodeId: r[0],
  rootId: r[1],
  parentId: r[2],
  name: r[3] as StateName,
  version: r[4],
  loop: r[5],
  innerLoop: r[6],
  retry: r[7],
  skip: r[8] !== 0,
  errorIgnored: r[9] !== 0,
  createdTime: r[10],
  startedTime: r[11],
  archivedTime: r[12],
});

const toProcess = (r: ProcessRow): ProcessRecord => ({
  id: r[0],
  parentId: r[1],
  pipelineStack: JSON.parse(r[2]) as string[],
  currentNodeId: r[3],
  destinationId: r[4],
  asleep: r[5] !== 0,
  suspended: r[6] !== 0,
  suspendedBy: r[7],
  dead: r[8] !== 0,
  needAck: r[9],
  ackNum: r[10],
});

const toSchedule = (r: ScheduleRow): ScheduleRecord => ({
  id: r[0],
  type: r[1] as ScheduleType,
  processId: r[2],
  nodeId: r[3],
  version: r[4],
  finished: r[5] !== 0,
  expired: r[6] !== 0,
  scheduling: r[7] !== 0,
  times: r[8],
});

const toHistory = (r: HistoryRow): HistoryRecord => ({
  id: r[0],
  nodeId: r[1],
  startedTime: r[2],
  archivedTime: r[3],
  loop: r[4],
  retry: r[5],
  skip: r[6] !== 0,
  version: r[7],
  inputs: JSON.parse(r[8]) as Record<string, unknown>,
  outputs: JSON.parse(r[9]) as Record<string, unknown>,
});

function toContextValue(r: ContextRow): ContextValue {
  const value: { -readonly [K in keyof ContextValue]: ContextValue[K] } = {
    key: r[0],
    type: r[1] as ContextValueType,
    value: fromJson(r[2]),
    references: JSON.parse(r[4]) as string[],
  };
  if (r[3] !== null) value.code = r[3];
  return value;
}

/** Placeholders `?, ?, …` for n parameters; the full-chunk string is built once. */
const FULL_CHUNK = Array(KEYS_PER_STATEMENT).fill("?").join(", ");
const placeholders = (n: number): string => (n === KEYS_PER_STATEMENT ? FULL_CHUNK : Array(n).fill("?").join(", "));

/**
 * BambooStore on a Durable Object's SQLite. Each method is one statement (contextValues with many keys: one per 89
 * keys); every `put*` is an upsert. Records come back as fresh plain objects; booleans are stored as 0/1.
 */
export class SqlBambooStore implements BambooStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(SCHEMA);
  }

  /** Written once when the run starts and read by every node (settings, root_pipeline_data), so kept in memory. */
  private runRecord: RunRecord | undefined;

  run(): RunRecord | undefined {
    if (this.runRecord !== undefined) return this.runRecord;
    const r = only<[string, string, string, number]>(
      this.sql.exec("SELECT pipeline_id, root_pipeline_data, settings, created_at FROM bamboo_run WHERE id = 1"),
    );
    this.runRecord = r && Object.freeze({ pipelineId: r[0], rootPipelineData: JSON.parse(r[1]), settings: JSON.parse(r[2]), createdAt: r[3] });
    return this.runRecord;
  }

  putRun(run: RunRecord): void {
    this.sql.exec(
      `INSERT INTO bamboo_run (id, pipeline_id, root_pipeline_data, settings, created_at) VALUES (1, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET pipeline_id = excluded.pipeline_id, root_pipeline_data = excluded.root_pipeline_data,
       settings = excluded.settings, created_at = excluded.created_at`,
      run.pipelineId,
      JSON.stringify(run.rootPipelineData),
      JSON.stringify(run.settings),
      run.createdAt,
    );
    this.runRecord = undefined;
  }

  /** Nodes are written when the run starts and read at every step, so they are kept in memory, frozen. */
  private readonly nodeCache = new Map<string, NodeRecord>();

  node(id: string): NodeRecord | undefined {
    const cached = this.nodeCache.get(id);
    if (cached !== undefined) return cached;
    const r = only<[string]>(this.sql.exec("SELECT record FROM bamboo_nodes WHERE id = ?", id));
    if (r === undefined) return undefined;
    const node = deepFreeze(JSON.parse(r[0]) as NodeRecord);
    this.nodeCache.set(id, node);
    return node;
  }

  putNode(node: NodeRecord): void {
    this.sql.exec(
      "INSERT INTO bamboo_nodes (id, record) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET record = excluded.record",
      node.id,
      JSON.stringify(node),
    );
    this.nodeCache.delete(node.id);
  }

  nodes(): NodeRecord[] {
    return [...this.sql.exec<{ record: string }>("SELECT record FROM bamboo_nodes ORDER BY rowid")].map((row) => JSON.parse(row.record) as NodeRecord);
  }

  /**
   * States and node data are read many times per node and written only through this store, so they are kept in
   * memory as well (write-through, frozen); the object is this run's only writer.
   */
  private readonly stateCache = new Map<string, StateRecord>();
  private readonly dataCache = new Map<string, NodeData>();

  state(nodeId: string): StateRecord | undefined {
    const cached = this.stateCache.get(nodeId);
    if (cached !== undefined) return cached;
    const r = only<StateRow>(this.sql.exec(`SELECT ${STATE_COLUMNS} FROM bamboo_states WHERE node_id = ?`, nodeId));
    if (r === undefined) return undefined;
    const state = Object.freeze(toState(r));
    this.stateCache.set(nodeId, state);
    return state;
  }

  putState(s: StateRecord): void {
    const state = Object.freeze({ ...s });
    this.stateCache.set(s.nodeId, state);
    this.pendingStates.set(s.nodeId, state);
  }

  /**
   * States and processes are written behind: a node's RUNNING and FINISHED, and a process's step after step,
   * become one write. The run object flushes before anything that may let its storage batch commit (a script call,
   * the end of a work item or an operator call), so what is stored is the same as written through.
   */
  private readonly pendingStates = new Map<string, StateRecord>();
  private readonly pendingProcesses = new Map<number, ProcessRecord>();

  flush(): void {
    for (const s of this.pendingStates.values()) {
      this.sql.exec(
        PUT_STATE,
        s.nodeId,
        s.rootId,
        s.parentId,
        s.name,
        s.version,
        s.loop,
        s.innerLoop,
        s.retry,
        bit(s.skip),
        bit(s.errorIgnored),
        s.createdTime,
        s.startedTime ?? null,
        s.archivedTime ?? null,
      );
    }
    this.pendingStates.clear();
    for (const p of this.pendingProcesses.values()) {
      this.sql.exec(
        PUT_PROCESS,
        p.id,
        p.parentId,
        JSON.stringify(p.pipelineStack),
        p.currentNodeId,
        p.destinationId,
        bit(p.asleep),
        bit(p.suspended),
        p.suspendedBy,
        bit(p.dead),
        p.needAck,
        p.ackNum,
      );
    }
    this.pendingProcesses.clear();
  }

  states(): StateRecord[] {
    this.flush();
    const out: StateRecord[] = [];
    for (const r of this.sql.exec(`SELECT ${STATE_COLUMNS} FROM bamboo_states ORDER BY seq`).raw<StateRow>()) out.push(toState(r));
    return out;
  }

  newProcess(p: Omit<ProcessRecord, "id">): ProcessRecord {
    // Ids continue after every process written so far, buffered ones included.
    this.flush();
    const { id } = this.sql
      .exec<{ id: number }>(
        NEW_PROCESS,
        p.parentId,
        JSON.stringify(p.pipelineStack),
        p.currentNodeId,
        p.destinationId,
        bit(p.asleep),
        bit(p.suspended),
        p.suspendedBy,
        bit(p.dead),
        p.needAck,
        p.ackNum,
      )
      .one();
    return {
      id,
      parentId: p.parentId,
      pipelineStack: [...p.pipelineStack],
      currentNodeId: p.currentNodeId,
      destinationId: p.destinationId,
      asleep: p.asleep,
      suspended: p.suspended,
      suspendedBy: p.suspendedBy,
      dead: p.dead,
      needAck: p.needAck,
      ackNum: p.ackNum,
    };
  }

  /** Processes are read at every step of the execute loop; reads are served from memory (write-through). */
  private readonly processCache = new Map<number, ProcessRecord>();

  process(id: number): ProcessRecord | undefined {
    let cached = this.processCache.get(id);
    if (cached === undefined) {
      const r = only<ProcessRow>(this.sql.exec(`SELECT ${PROCESS_COLUMNS} FROM bamboo_processes WHERE id = ?`, id));
      if (r === undefined) return undefined;
      cached = Object.freeze(toProcess(r));
      this.processCache.set(id, cached);
    }
    return { ...cached, pipelineStack: [...cached.pipelineStack] };
  }

  putProcess(p: ProcessRecord): void {
    const process = Object.freeze({ ...p, pipelineStack: Object.freeze([...p.pipelineStack]) });
    this.processCache.set(p.id, process);
    this.pendingProcesses.set(p.id, process);
  }

  liveProcesses(): ProcessRecord[] {
    this.flush();
    const out: ProcessRecord[] = [];
    for (const r of this.sql.exec(`SELECT ${PROCESS_COLUMNS} FROM bamboo_processes WHERE dead = 0 ORDER BY id`).raw<ProcessRow>()) {
      out.push(toProcess(r));
    }
    return out;
  }

  contextValues(pipelineId: string, keys?: readonly string[]): ContextValue[] {
    const out: ContextValue[] = [];
    if (keys === undefined) {
      const cursor = this.sql.exec(`SELECT ${CONTEXT_COLUMNS} FROM bamboo_context_values WHERE pipeline_id = ?`, pipelineId);
      for (const r of cursor.raw<ContextRow>()) out.push(toContextValue(r));
      return out;
    }
    const unique = keys.length > 1 ? [...new Set(keys)] : keys;
    for (let start = 0; start < unique.length; start += KEYS_PER_STATEMENT) {
      const chunk = unique.slice(start, start + KEYS_PER_STATEMENT);
      const cursor = this.sql.exec(
        `SELECT ${CONTEXT_COLUMNS} FROM bamboo_context_values WHERE pipeline_id = ? AND key IN (${placeholders(chunk.length)})`,
        pipelineId,
        ...chunk,
      );
      for (const r of cursor.raw<ContextRow>()) out.push(toContextValue(r));
    }
    return out;
  }

  putContextValue(pipelineId: string, v: ContextValue): void {
    this.sql.exec(PUT_CONTEXT_VALUE, pipelineId, v.key, v.type, toJson(v.value), v.code ?? null, JSON.stringify(v.references));
  }

  contextOutputs(pipelineId: string): string[] {
    const r = only<[string]>(this.sql.exec("SELECT keys FROM bamboo_context_outputs WHERE pipeline_id = ?", pipelineId));
    return r ? (JSON.parse(r[0]) as string[]) : [];
  }

  putContextOutputs(pipelineId: string, keys: readonly string[]): void {
    this.sql.exec(
      "INSERT INTO bamboo_context_outputs (pipeline_id, keys) VALUES (?, ?) ON CONFLICT (pipeline_id) DO UPDATE SET keys = excluded.keys",
      pipelineId,
      JSON.stringify(keys),
    );
  }

  data(nodeId: string): NodeData | undefined {
    const cached = this.dataCache.get(nodeId);
    if (cached !== undefined) return cached;
    const r = only<[string]>(this.sql.exec("SELECT data FROM bamboo_data WHERE node_id = ?", nodeId));
    if (r === undefined) return undefined;
    const data = deepFreeze(JSON.parse(r[0]) as NodeData);
    this.dataCache.set(nodeId, data);
    return data;
  }

  putData(nodeId: string, data: NodeData): void {
    this.dataCache.delete(nodeId);
    this.sql.exec(
      "INSERT INTO bamboo_data (node_id, data) VALUES (?, ?) ON CONFLICT (node_id) DO UPDATE SET data = excluded.data",
      nodeId,
      JSON.stringify(data),
    );
  }

  executionData(nodeId: string): ExecutionData | undefined {
    const r = only<[string, string]>(this.sql.exec("SELECT inputs, outputs FROM bamboo_execution_data WHERE node_id = ?", nodeId));
    return r && { inputs: JSON.parse(r[0]), outputs: JSON.parse(r[1]) };
  }

  putExecutionData(nodeId: string, data: ExecutionData): void {
    this.sql.exec(
      `INSERT INTO bamboo_execution_data (node_id, inputs, outputs) VALUES (?, ?, ?)
       ON CONFLICT (node_id) DO UPDATE SET inputs = excluded.inputs, outputs = excluded.outputs`,
      nodeId,
      JSON.stringify(data.inputs),
      JSON.stringify(data.outputs),
    );
  }

  /** Throws (UNIQUE constraint) if `(nodeId, version)` already has a schedule: look it up with scheduleOf first. */
  newSchedule(s: { type: ScheduleType; processId: number; nodeId: string; version: string }): ScheduleRecord {
    const { id } = this.sql
      .exec<{ id: number }>(
        `INSERT INTO bamboo_schedules (type, process_id, node_id, version, finished, expired, scheduling, times)
         VALUES (?, ?, ?, ?, 0, 0, 0, 0) RETURNING id`,
        s.type,
        s.processId,
        s.nodeId,
        s.version,
      )
      .one();
    return {
      id,
      type: s.type,
      processId: s.processId,
      nodeId: s.nodeId,
      version: s.version,
      finished: false,
      expired: false,
      scheduling: false,
      times: 0,
    };
  }

  /** Nodes waiting in their schedule (a callback or a poll) as stored: unfinished, unexpired, of a RUNNING node version. */
  openSchedules(): number {
    return this.sql
      .exec<{ n: number }>(
        `SELECT COUNT(*) AS n FROM bamboo_schedules s JOIN bamboo_states st ON st.node_id = s.node_id AND st.version = s.version
         WHERE s.finished = 0 AND s.expired = 0 AND st.name = 'RUNNING'`,
      )
      .one().n;
  }

  schedule(id: number): ScheduleRecord | undefined {
    const r = only<ScheduleRow>(this.sql.exec(`SELECT ${SCHEDULE_COLUMNS} FROM bamboo_schedules WHERE id = ?`, id));
    return r && toSchedule(r);
  }

  scheduleOf(nodeId: string, version: string): ScheduleRecord | undefined {
    const r = only<ScheduleRow>(
      this.sql.exec(`SELECT ${SCHEDULE_COLUMNS} FROM bamboo_schedules WHERE node_id = ? AND version = ?`, nodeId, version),
    );
    return r && toSchedule(r);
  }

  latestScheduleOf(nodeId: string): ScheduleRecord | undefined {
    const r = only<ScheduleRow>(this.sql.exec(`SELECT ${SCHEDULE_COLUMNS} FROM bamboo_schedules WHERE node_id = ? ORDER BY id DESC LIMIT 1`, nodeId));
    return r && toSchedule(r);
  }

  putSchedule(s: ScheduleRecord): void {
    this.sql.exec(
      PUT_SCHEDULE,
      s.id,
      s.type,
      s.processId,
      s.nodeId,
      s.version,
      bit(s.finished),
      bit(s.expired),
      bit(s.scheduling),
      s.times,
    );
  }

  newCallbackData(nodeId: string, version: string, data: unknown): CallbackDataRecord {
    const json = toJson(data);
    const { id } = this.sql
      .exec<{ id: number }>("INSERT INTO bamboo_callback_data (node_id, version, data) VALUES (?, ?, ?) RETURNING id", nodeId, version, json)
      .one();
    // A fresh copy, as callbackData(id) would answer: later changes to `data` by the caller do not leak in.
    return { id, nodeId, version, data: fromJson(json) };
  }

  callbackData(id: number): CallbackDataRecord | undefined {
    const r = only<[number, string, string, string | null]>(
      this.sql.exec("SELECT id, node_id, version, data FROM bamboo_callback_data WHERE id = ?", id),
    );
    return r && { id: r[0], nodeId: r[1], version: r[2], data: fromJson(r[3]) };
  }

  addHistory(h: Omit<HistoryRecord, "id">): void {
    this.sql.exec(
      ADD_HISTORY,
      h.nodeId,
      h.startedTime ?? null,
      h.archivedTime ?? null,
      h.loop,
      h.retry,
      bit(h.skip),
      h.version,
      JSON.stringify(h.inputs),
      JSON.stringify(h.outputs),
    );
  }

  histories(nodeId: string): HistoryRecord[] {
    const out: HistoryRecord[] = [];
    for (const r of this.sql.exec(`SELECT ${HISTORY_COLUMNS} FROM bamboo_histories WHERE node_id = ? ORDER BY id`, nodeId).raw<HistoryRow>()) {
      out.push(toHistory(r));
    }
    return out;
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}
