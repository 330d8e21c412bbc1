import { contextKey, plainValue } from "./context";
import { dispatchExecute } from "./engine";
import type { ContextValue, NodeRecord, NodeType, RawInput, RunSettings } from "./records";
import type { BambooRuntime } from "./runtime";
import { setState } from "./set-state";
import { templateReferences } from "./template";
import { elementsOf, outgoingOf, type DataVar, type InputVar, type PipelineTree } from "./tree";

export interface RunOptions {
  readonly rootPipelineData?: Readonly<Record<string, unknown>>;
  readonly rootPipelineContext?: Readonly<Record<string, unknown>>;
  readonly subprocessContext?: Readonly<Record<string, unknown>>;
  readonly startNodeId?: string;
  readonly settings: RunSettings;
}

/**
 * bamboo's run_pipeline after validation: stores every node of every level flat, their raw data, the contexts and
 * context outputs, creates the root process and sets the pipeline RUNNING, then queues the first execute.
 */
export function prepareRun(rt: BambooRuntime, tree: PipelineTree, options: RunOptions): void {
  const event = {
    pipeline: tree.id,
    root_pipeline_data: options.rootPipelineData ?? {},
    root_pipeline_context: options.rootPipelineContext ?? {},
    subprocess_context: options.subprocessContext ?? {},
  };
  rt.host.emit("pre_prepare_run_pipeline", event);
  rt.store.putRun({ pipelineId: tree.id, rootPipelineData: options.rootPipelineData ?? {}, settings: options.settings, createdAt: rt.host.now() });
  storeLevel(rt, tree, tree.id, tree.id, options);
  for (const [key, value] of Object.entries(options.rootPipelineContext ?? {})) rt.store.putContextValue(tree.id, plainValue(contextKey(key), value));
  const process = rt.store.newProcess({
    parentId: -1,
    pipelineStack: [tree.id],
    currentNodeId: tree.start_event.id,
    destinationId: "",
    asleep: true,
    suspended: false,
    suspendedBy: "",
    dead: false,
    needAck: 0,
    ackNum: 0,
  });
  setState(rt, tree.id, "RUNNING", { rootId: tree.id, parentId: "", setStartedTime: true });
  dispatchExecute(rt, process.id, options.startNodeId ?? tree.start_event.id);
  rt.host.emit("post_prepare_run_pipeline", event);
}

/** Stores one (sub)pipeline level: its nodes, their data, its context and context outputs; then its children. */
function storeLevel(rt: BambooRuntime, tree: PipelineTree, pipelineId: string, rootId: string, options: RunOptions): void {
  const dataInputs = tree.data?.inputs ?? {};
  const outputsOf = outputMappings(dataInputs);
  for (const element of elementsOf(tree).values()) {
    const targets: Record<string, string> = {};
    for (const flowId of outgoingOf(element)) {
      const flow = tree.flows[flowId];
      if (flow !== undefined) targets[flowId] = flow.target;
    }
    const base = { id: element.id, name: element.name ?? null, targets, rootPipelineId: rootId, parentPipelineId: pipelineId };
    let node: NodeRecord;
    switch (element.type) {
      case "EmptyStartEvent":
        node = { ...base, type: "EmptyStartEvent", canSkip: true, canRetry: true, preRenderKeys: tree.data?.pre_render_keys ?? [] };
        break;
      case "ServiceActivity": {
        const activity = element as Extract<typeof element, { type: "ServiceActivity" }>;
        node = {
          ...base,
          type: "ServiceActivity",
          canSkip: activity.skippable ?? true,
          canRetry: activity.retryable ?? true,
          code: activity.component.code,
          errorIgnorable: activity.error_ignorable ?? false,
          ...(activity.timeout_config ? { timeout: activity.timeout_config } : {}),
          ...(activity.events?.timer_events ? { timerEvents: activity.events.timer_events } : {}),
        };
        rt.store.putData(node.id, { inputs: assembleInputs(rt, pipelineId, node.id, activity.component.inputs ?? {}), outputs: outputsOf.get(node.id) ?? {} });
        break;
      }
      case "SubProcess": {
        const sub = element as Extract<typeof element, { type: "SubProcess" }>;
        node = { ...base, type: "SubProcess", canSkip: true, canRetry: true, startEventId: sub.pipeline.start_event.id };
        rt.store.putData(node.id, { inputs: assembleInputs(rt, pipelineId, node.id, sub.params ?? {}), outputs: outputsOf.get(node.id) ?? {} });
        break;
      }
      case "ExclusiveGateway":
      case "ConditionalParallelGateway": {
        const gateway = element as Extract<typeof element, { type: "ExclusiveGateway" | "ConditionalParallelGateway" }>;
        const conditions = outgoingOf(gateway)
          .filter((flowId) => gateway.conditions[flowId] !== undefined)
          .map((flowId) => ({ flowId, evaluate: gateway.conditions[flowId]!.evaluate, targetId: targets[flowId] ?? "" }));
        const defaultFlowId = gateway.default_condition?.flow_id;
        node = {
          ...base,
          type: gateway.type,
          canSkip: true,
          canRetry: true,
          conditions,
          ...(defaultFlowId ? { defaultFlowId } : {}),
          ...(gateway.converge_gateway_id ? { convergeGatewayId: gateway.converge_gateway_id } : {}),
        };
        break;
      }
      case "ParallelGateway":
      case "ConvergeGateway": {
        const converge = (element as { converge_gateway_id?: string }).converge_gateway_id;
        node = { ...base, type: element.type as NodeType, canSkip: true, canRetry: true, ...(converge ? { convergeGatewayId: converge } : {}) };
        break;
      }
      default:
        node =
          element.type === "EmptyEndEvent"
            ? { ...base, type: "EmptyEndEvent", canSkip: true, canRetry: true }
            : { ...base, type: "ExecutableEndEvent", canSkip: false, canRetry: true, code: element.type };
    }
    rt.store.putNode(node);
  }
  for (const [key, variable] of Object.entries(dataInputs)) {
    const value = contextValueOf(key, variable);
    if (value !== undefined) rt.store.putContextValue(pipelineId, value);
  }
  if (pipelineId !== rootId) {
    for (const [key, value] of Object.entries(options.subprocessContext ?? {})) rt.store.putContextValue(pipelineId, plainValue(contextKey(key), value));
  }
  rt.store.putContextOutputs(pipelineId, tree.data?.outputs ?? []);
  for (const activity of Object.values(tree.activities)) {
    if (activity.type === "SubProcess") storeLevel(rt, activity.pipeline, activity.id, rootId, options);
  }
}

/** node id → {output key → context key}, from every `data.inputs` entry whose `source_act` names that node. */
function outputMappings(inputs: Readonly<Record<string, DataVar>>): Map<string, Record<string, string>> {
  const mappings = new Map<string, Record<string, string>>();
  const add = (nodeId: string, sourceKey: string, key: string) => {
    const mapping = mappings.get(nodeId) ?? {};
    mapping[sourceKey] = key;
    mappings.set(nodeId, mapping);
  };
  for (const [key, variable] of Object.entries(inputs)) {
    const source = variable.source_act;
    if (typeof source === "string" && variable.source_key !== undefined) add(source, variable.source_key, key);
    else if (Array.isArray(source)) for (const entry of source) add(entry.source_act, entry.source_key, key);
  }
  return mappings;
}

/** The initial context value of a `data.inputs` entry; node outputs have none unless initialised. */
function contextValueOf(key: string, variable: DataVar): ContextValue | undefined {
  if (variable.source_act !== undefined && !variable.need_initialization) return undefined;
  const references = templateReferences(variable.value);
  if (variable.type === "lazy") return { key, type: "compute", value: variable.value, code: variable.custom_type ?? "", references };
  if (variable.type === "splice") return { key, type: "splice", value: variable.value, references };
  return { key, type: "plain", value: variable.value, references };
}

/**
 * A node's raw inputs (bamboo's _data_inputs_assemble): plain is never rendered, splice is, and lazy becomes a
 * COMPUTE value `${<key>_<node id>}` in the pipeline's context that the input refers to.
 */
function assembleInputs(rt: BambooRuntime, pipelineId: string, nodeId: string, inputs: Readonly<Record<string, InputVar>>): Record<string, RawInput> {
  const assembled: Record<string, RawInput> = {};
  for (const [key, input] of Object.entries(inputs)) {
    if (input.type === "lazy") {
      const lazyKey = contextKey(`${key.replace(/^\$\{(.*)\}$/, "$1")}_${nodeId}`);
      rt.store.putContextValue(pipelineId, { key: lazyKey, type: "compute", value: input.value, code: input.custom_type ?? "", references: templateReferences(input.value) });
      assembled[key] = { need_render: true, value: lazyKey };
    } else {
      assembled[key] = { need_render: input.need_render === false ? false : input.type === "splice", value: input.value };
    }
  }
  return assembled;
}
