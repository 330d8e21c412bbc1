/**
 * Types for hookflow's bamboo-engine pipeline scripts (`import("hookflow/bamboo")`), and for the pipeline tree
 * and the HTTP bodies of the pipeline routes.
 *
 * A script is one ES module uploaded to `PUT /v1/projects/{p}/scripts/{path}`. Its default export is:
 *
 * | path                   | default export          | bamboo class it replaces             |
 * |------------------------|-------------------------|--------------------------------------|
 * | `component/{code}`     | {@link Service}         | a `Service` bound to component `code` |
 * | `variable/{code}`      | {@link LazyVariable}    | a `LazyVariable` with `code`         |
 * | `end-event/{code}`     | {@link ExecutableEndEvent} | an `ExecutableEndEvent` with `code` |
 *
 * In plain JavaScript, type the export with JSDoc:
 * ```js
 * // @ts-check
 * /** @type {import("hookflow/bamboo").Service} *\/
 * export default {
 *   execute(data, parentData) {
 *     data.outputs.greeting = `hello ${data.inputs.name}`;
 *     return true;
 *   },
 * };
 * ```
 * See docs/pipelines.md for how each bamboo feature maps onto these objects.
 */

// ---------------------------------------------------------------------------------------------------------
// Plain data
// ---------------------------------------------------------------------------------------------------------

/** Any JSON value. */
export type JSONValue = string | number | boolean | null | readonly JSONValue[] | { readonly [key: string]: JSONValue };
/** A JSON object. */
export type JSONObject = { [key: string]: JSONValue };

/** A value or a promise of it: every method may be async. */
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

/** A context key as bamboo spells it: `${name}`. */
export type ContextKey = `\${${string}}`;

// ---------------------------------------------------------------------------------------------------------
// Components: component/{code}
// ---------------------------------------------------------------------------------------------------------

/** `this.log`: lines go to hookflow's logs, prefixed with the run and the script path. */
export interface Logger {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  /** Same as `warn`; the name Python's `logging` uses. */
  warning(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

/**
 * `this` inside every method of a component (bamboo's runtime attributes of the Service). A fresh, frozen object
 * for each call: nothing set on it survives to the next call (keep state in `data.outputs`).
 */
export interface ServiceContext {
  /** The node id (bamboo `self.id`). */
  readonly id: string;
  /** The node's current version: the one a callback must name (bamboo `self.version`). */
  readonly version: string;
  /** The root pipeline's id: the run id (bamboo `self.root_pipeline_id`). */
  readonly rootPipelineId: string;
  /** The id of the (sub)pipeline the node belongs to (bamboo `self.top_pipeline_id`). */
  readonly topPipelineId: string;
  /** 1 on the first entry, +1 each time a loop re-enters the node (bamboo `self.loop`). */
  readonly loop: number;
  /** As `loop`, but counted again from 1 each time the node's subprocess is entered (bamboo `self.inner_loop`). */
  readonly innerLoop: number;
  /**
   * A signed URL that resumes this node's current version (api.md "Waiting"), for the callback modes, when the
   * server offers one. Absent otherwise: call back with `POST …/pipelines/{id}/nodes/{node}/callback`.
   */
  readonly callbackUrl?: string;
  /**
   * Ends the waiting of a POLL or MULTIPLE_CALLBACK node after this `schedule` call (bamboo
   * `self.finish_schedule()`). A CALLBACK node finishes after its one successful call without it.
   */
  finishSchedule(): void;
  /** Whether `finishSchedule()` was called during this call (bamboo `self.is_schedule_finished()`). */
  isScheduleFinished(): boolean;
  /**
   * In `execute` of a callback component (`needSchedule`, no `interval`): makes the node's callback the correlated
   * event `name` + `correlationKey` sent to `POST /v1/projects/{p}/events` (api.md "Waiting"); `schedule` gets its
   * payload as `callbackData`. An event sent before the node waits is kept (its `ttlSeconds`) and arrives at once.
   * Throws on an empty name or key; a component of another mode that calls it fails its node.
   */
  waitForEvent(name: string, correlationKey: string): void;
  /** bamboo `self.logger`. */
  readonly log: Logger;
}

/**
 * What hookflow adds to every node's outputs after each `execute`/`schedule` call (bamboo does the same).
 * `ex_data` is set when a method throws (the error's name, message and stack); a method may set it itself.
 */
export interface DefaultOutputs {
  _result?: boolean;
  _loop?: number;
  _inner_loop?: number;
  ex_data?: unknown;
  /** Set by a forced fail (operator call or node timeout). */
  _forced_failed?: boolean;
}

/** `data.inputs` always has the loop counters (bamboo's `_loop` and `_inner_loop`, starting at 1). */
export interface LoopInputs {
  readonly _loop: number;
  readonly _inner_loop: number;
}

/**
 * The node's `data` (bamboo's `DataObject`). `Inputs` and `Outputs` describe your component's own keys.
 *
 * - `inputs`: the rendered inputs plus `_loop`/`_inner_loop`; read-only (assigning throws `TypeError`).
 * - `outputs`: a plain object to change in place (or replace with `reset_outputs`). It is saved when bamboo
 *   saves it: after `execute`, after each `schedule`, and after the hooks that run inside them; changes made
 *   before a throw are kept. Values must be JSON.
 */
export interface Data<Inputs extends object = Record<string, any>, Outputs extends object = Record<string, any>> {
  readonly inputs: DeepReadonly<Inputs> & LoopInputs;
  outputs: Partial<Outputs> & DefaultOutputs;
  /** `inputs[key]` if the key is present, else `fallback` (else `null`). */
  get_one_of_inputs<K extends keyof (Inputs & LoopInputs) & string>(key: K): DeepReadonly<(Inputs & LoopInputs)[K]> | null;
  get_one_of_inputs<K extends keyof (Inputs & LoopInputs) & string, F>(key: K, fallback: F): DeepReadonly<(Inputs & LoopInputs)[K]> | F;
  /** `outputs[key]` if the key is present, else `fallback` (else `null`). */
  get_one_of_outputs<K extends keyof Outputs & string>(key: K): Outputs[K] | null;
  get_one_of_outputs<K extends keyof Outputs & string, F>(key: K, fallback: F): Outputs[K] | F;
  /** `outputs[key] = value`. */
  set_outputs<K extends keyof Outputs & string>(key: K, value: Outputs[K]): true;
  /** `Object.assign(outputs, values)`. */
  update_outputs(values: Partial<Outputs> & DefaultOutputs): true;
  /** Replaces `outputs` with a copy of `values` (or `{}`). */
  reset_outputs(values?: Partial<Outputs> & DefaultOutputs): true;
}

/** bamboo's `parent_data`: `inputs` is the run's `root_pipeline_data` (read-only); `outputs` is always `{}`. */
export interface ParentData<RootData extends object = Record<string, any>> {
  readonly inputs: DeepReadonly<RootData>;
  readonly outputs: Readonly<Record<string, never>>;
}

/**
 * The third argument of `schedule`: the callback's `data` (read-only) for CALLBACK and MULTIPLE_CALLBACK nodes
 * (`{}` when the callback sent none), or `null` for a POLL.
 */
export type CallbackData<C = Record<string, any>> = DeepReadonly<C>;

/**
 * What `execute` and `schedule` return: `false` fails the node; anything else (`true`, `undefined`, no return)
 * succeeds. A throw is an exception: the node fails with `ex_data` = the error and its stack.
 */
export type ServiceResult = boolean | void;

/** What a hook method returns: ignored (an exception is logged and swallowed, as in bamboo). */
export type HookResult = boolean | void;

/** A hook method without callback data. */
export type ServiceHook<Inputs extends object, Outputs extends object, RootData extends object> = (
  this: ServiceContext,
  data: Data<Inputs, Outputs>,
  parentData: ParentData<RootData>,
) => MaybePromise<HookResult>;

/** A hook method that also gets the callback data (`null` for a poll). */
export type ServiceCallbackHook<Inputs extends object, Outputs extends object, RootData extends object, Callback> = (
  this: ServiceContext,
  data: Data<Inputs, Outputs>,
  parentData: ParentData<RootData>,
  callbackData: CallbackData<Callback> | null,
) => MaybePromise<HookResult>;

/**
 * The lifecycle hook methods (bamboo's service hooks), called only when `needRunHook` is `true`. Each is
 * optional. Changes to `data.outputs` are saved for the hooks that run inside the node's execute and schedule
 * (`node_enter` … `node_schedule_fail`) and for `node_finish`; the operator-call hooks (`pre_retry_node`,
 * `pre_callback`, …) see the node's stored data, and their changes are dropped.
 */
export interface ServiceHooks<
  Inputs extends object = Record<string, any>,
  Outputs extends object = Record<string, any>,
  RootData extends object = Record<string, any>,
  Callback = Record<string, any>,
> {
  /** Before `pre_execute`, on every attempt. */
  node_enter?: ServiceHook<Inputs, Outputs, RootData>;
  /** Just before `execute`. */
  pre_execute?: ServiceHook<Inputs, Outputs, RootData>;
  /** After `execute` succeeded. */
  post_execute?: ServiceHook<Inputs, Outputs, RootData>;
  /** `execute` threw (`data.outputs.ex_data` holds the error). Also when the failure is ignored. */
  node_execute_exception?: ServiceHook<Inputs, Outputs, RootData>;
  /** `execute` failed (false or a throw) and the node is not `error_ignorable`: it is about to become FAILED. */
  node_execute_fail?: ServiceHook<Inputs, Outputs, RootData>;
  /** Just before each `schedule`. */
  pre_schedule?: ServiceHook<Inputs, Outputs, RootData>;
  /** After each `schedule` that succeeded. */
  post_schedule?: ServiceHook<Inputs, Outputs, RootData>;
  /** `schedule` threw. */
  node_schedule_exception?: ServiceCallbackHook<Inputs, Outputs, RootData, Callback>;
  /** `schedule` failed and the node is not `error_ignorable`: it is about to become FAILED. */
  node_schedule_fail?: ServiceCallbackHook<Inputs, Outputs, RootData, Callback>;
  /**
   * The node finished: after a successful `execute` of a component without schedule, an ignored failure, or the
   * last poll. **Not called for CALLBACK and MULTIPLE_CALLBACK nodes** that finish by a callback (bamboo's
   * quirk, kept). Its changes to `data.outputs` are saved.
   */
  node_finish?: ServiceHook<Inputs, Outputs, RootData>;
  /** An appointed pause (`POST …/nodes/{node}/pause`) while a process is at the node. Read-only. */
  pre_pause_node?: ServiceHook<Inputs, Outputs, RootData>;
  post_pause_node?: ServiceHook<Inputs, Outputs, RootData>;
  /** `POST …/nodes/{node}/retry`, before the node goes READY / after its new attempt is queued. Read-only. */
  pre_retry_node?: ServiceHook<Inputs, Outputs, RootData>;
  post_retry_node?: ServiceHook<Inputs, Outputs, RootData>;
  /** `POST …/nodes/{node}/skip`. Read-only. */
  pre_skip_node?: ServiceHook<Inputs, Outputs, RootData>;
  post_skip_node?: ServiceHook<Inputs, Outputs, RootData>;
  /** `POST …/nodes/{node}/forced-fail`, and node timeouts and timer events. Read-only. */
  pre_forced_fail_activity?: ServiceHook<Inputs, Outputs, RootData>;
  post_forced_fail_activity?: ServiceHook<Inputs, Outputs, RootData>;
  /** `POST …/nodes/{node}/callback`, with the callback's data, before/after its `schedule` is queued. Read-only. */
  pre_callback?: ServiceCallbackHook<Inputs, Outputs, RootData, Callback>;
  post_callback?: ServiceCallbackHook<Inputs, Outputs, RootData, Callback>;
  /** Never called (bamboo never dispatches them either). */
  pre_resume_node?: ServiceHook<Inputs, Outputs, RootData>;
  post_resume_node?: ServiceHook<Inputs, Outputs, RootData>;
}

/**
 * The default export of `component/{code}`: a bamboo Service as an object.
 *
 * | bamboo                                   | here                          | schedule type     |
 * |------------------------------------------|-------------------------------|-------------------|
 * | no `__need_schedule__`                   | (no flags)                    | none              |
 * | `__need_schedule__`, `interval = StaticIntervalGenerator(n)` | `needSchedule: true, interval: n` | POLL |
 * | `__need_schedule__`, `interval = SquareIntervalGenerator()`  | `needSchedule: true, interval: "square"` | POLL (1, 4, 9, … s) |
 * | `__need_schedule__`, `interval = None`   | `needSchedule: true`          | CALLBACK          |
 * | … and `__multi_callback_enabled__`       | `needSchedule: true, multiCallback: true` | MULTIPLE_CALLBACK |
 * | `__need_run_hook__`                      | `needRunHook: true`           | (any)             |
 *
 * Type parameters: the component's inputs, its outputs, the run's `root_pipeline_data`, and the callback data.
 */
export interface Service<
  Inputs extends object = Record<string, any>,
  Outputs extends object = Record<string, any>,
  RootData extends object = Record<string, any>,
  Callback = Record<string, any>,
> extends ServiceHooks<Inputs, Outputs, RootData, Callback> {
  /** `true`: after a successful `execute` the node waits (polls or callbacks) and `schedule` is called. */
  needSchedule?: boolean;
  /**
   * POLL mode: seconds between polls (`0` or more), or `"square"` for 1, 4, 9, … s. The first poll runs right
   * after `execute`. Anything else (absent, negative) means a callback mode.
   */
  interval?: number | "square";
  /** With `needSchedule` and no `interval`: MULTIPLE_CALLBACK, finished by `this.finishSchedule()`. */
  multiCallback?: boolean;
  /** `true` turns on the hook methods. */
  needRunHook?: boolean;
  /** Runs when the node is entered. */
  execute(this: ServiceContext, data: Data<Inputs, Outputs>, parentData: ParentData<RootData>): MaybePromise<ServiceResult>;
  /**
   * Each poll (`callbackData` is `null`) or each callback (its data). `data.outputs` holds what `execute` and
   * the earlier calls saved. Required when `needSchedule` is `true`.
   */
  schedule?(
    this: ServiceContext,
    data: Data<Inputs, Outputs>,
    parentData: ParentData<RootData>,
    callbackData: CallbackData<Callback> | null,
  ): MaybePromise<ServiceResult>;
}

// ---------------------------------------------------------------------------------------------------------
// Lazy variables: variable/{code}
// ---------------------------------------------------------------------------------------------------------

/**
 * The default export of `variable/{code}`: a bamboo LazyVariable, named by `custom_type` in a `lazy` input or
 * variable.
 *
 * `getValue(value, context)` is bamboo's `get_value()`: `value` is the variable's `value` rendered as a splice
 * (its `${…}` replaced), `context` the already-resolved context values it can see (at least those its value
 * refers to), keyed `${name}`. The result is the variable's value. A throw fails the node that needed it
 * ("inputs hydrate failed").
 */
export interface LazyVariable<Value = any, Result = unknown> {
  getValue(value: DeepReadonly<Value>, context: Readonly<Record<ContextKey, unknown>>): MaybePromise<Result>;
}

// ---------------------------------------------------------------------------------------------------------
// End events: end-event/{code}
// ---------------------------------------------------------------------------------------------------------

/**
 * The default export of `end-event/{code}`: an ExecutableEndEvent, used as `end_event.type: "{code}"`. It runs
 * before the pipeline (or subprocess) ends. A throw makes the end event FAILED (`ex_data` = the error) and the
 * pipeline stays RUNNING; `POST …/nodes/{end event}/retry` runs it again.
 */
export interface ExecutableEndEvent {
  /** `pipelineStack`: pipeline ids from the root down to the one ending; `rootPipelineId`: the run id. */
  execute(pipelineStack: readonly string[], rootPipelineId: string): MaybePromise<void>;
}

// ---------------------------------------------------------------------------------------------------------
// The pipeline tree (bamboo's JSON, accepted unchanged)
// ---------------------------------------------------------------------------------------------------------

export type VarType = "plain" | "splice" | "lazy";

/** A component input or a SubProcess param. */
export interface InputVar {
  /** `plain`: used as is; `splice`: strings inside are `${…}` templates; `lazy`: a `variable/{custom_type}` script. */
  type?: VarType;
  value?: JSONValue;
  /** The lazy variable's code, for `type: "lazy"`. */
  custom_type?: string;
  /** `false` forces rendering off whatever the type. */
  need_render?: boolean;
}

/** An entry of `data.inputs`: a context variable, or a node output (NodeOutput / RewritableNodeOutput). */
export interface DataVar extends InputVar {
  /** The node whose output fills this key (or several, for a rewritable output: the latest writer wins). */
  source_act?: string | { source_act: string; source_key: string }[];
  /** The output key of `source_act` (for a SubProcess: a key of its pipeline's `data.outputs`, `${…}` form). */
  source_key?: string;
  /** InitializedRewritableNodeOutput: also creates the initial context value from `value`. */
  need_initialization?: boolean;
  /** DataInput marker for subprocess params; informational only. */
  is_param?: boolean;
}

export interface PipelineData {
  /** Context variables, keyed `${name}`. */
  inputs?: Record<string, DataVar>;
  /** Context keys that become the pipeline's (or SubProcess node's) outputs when it ends. */
  outputs?: string[];
  /** Context keys rendered once by the start event and stored back as plain values. */
  pre_render_keys?: string[];
}

interface Element {
  id: string;
  name?: string | null;
  /** A flow id or a list of them. */
  incoming: string | string[];
}

export interface StartEvent extends Element {
  type: "EmptyStartEvent";
  outgoing: string;
}

/** `type`: `"EmptyEndEvent"`, or the code of an `end-event/{code}` script. */
export interface EndEvent extends Element {
  type: string;
  outgoing?: "";
}

/** bamboo's node_timeout contrib: forced-fail the node (and skip it) after `seconds` of RUNNING. */
export interface TimeoutConfig {
  enable?: boolean;
  action?: "forced_fail" | "forced_fail_and_skip";
  seconds?: number;
}

/** bamboo's node_timer_event contrib. */
export interface TimerEvent {
  enable?: boolean;
  /** `bamboo_engine_forced_fail` (default) or `bamboo_engine_forced_fail_and_skip`. */
  action?: string;
  timer_type: "time_date" | "time_duration" | "time_cycle";
  /** An ISO 8601 date, a duration (`PT10M`) or a cycle (`R3/PT1M`). */
  defined: string;
}

/** A node that runs `component/{component.code}`. (`loop_config` is not supported: it is ignored.) */
export interface ServiceActivity extends Element {
  type: "ServiceActivity";
  outgoing: string;
  /** `version` is accepted and ignored: a project has one script per code. */
  component: { code: string; version?: string; inputs?: Record<string, InputVar> };
  /** A failure finishes the node with `error_ignored: true` and the flow continues. */
  error_ignorable?: boolean;
  /** Default `true`. */
  skippable?: boolean;
  /** Default `true`. */
  retryable?: boolean;
  optional?: boolean;
  /** Deprecated in bamboo; ignored. Use `timeout_config`. */
  timeout?: number | null;
  timeout_config?: TimeoutConfig;
  events?: { timer_events?: TimerEvent[] };
}

/** A subprocess: its id must equal `pipeline.id`. */
export interface SubProcess extends Element {
  type: "SubProcess";
  outgoing: string;
  /** Rendered in the parent's context and written into the child's, keyed `${name}`. */
  params?: Record<string, InputVar>;
  pipeline: PipelineTree;
}

export interface Condition {
  /** A boolrule expression; `${…}` is substituted as text first, so quote strings: `"${a}" == "1"`. */
  evaluate: string;
  name?: string;
}

export interface ConditionalGateway extends Element {
  type: "ExclusiveGateway" | "ConditionalParallelGateway";
  outgoing: string[];
  /** flow id → condition. */
  conditions: Record<string, Condition>;
  default_condition?: { flow_id?: string } | null;
  /** Accepted and ignored (as bamboo effectively ignores `extra_info.strategy`). */
  extra_info?: Record<string, JSONValue>;
  /** Written by the validator. */
  converge_gateway_id?: string;
}

export interface ParallelGateway extends Element {
  type: "ParallelGateway";
  outgoing: string[];
  converge_gateway_id?: string;
}

export interface ConvergeGateway extends Element {
  type: "ConvergeGateway";
  outgoing: string;
}

export interface Flow {
  id: string;
  source: string;
  target: string;
  /** Deprecated and ignored: a gateway's default branch is its `default_condition`. */
  is_default?: boolean;
}

/** A bamboo pipeline tree (the output of bamboo's `build_tree`). Ids: 1–128 of `A-Z a-z 0-9 _ . : -`. */
export interface PipelineTree {
  id: string;
  start_event: StartEvent;
  end_event: EndEvent;
  activities: Record<string, ServiceActivity | SubProcess>;
  gateways: Record<string, ConditionalGateway | ParallelGateway | ConvergeGateway>;
  flows: Record<string, Flow>;
  data?: PipelineData;
}

// ---------------------------------------------------------------------------------------------------------
// HTTP bodies (below /v1/projects/{project})
// ---------------------------------------------------------------------------------------------------------

/** `POST /pipelines`: bamboo's `run_pipeline` arguments, plus per-run settings. */
export interface StartPipelineBody {
  pipeline: PipelineTree;
  /** Every component's `parentData.inputs`. */
  root_pipeline_data?: JSONObject;
  /** Extra plain context values of the root pipeline (`name` or `${name}` keys). */
  root_pipeline_context?: JSONObject;
  /** Plain context values of every subprocess, at every level. */
  subprocess_context?: JSONObject;
  start_node_id?: string;
  /** Allow loops in the graph. */
  cycle_tolerate?: boolean;
  settings?: {
    /** `only` (default): several true conditions fail the gateway; `first`: the first true one is taken. */
    exclusive_gateway_strategy?: "only" | "first";
    /** Re-entries of a FINISHED node allowed before it fails (default 100). */
    rerun_limit?: number;
  };
}

export type StateName =
  | "CREATED"
  | "READY"
  | "LOOP_READY"
  | "RUNNING"
  | "SUSPENDED"
  | "BLOCKED"
  | "FINISHED"
  | "FAILED"
  | "REVOKED";

/** One state of `GET /pipelines/{id}` (bamboo's `get_pipeline_states`). */
export interface NodeState {
  id: string;
  state: StateName;
  root_id: string;
  parent_id: string;
  version: string;
  loop: number;
  inner_loop: number;
  retry: number;
  skip: boolean;
  /** Same value as `error_ignored`, as in bamboo. */
  error_ignorable: boolean;
  error_ignored: boolean;
  created_time: string | null;
  started_time: string | null;
  archived_time: string | null;
  /** The nodes that have run (flat, or nested under their subprocess with `?flat=false`). */
  children: Record<string, NodeState>;
}

/** `GET /pipelines/{id}`: the root pipeline's state, its nodes, and the script versions the run keeps. */
export interface PipelineStates extends NodeState {
  /** Script path → the version the run started with. */
  scripts: Record<string, number>;
}

/** `GET /pipelines/{id}/nodes/{node}`. */
export interface NodeDetail {
  state: NodeState | null;
  execution_data: { inputs: Record<string, JSONValue>; outputs: Record<string, JSONValue> } | null;
  data: { inputs: Record<string, { need_render: boolean; value: JSONValue }>; outputs: Record<string, string> };
  schedule: {
    id: number;
    version: string;
    type: "POLL" | "CALLBACK" | "MULTIPLE_CALLBACK";
    finished: boolean;
    expired: boolean;
    scheduling: boolean;
    schedule_times: number;
  } | null;
  histories: {
    id: number;
    node_id: string;
    started_time: string | null;
    archived_time: string | null;
    loop: number;
    retry: number;
    skip: boolean;
    version: string;
    inputs: Record<string, JSONValue>;
    outputs: Record<string, JSONValue>;
  }[];
  callback_url?: string;
}

/** One entry of `GET /pipelines/{id}/events`: a bamboo engine event signal. */
export interface PipelineEvent {
  seq: number;
  event_type: string;
  data: JSONObject;
  /** ISO 8601. */
  at: string;
}
