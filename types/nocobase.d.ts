/**
 * Types for hookflow's NocoBase workflow dialect (`import("hookflow/nocobase")`): custom node types
 * (`instruction/{type}` scripts), the workflow definition JSON with the configs of the built-in node types, and
 * the HTTP bodies of the workflow routes.
 *
 * An instruction script is one ES module uploaded to `PUT /v1/projects/{p}/scripts/instruction/{type}`. Its
 * default export is an {@link Instruction} object: what a NocoBase plugin passes to
 * `plugin.registerInstruction(type, …)`, as a plain object whose `processor` methods are async.
 *
 * In plain JavaScript, type the export with JSDoc:
 * ```js
 * // @ts-check
 * /** @type {import("hookflow/nocobase").Instruction<{value: string}>} *\/
 * export default {
 *   async run(node, input, processor) {
 *     const value = await processor.getParsedValue(node.config.value);
 *     return { status: JOB_STATUS.RESOLVED, result: String(value).toUpperCase() };
 *   },
 * };
 * ```
 * Importing this file (even only for types, as above) also declares the globals `JOB_STATUS` and
 * `EXECUTION_STATUS`. See docs/workflows.md for how NocoBase's features map onto hookflow.
 */

// ---------------------------------------------------------------------------------------------------------
// Plain data
// ---------------------------------------------------------------------------------------------------------

/** Any JSON value. */
export type JSONValue = string | number | boolean | null | readonly JSONValue[] | { readonly [key: string]: JSONValue };
/** A JSON object. */
export type JSONObject = { [key: string]: JSONValue };

/** A value or a promise of it: every instruction method may be async. */
export type MaybePromise<T> = T | Promise<T>;

/** Deeply read-only view of what the host passes in (assigning to it throws `TypeError`). */
export type DeepReadonly<T> = 0 extends 1 & T
  ? T // any stays any
  : T extends (...args: any[]) => any
    ? T
    : T extends readonly (infer E)[]
      ? readonly DeepReadonly<E>[]
      : T extends object
        ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
        : T;

// ---------------------------------------------------------------------------------------------------------
// Statuses (NocoBase's JOB_STATUS and EXECUTION_STATUS, same numbers)
// ---------------------------------------------------------------------------------------------------------

/** The global `JOB_STATUS`. Any other number is allowed too: it ends an execution by its sign (100 → RESOLVED). */
export interface JobStatuses {
  /** Waiting to be resumed. */
  readonly PENDING: 0;
  readonly RESOLVED: 1;
  /** A business failure ("failed to satisfy node configurations"). */
  readonly FAILED: -1;
  /** An uncaught error in the node. */
  readonly ERROR: -2;
  /** Aborted by the flow: timeout, cancel. */
  readonly ABORTED: -3;
  readonly CANCELED: -4;
  /** Rejected (a manual node's reject action). */
  readonly REJECTED: -5;
  readonly RETRY_NEEDED: -6;
}

/** The global `EXECUTION_STATUS`: QUEUEING is `null`, STARTED (running or suspended) is `0`. */
export interface ExecutionStatuses {
  readonly QUEUEING: null;
  readonly STARTED: 0;
  readonly RESOLVED: 1;
  readonly FAILED: -1;
  readonly ERROR: -2;
  readonly ABORTED: -3;
  readonly CANCELED: -4;
  readonly REJECTED: -5;
  readonly RETRY_NEEDED: -6;
}

export type JobStatus = JobStatuses[keyof JobStatuses];
export type ExecutionStatus = ExecutionStatuses[keyof ExecutionStatuses];

/** Why an execution was ABORTED. */
export type ExecutionReason = "timeout" | "manual_cancel" | "parent_aborted";

declare global {
  /** Job statuses, as NocoBase's `JOB_STATUS` (frozen). Defined before any module of the script loads. */
  const JOB_STATUS: JobStatuses;
  /** Execution statuses, as NocoBase's `EXECUTION_STATUS` (frozen). */
  const EXECUTION_STATUS: ExecutionStatuses;
}

// ---------------------------------------------------------------------------------------------------------
// What an instruction script sees
// ---------------------------------------------------------------------------------------------------------

/**
 * A node of the workflow as a script sees it (NocoBase's `FlowNodeModel`, without its links). `id` numbers the
 * nodes of one workflow version (1-based, in definition order); `key` is the one to use in variables.
 */
export interface FlowNode<Config extends object = Record<string, any>> {
  readonly id: number;
  readonly key: string;
  readonly type: string;
  readonly title: string | null;
  /** The node's config as saved: templates (`{{…}}`) are not resolved; use `processor.getParsedValue`. */
  readonly config: DeepReadonly<Config>;
  /** The upstream node's id (the branching node's, for a branch head); null for the head. */
  readonly upstreamId: number | null;
  /** Set on the first node of a branch: which branch of its upstream it heads; null elsewhere. */
  readonly branchIndex: number | null;
}

/** A node or its id: what the processor's node arguments accept (only `id` is read). */
export type NodeRef = FlowNode | { readonly id: number } | number;

/** A job as a script sees it (read-only). `result` and `meta` are JSON. */
export interface Job<Result = any, Meta = any> {
  readonly id: number;
  readonly nodeId: number;
  readonly nodeKey: string;
  /** The id of the job this node got as its input; null for the head node. */
  readonly upstreamId: number | null;
  readonly status: number;
  readonly result: DeepReadonly<Result> | null;
  readonly meta: DeepReadonly<Meta> | null;
}

/**
 * A job to save or return. Without `id` it is a new job of the current node; with the `id` of a job of this
 * execution it updates that job's `status`, `result`, `meta` and `log`. `{...job, status: 1}` is the usual form.
 * `status` is required either way (an update without it stores NaN).
 */
export interface JobInput {
  readonly id?: number;
  readonly status: number;
  readonly result?: unknown;
  readonly meta?: unknown;
  /** Text stored with the job (shown in `GET /executions/{id}`). */
  readonly log?: string | null;
  /** For `saveJob` of another node's job: which node (defaults to the current one). */
  readonly nodeId?: number;
  readonly nodeKey?: string;
  readonly upstreamId?: number | null;
}

/** The `input` of `run` on a rerun of the head node: the execution's context as a result. */
export interface RerunInput {
  readonly result: any;
}

/**
 * The input of a node: the upstream's job; for the first node of a branch, the branching node's job; `null` for the
 * head node (NocoBase passes `undefined`).
 */
export type NodeInput<Result = any> = Job<Result> | RerunInput | null;

/**
 * What `run` and `resume` return, with NocoBase's meanings:
 * - a job (`{status, result?, meta?}`, or `{...job, status}` to update a job you have): saved; RESOLVED runs the
 *   node's downstream with it as input, anything else ends this chain (the branching parent resumes, or on the main
 *   chain the execution ends with that status, PENDING leaving it STARTED);
 * - `null`: suspend. The jobs saved so far are stored and the execution stays STARTED (e.g. after saving a PENDING
 *   job yourself);
 * - `undefined` (no `return`): the instruction drove the continuation itself (it called `processor.run` or
 *   `processor.exit`); nothing more happens;
 * - a throw: an ERROR job whose result is the error's own properties and `message`. A throw in `resume` updates the
 *   resumed job instead of adding one. A call that breaks a sandbox limit is an ERROR job too, with result
 *   `{code, message}` (`cpu_budget_exceeded`, `memory_limit_exceeded`, `stack_overflow`, …).
 */
export type InstructionResult = JobInput | null | undefined | void;

/** The execution, as `processor.execution`. */
export interface ExecutionInfo<Context = any> {
  readonly id: string;
  /** The workflow key. */
  readonly key: string;
  /** `$context`: the trigger's data. */
  readonly context: DeepReadonly<Context>;
  /** Always STARTED (0) while an instruction runs. */
  readonly status: number | null;
}

/** The variables of a node (what `{{…}}` templates read), as `processor.getScope()` answers them: plain JSON. */
export interface VariableScope<Context = any> {
  readonly $context: DeepReadonly<Context>;
  /** The latest job result of each node that has run, by node key. */
  readonly $jobsMapByNodeKey: Readonly<Record<string, any>>;
  /** The scope variables of the enclosing loops (`{item, index, sequence, length}`), by node id and by key. */
  readonly $scopes: Readonly<Record<string, any>>;
  /** `now` is an ISO 8601 string here (a template reads it as a Date). */
  readonly $system: { readonly now: string };
  /** The project's `workflows.env` setting, as it was when the execution started. */
  readonly $env: Readonly<Record<string, string>>;
}

/**
 * The `processor` argument: NocoBase's Processor, reduced to what an instruction needs. Every method crosses from
 * the sandbox into the engine, so every method is async: `await` it.
 */
export interface Processor<Context = any> {
  readonly execution: ExecutionInfo<Context>;
  /** Resolves the `{{…}}` templates in `value` (any JSON) in the scope of node `nodeId` (default: this node). */
  getParsedValue<T = any>(value: unknown, nodeId?: number): Promise<T>;
  /** The variables node `nodeId` sees (default: this node). */
  getScope(nodeId?: number): Promise<VariableScope<Context>>;
  /**
   * Saves a job now (stored with the rest of the run when it stops or suspends) and makes it its node's latest
   * job for variables. Resolves to the saved job, with its `id`.
   */
  saveJob<Result = any>(job: JobInput): Promise<Job<Result>>;
  /**
   * `exit()`: store the jobs, the execution stays STARTED (suspended). `exit(status)`: store the jobs and end the
   * execution with that status, if it has not ended yet. Resolves to `null`, so `return processor.exit(s)` works.
   */
  exit(status?: number | true): Promise<null>;
  /** The first node of each branch of `node`, by ascending `branchIndex`. */
  getBranches(node: NodeRef): Promise<FlowNode[]>;
  /**
   * Runs `node` (a branch head) with `input` as its input job (pass a saved job; only its `id` crosses over), and
   * everything after it until that chain stops. When the branch stops, the branching node's `resume` is called with
   * the branch's last job, before this resolves: it resolves once everything the branch led to has run or
   * suspended. Return `undefined` after it.
   */
  run(node: NodeRef, input?: Job | RerunInput | null): Promise<null>;
  /** The first node of the branch `node` is in: of `parent`'s branches when given, else the innermost one. */
  findBranchStartNode(node: NodeRef, parent?: NodeRef): Promise<FlowNode | null>;
  /**
   * The latest job of the branching node `node` (its own job, while `job` is the last job of one of its branches):
   * what a branching instruction's `resume` continues from. `job` is not read; it is there for NocoBase's signature.
   */
  findBranchParentJob(job: Job | null, node: NodeRef): Promise<Job | null>;
  /** The signed URL that resumes a job from outside (`POST` it `{status?, result?, meta?}`); needs no API key. */
  resumeUrl(job: Job | { readonly id: number } | number): Promise<string>;
}

/** `{configPath: message}` for a refused config, or `null` when it is fine (entries left undefined are ignored). */
export type ConfigErrors = { readonly [path: string]: string | undefined } | null;

/**
 * NocoBase's client `VariableOption`: one selectable step of a variable path. Selecting the path of values
 * `["$jobsMapByNodeKey", "<node key>", "total"]` writes `{{$jobsMapByNodeKey.<node key>.total}}`.
 */
export interface VariableOption {
  key?: string;
  value: string;
  label: string;
  /** What is below this step. Absent: anything is (a free-form result). */
  children?: VariableOption[];
  disabled?: boolean;
}

/**
 * The default export of `instruction/{type}`: a NocoBase Instruction as an object. `node`, `input` and `job` are
 * read-only (assigning throws `TypeError`). `run` is required.
 *
 * Not supported in scripts: `getScope` (a script cannot publish `$scopes` variables: the engine never calls it),
 * `duplicateConfig`, `isAvailable` and `test`. See docs/workflows.md.
 *
 * Type parameters: the node's config, the job's result, and the execution's `$context`.
 */
export interface Instruction<Config extends object = Record<string, any>, Result = any, Context = any> {
  /**
   * `true` for a node that may suspend (return or save a PENDING job): a sync workflow refuses it when it is
   * saved (400 naming the node). NocoBase checks this only in its editor.
   */
  async?: boolean;
  /** Runs when the chain reaches the node. */
  run(node: FlowNode<Config>, input: NodeInput, processor: Processor<Context>): MaybePromise<InstructionResult>;
  /**
   * Called (a) when the node's PENDING job is resumed from outside (`job` is that job, with what the resume set on
   * it), and (b) on a branching node when one of its branches stops (`job` is the branch's last job, not this
   * node's own). Required for a node that suspends or opens branches.
   */
  resume?(node: FlowNode<Config>, job: Job, processor: Processor<Context>): MaybePromise<InstructionResult>;
  /** Checks a config when a workflow is saved: a refusal answers 400 naming the node and the paths. No processor. */
  validateConfig?(config: DeepReadonly<Config>): MaybePromise<ConfigErrors>;
  /**
   * What later nodes may read of this node's result (NocoBase's client hook of the same name): one option
   * `{value: node.key, label, children?}`, or `null` to offer nothing. Without it the whole result is offered,
   * free-form. Asked when a workflow is saved (a template naming anything else is refused) and by
   * `GET /workflows/{key}/variables`. No processor; `options` is empty.
   */
  useVariables?(node: FlowNode<Config>, options: {}): MaybePromise<VariableOption | null>;
}

// ---------------------------------------------------------------------------------------------------------
// Configs of the built-in node types
// ---------------------------------------------------------------------------------------------------------

/** The comparisons of the `basic` engine. Loose (`==`) comparison, as NocoBase. */
export type Calculator =
  | "equal" | "=="
  | "notEqual" | "!="
  | "gt" | ">"
  | "gte" | ">="
  | "lt" | "<"
  | "lte" | "<="
  | "includes" | "notIncludes"
  | "startsWith" | "notStartsWith"
  | "endsWith" | "notEndsWith";

/** One comparison; operands are templates (a whole `{{…}}` keeps the value's type). No calculator = true. */
export interface CalculationItem {
  calculator?: Calculator;
  operands?: unknown[];
}

export interface CalculationGroup {
  group: { type: "and" | "or"; calculations?: Calculation[] };
}

/** A `basic` engine condition: a comparison or an and/or group of them. */
export type Calculation = CalculationItem | CalculationGroup;

/** `basic` (default) compares a `calculation`; the others evaluate an `expression`. */
export type ConditionEngine = "basic" | "math.js" | "formula.js";

export interface ConditionConfig {
  /** `true`: "continue only if true" (false → FAILED, the chain stops). `false`: branch mode (1 = true, 0 = false). */
  rejectOnFalse: boolean;
  engine?: ConditionEngine;
  calculation?: Calculation;
  expression?: string;
}

export interface MultiConditionsConfig {
  /** Condition i opens branch i + 1; branch 0 is "otherwise". */
  conditions?: { uid?: string; title?: string; engine?: ConditionEngine; calculation?: Calculation; expression?: string }[];
  /** No condition true: RESOLVED (true) or FAILED (false, default). */
  continueOnNoMatch?: boolean;
}

export interface ParallelConfig {
  /** Default `all`. Branches start one after another, in branchIndex order. */
  mode?: "all" | "any" | "race" | "allSettled";
}

export interface LoopConfig {
  /** A number (that many iterations), an array (one per item), or any other value (one iteration; none if null). A template. */
  target?: unknown;
  /** Checked before (checkpoint 0) or after (1) each iteration; false without continueOnFalse ends the loop. */
  condition?: false | { checkpoint?: 0 | 1; continueOnFalse?: boolean; engine?: ConditionEngine; calculation?: Calculation; expression?: string };
  /** When an iteration fails: 0 RETURN (the loop takes its status, default), 1 BREAK, 2 CONTINUE. */
  exit?: 0 | 1 | 2;
}

export interface EndConfig {
  /** Default 1. The whole execution ends with this status, even from inside a branch. */
  endStatus?: 1 | -1;
}

export interface DelayConfig {
  /** A number ≥ 1 or a template; default 1. */
  duration?: number | string;
  /** Milliseconds per duration unit: second, minute, hour, day, week. Default 1000. */
  unit?: 1000 | 60000 | 3600000 | 86400000 | 604800000;
  /** The job's status when the time is up; default 1. */
  endStatus?: 1 | -1;
}

/** A name/value pair of the request node (both templates). */
export interface NameValue {
  name: string;
  value: unknown;
}

export interface RequestConfig {
  /** http or https. The host must pass the project's `workflows.requestHosts`; private addresses need `allowPrivateNetwork`. */
  url: string;
  /** Default POST. */
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Default application/json. For form-urlencoded and multipart, `data` is a list of name/value pairs. */
  contentType?: "application/json" | "application/x-www-form-urlencoded" | "multipart/form-data" | "application/xml" | "text/plain";
  headers?: NameValue[];
  /** The query string. */
  params?: NameValue[];
  /** The body (not sent for GET). */
  data?: unknown;
  /** Milliseconds, default 5000. A timeout makes the job ABORTED (unless ignoreFail). */
  timeout?: number;
  /** A failure still resolves the job (with the error as result). */
  ignoreFail?: boolean;
  /** The result is the response body only, not `{status, statusText, headers, data}`. */
  onlyData?: boolean;
}

/** A manual node's form action: `status` 1 resolves, -5 rejects, 0 saves a draft. */
export interface ManualAction {
  key: string;
  status: 1 | -5 | 0;
  /** Preset values (templates) that override the submitted ones. */
  values?: Record<string, unknown>;
}

export interface ManualConfig {
  /** Who gets a task: any strings (user ids, e-mails…), or templates resolving to them. */
  assignees?: unknown[] | string;
  /** 0: the first submission decides (default); 1: all must resolve (countersign); -1: any one resolves (or-sign). */
  mode?: 0 | 1 | -1;
  title?: string;
  /** Kept as given (the editor's UI schema). */
  schema?: unknown;
  /** Form key → its actions. Only custom forms exist (no collections). */
  forms?: Record<string, { type?: "custom"; actions: ManualAction[] }>;
}

export interface CalculationConfig {
  /** Default math.js. `string` only interpolates the templates. */
  engine?: "math.js" | "formula.js" | "string";
  expression?: string;
}

export interface ScriptConfig {
  /** The body of an async function; its return value is the job result. */
  content: string;
  /** Each becomes a global of the script; values are templates. */
  arguments?: NameValue[];
  /** Milliseconds of CPU the script may use (not wall time), capped by the project's `limits.cpuMs` (default 50). */
  timeout?: number;
  /** An error still resolves the job (with the message as result). */
  continue?: boolean;
}

export interface JsonQueryConfig {
  /** Default jmespath. */
  engine?: "jmespath" | "jsonpathplus" | "jsonata";
  /** A template, usually a whole variable: `{{$jobsMapByNodeKey.fetch}}`. */
  source?: unknown;
  expression?: string;
  /** Maps each result item (or the single object) to `{[alias || path with "." → "_"]: value at path}`. */
  model?: { path: string; alias?: string; label?: string }[];
}

export interface OutputConfig {
  /** A template: becomes the execution's `output` (and a sync webhook's answer). */
  value?: unknown;
}

/**
 * The `event` node: waits (PENDING) for the correlated event `name` + `correlationKey` sent to
 * `POST /v1/projects/{p}/events`, and resolves with its payload as the result. Async: not in sync workflows.
 */
export interface EventConfig {
  /** A template rendering to non-empty text. */
  name: string;
  /** A template rendering to non-empty text (a number becomes its text), e.g. `{{$context.data.orderId}}`. */
  correlationKey: string;
}

/** Built-in node type → its config. */
export interface BuiltinConfigs {
  condition: ConditionConfig;
  "multi-conditions": MultiConditionsConfig;
  parallel: ParallelConfig;
  loop: LoopConfig;
  end: EndConfig;
  delay: DelayConfig;
  request: RequestConfig;
  manual: ManualConfig;
  calculation: CalculationConfig;
  script: ScriptConfig;
  "json-query": JsonQueryConfig;
  output: OutputConfig;
  event: EventConfig;
}

export type BuiltinType = keyof BuiltinConfigs;

// ---------------------------------------------------------------------------------------------------------
// The workflow definition (the body of PUT /workflows/{key})
// ---------------------------------------------------------------------------------------------------------

interface NodeDefinitionBase {
  /** Unique in the workflow; what `$jobsMapByNodeKey.<key>` and `upstream` refer to. */
  key: string;
  title?: string;
  /** The node before this one; absent or null for the head (exactly one node). */
  upstream?: string | null;
  /** Set when this node heads a branch of `upstream` (condition: 1 true, 0 false; loop: 0; parallel: any integers). */
  branchIndex?: number | null;
}

/** A node of a built-in type, with its typed config. */
export type BuiltinNodeDefinition = { [T in BuiltinType]: NodeDefinitionBase & { type: T; config?: BuiltinConfigs[T] } }[BuiltinType];

/** A node of a custom type: an `instruction/{type}` script of the project. */
export interface CustomNodeDefinition extends NodeDefinitionBase {
  type: string;
  config?: Record<string, unknown>;
}

export type NodeDefinition = BuiltinNodeDefinition | CustomNodeDefinition;

export interface ScheduleTriggerConfig {
  /** ISO 8601 (or ms since the epoch): the first time, or the only one without `repeat`. */
  startsOn: string | number;
  /** A cron expression (five or six fields, read in UTC) or a number of milliseconds (≥ 1000). */
  repeat?: string | number | null;
  /** ISO 8601 (or ms): no execution after it. */
  endsOn?: string | number | null;
  /** At most this many executions. */
  limit?: number | null;
}

export type TriggerDefinition =
  /** Only the execute API starts it. */
  | { type: "manual"; config?: Record<string, unknown> }
  /** `POST {webhookUrl}` starts it with `$context = {data, headers, query}` (and so does the execute API). */
  | { type: "webhook"; config?: Record<string, unknown> }
  /** Executions at the configured times, `$context = {date}` (ISO 8601), event key `<workflow key>@<time in ms>`. */
  | { type: "schedule"; config: ScheduleTriggerConfig };

export interface WorkflowOptions {
  /** Milliseconds from start until the execution is ABORTED (reason `timeout`); 0 or absent: none. */
  timeout?: number;
  /** Accepted and stored; nothing uses it (no trigger here can fire from inside an execution). */
  stackLimit?: number;
  /** Executions ending with one of these statuses are deleted. */
  deleteExecutionOnStatus?: number[];
}

/** The body of `PUT /v1/projects/{p}/workflows/{key}`. */
export interface WorkflowDefinition {
  title?: string;
  /** Default true. */
  enabled?: boolean;
  /** Default false. A sync workflow runs within the request that starts it, and refuses async node types. */
  sync?: boolean;
  trigger: TriggerDefinition;
  options?: WorkflowOptions;
  nodes: NodeDefinition[];
}

/** A workflow file for `hookflow workflow put`: the definition, with an optional `key` (else the file name). */
export interface WorkflowFile extends WorkflowDefinition {
  key?: string;
}

// ---------------------------------------------------------------------------------------------------------
// HTTP bodies and answers (below /v1/projects/{project})
// ---------------------------------------------------------------------------------------------------------

/** `PUT /workflows/{key}` → 201 (a new version) or 200 (nothing changed). */
export interface PutWorkflowAnswer {
  key: string;
  version: number;
  /** For a webhook trigger: the signed URL that starts it. */
  webhookUrl?: string;
}

/** `GET /workflows/{key}` (`?version=n` for an older one): the definition as saved, and its versions. */
export interface WorkflowView extends Required<Pick<WorkflowDefinition, "enabled" | "sync" | "trigger" | "options" | "nodes">> {
  key: string;
  version: number;
  title?: string;
  /** Whether this is the current version. */
  current: boolean;
  /** How many executions this version has started. */
  executed: number;
  createdAt: string;
  versions: { version: number; executed: number; createdAt: string }[];
  webhookUrl?: string;
}

/** `GET /workflows/{key}/variables?node=<key>` (`&version=n`): what that node's templates may name. */
export interface VariablesAnswer {
  node: string;
  version: number;
  /** `$scopes`, `$jobsMapByNodeKey`, `$context`, `$system`, `$env`, in that order; a group without children is disabled. */
  options: VariableOption[];
}

/** `POST /workflows/{key}/execute`. */
export interface ExecuteBody {
  /** `$context`. */
  context?: JSONValue;
  /** De-duplication: a key this workflow has seen answers the execution it started, and starts nothing. */
  eventKey?: string;
}

/** A job in `GET /executions/{id}`. */
export interface JobView extends Job {
  log: string | null;
  /** A PENDING job's signed resume URL. */
  resumeUrl?: string;
}

/** `GET /executions/{id}`. */
export interface ExecutionView {
  id: string;
  key: string;
  version: number;
  /** null QUEUEING, 0 STARTED, else the final status. */
  status: number | null;
  reason: ExecutionReason | null;
  context: JSONValue;
  /** What an `output` node set. */
  output: JSONValue;
  /** The execute call's `eventKey`, a schedule's `<key>@<ms>`, else a generated one. */
  eventKey: string;
  startedAt: string | null;
  expiresAt: string | null;
  /** In id (creation) order. */
  jobs: JobView[];
}

/** `POST /workflows/{key}/execute`: 200 with the whole execution for a sync workflow, 202 with `{id, status}` otherwise. */
export interface ExecuteAnswer {
  execution: ExecutionView | Pick<ExecutionView, "id" | "status">;
}

/** `POST /executions/{id}/jobs/{jobId}/resume`, or the body of a POST to a job's `resumeUrl`. */
export interface ResumeBody {
  status?: number;
  result?: JSONValue;
  meta?: JSONValue;
}

/** One entry of `GET /executions/{id}/tasks` (a manual node's task for one assignee). */
export interface ManualTask {
  id: number;
  jobId: number;
  nodeKey: string;
  assignee: string;
  /** 0 pending, else the action's status. */
  status: number;
  result: JSONValue;
  /** The node's `title` config, resolved; else the node's title. */
  title: string | null;
  /** The signed URL that submits the task as this assignee. */
  url: string;
}

/** The body of a POST to a manual task's `url`: NocoBase's submit body. `_` is the action key. */
export interface ManualSubmitBody {
  values: { result: { _: string; [formKey: string]: JSONValue } };
}

/** `PATCH /v1/projects/{p}` `{"workflows": …}`. */
export interface WorkflowSettings {
  /** `$env`. */
  env?: Record<string, string>;
  /** A loop ends as ERROR (`exceeded: true`) after this many iterations; 0 or absent: no limit. */
  loopLimit?: number;
  /** The hosts the request node may reach (`api.example.com`, `*.example.com`); absent: any public host. */
  requestHosts?: string[];
  /** Let the request node reach loopback and private addresses. Default false. */
  allowPrivateNetwork?: boolean;
}
