/**
 * The bamboo-engine pipeline tree, as `run_pipeline` receives it (bamboo-engine.md §1). Trees carried over from
 * bamboo are accepted unchanged: snake_case names, `incoming` as a string or a list, deprecated fields ignored.
 */

export type VarType = "plain" | "splice" | "lazy";

/** A component input or a SubProcess param. */
export interface InputVar {
  readonly type?: VarType;
  readonly value?: unknown;
  /** The lazy variable's code (`variable/{code}`), for `type: "lazy"`. */
  readonly custom_type?: string;
  /** `false` forces rendering off whatever the type. */
  readonly need_render?: boolean;
}

/** An entry of `data.inputs`: a context variable, or a node output (NodeOutput / RewritableNodeOutput). */
export interface DataVar extends InputVar {
  readonly source_act?: string | readonly { readonly source_act: string; readonly source_key: string }[];
  readonly source_key?: string;
  /** InitializedRewritableNodeOutput: also creates the initial context value from `value`. */
  readonly need_initialization?: boolean;
  /** DataInput marker for subprocess params; informational only. */
  readonly is_param?: boolean;
}

export interface PipelineData {
  readonly inputs?: Readonly<Record<string, DataVar>>;
  readonly outputs?: readonly string[];
  readonly pre_render_keys?: readonly string[];
}

interface Element {
  readonly id: string;
  readonly name?: string | null;
  readonly type: string;
  /** A flow id or a list of them; the validator normalises it to a list. */
  incoming: string | string[];
}

export interface StartEvent extends Element {
  readonly type: "EmptyStartEvent";
  readonly outgoing: string;
}

/** `type` is `EmptyEndEvent`, or the code of an ExecutableEndEvent (`end-event/{code}`). */
export interface EndEvent extends Element {
  readonly outgoing?: string | "";
}

export interface TimeoutConfig {
  readonly enable?: boolean;
  readonly action?: "forced_fail" | "forced_fail_and_skip";
  readonly seconds?: number;
}

export interface TimerEvent {
  readonly enable?: boolean;
  readonly action?: string;
  readonly timer_type: "time_date" | "time_duration" | "time_cycle";
  readonly defined: string;
}

export interface ServiceActivity extends Element {
  readonly type: "ServiceActivity";
  readonly outgoing: string;
  readonly component: { readonly code: string; readonly version?: string; readonly inputs?: Readonly<Record<string, InputVar>> };
  readonly error_ignorable?: boolean;
  readonly skippable?: boolean;
  readonly retryable?: boolean;
  readonly timeout_config?: TimeoutConfig;
  readonly events?: { readonly timer_events?: readonly TimerEvent[] };
}

export interface SubProcess extends Element {
  readonly type: "SubProcess";
  readonly outgoing: string;
  readonly params?: Readonly<Record<string, InputVar>>;
  readonly pipeline: PipelineTree;
}

export type Activity = ServiceActivity | SubProcess;

export interface Condition {
  readonly evaluate: string;
  readonly name?: string;
}

export interface ConditionalGateway extends Element {
  readonly type: "ExclusiveGateway" | "ConditionalParallelGateway";
  readonly outgoing: readonly string[];
  readonly conditions: Readonly<Record<string, Condition>>;
  readonly default_condition?: { readonly flow_id?: string } | null;
  readonly extra_info?: Readonly<Record<string, unknown>>;
  /** Written by the validator (validate_gateways). */
  converge_gateway_id?: string;
}

export interface ParallelGateway extends Element {
  readonly type: "ParallelGateway";
  readonly outgoing: readonly string[];
  converge_gateway_id?: string;
}

export interface ConvergeGateway extends Element {
  readonly type: "ConvergeGateway";
  readonly outgoing: string;
}

export type Gateway = ConditionalGateway | ParallelGateway | ConvergeGateway;

export interface Flow {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly is_default?: boolean;
}

export interface PipelineTree {
  readonly id: string;
  readonly start_event: StartEvent;
  readonly end_event: EndEvent;
  readonly activities: Readonly<Record<string, Activity>>;
  readonly gateways: Readonly<Record<string, Gateway>>;
  readonly flows: Readonly<Record<string, Flow>>;
  readonly data?: PipelineData;
}

/** Every element of one tree level by id (start, end, activities, gateways); subprocess trees are not entered. */
export function elementsOf(tree: PipelineTree): Map<string, StartEvent | EndEvent | Activity | Gateway> {
  const all = new Map<string, StartEvent | EndEvent | Activity | Gateway>();
  all.set(tree.start_event.id, tree.start_event);
  for (const activity of Object.values(tree.activities ?? {})) all.set(activity.id, activity);
  for (const gateway of Object.values(tree.gateways ?? {})) all.set(gateway.id, gateway);
  all.set(tree.end_event.id, tree.end_event);
  return all;
}

/** The outgoing flow ids of an element, as a list whatever form the tree uses. */
export function outgoingOf(element: { readonly outgoing?: string | readonly string[] }): string[] {
  const out = element.outgoing;
  if (out === undefined || out === "") return [];
  return typeof out === "string" ? [out] : [...out];
}

/** The incoming flow ids of an element, as a list whatever form the tree uses. */
export function incomingOf(element: { readonly incoming?: string | readonly string[] }): string[] {
  const inc = element.incoming;
  if (inc === undefined || inc === "") return [];
  return typeof inc === "string" ? [inc] : [...inc];
}

/** A script a tree needs, and the node that needs it. */
export interface TreeScript {
  readonly path: string;
  readonly nodeId: string;
}

/** The component, lazy-variable and end-event scripts a tree (with its subprocesses) refers to. */
export function scriptsOfTree(tree: PipelineTree): TreeScript[] {
  const needed: TreeScript[] = [];
  const lazyInputs = (inputs: Readonly<Record<string, InputVar>> | undefined, nodeId: string) => {
    for (const input of Object.values(inputs ?? {})) {
      if (input.type === "lazy") needed.push({ path: `variable/${input.custom_type ?? ""}`, nodeId });
    }
  };
  lazyInputs(tree.data?.inputs, tree.id);
  if (tree.end_event.type !== "EmptyEndEvent") needed.push({ path: `end-event/${tree.end_event.type}`, nodeId: tree.end_event.id });
  for (const activity of Object.values(tree.activities ?? {})) {
    if (activity.type === "ServiceActivity") {
      needed.push({ path: `component/${activity.component.code}`, nodeId: activity.id });
      lazyInputs(activity.component.inputs, activity.id);
    } else {
      lazyInputs(activity.params, activity.id);
      needed.push(...scriptsOfTree(activity.pipeline));
    }
  }
  return needed;
}
