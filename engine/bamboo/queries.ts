import { NotFound } from "./errors";
import type { HistoryRecord, StateRecord } from "./records";
import type { BambooRuntime } from "./runtime";

/** bamboo's query API over one run (bamboo-engine.md §2.7 "Queries"), shaped as api.md answers them. */

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export interface StateView {
  id: string;
  state: string;
  root_id: string;
  parent_id: string;
  version: string;
  loop: number;
  inner_loop: number;
  retry: number;
  skip: boolean;
  error_ignorable: boolean;
  error_ignored: boolean;
  created_time: string | null;
  started_time: string | null;
  archived_time: string | null;
  children: Record<string, StateView>;
}

export function stateView(state: StateRecord): StateView {
  return {
    id: state.nodeId,
    state: state.name,
    root_id: state.rootId,
    parent_id: state.parentId,
    version: state.version,
    loop: state.loop,
    inner_loop: state.innerLoop,
    retry: state.retry,
    skip: state.skip,
    // (quirk) bamboo reports error_ignorable as the same value as error_ignored.
    error_ignorable: state.errorIgnored,
    error_ignored: state.errorIgnored,
    created_time: iso(state.createdTime),
    started_time: iso(state.startedTime),
    archived_time: iso(state.archivedTime),
    children: {},
  };
}

/** get_pipeline_states: the root's state with every node's state under `children`, flat or nested by subprocess. */
export function pipelineStates(rt: BambooRuntime, flat = true): StateView | undefined {
  const rootId = rt.store.run()?.pipelineId;
  if (rootId === undefined) return undefined;
  const states = rt.store.states();
  const root = states.find((s) => s.nodeId === rootId);
  if (root === undefined) return undefined;
  const view = stateView(root);
  const children = states.filter((s) => s.nodeId !== rootId && s.rootId === rootId);
  if (flat) {
    for (const state of children) view.children[state.nodeId] = stateView(state);
    return view;
  }
  const views = new Map(children.map((s) => [s.nodeId, stateView(s)]));
  for (const state of children) {
    const parent = state.parentId === rootId ? view : views.get(state.parentId);
    (parent ?? view).children[state.nodeId] = views.get(state.nodeId)!;
  }
  return view;
}

export function historyView(history: HistoryRecord) {
  return {
    id: history.id,
    node_id: history.nodeId,
    started_time: iso(history.startedTime),
    archived_time: iso(history.archivedTime),
    loop: history.loop,
    retry: history.retry,
    skip: history.skip,
    version: history.version,
    inputs: history.inputs,
    outputs: history.outputs,
  };
}

/** Everything api.md's node detail shows: state, execution data, raw data, the current schedule, histories. */
export function nodeDetail(rt: BambooRuntime, nodeId: string) {
  const node = rt.store.node(nodeId);
  const state = rt.store.state(nodeId);
  const isRoot = nodeId === rt.store.run()?.pipelineId;
  if (node === undefined && !isRoot) throw new NotFound(`node(${nodeId}) does not exist`);
  const data = isRoot
    ? { inputs: Object.fromEntries(Object.entries(rt.store.run()?.rootPipelineData ?? {}).map(([k, v]) => [k, { need_render: false, value: v }])), outputs: {} }
    : (rt.store.data(nodeId) ?? { inputs: {}, outputs: {} });
  const schedule = rt.store.latestScheduleOf(nodeId);
  const waiting = state?.name === "RUNNING" && schedule?.version === state.version && schedule.type !== "POLL" && !schedule.finished;
  const callbackUrl = waiting ? rt.callbackUrl?.(nodeId, state.version) : undefined;
  return {
    state: state === undefined ? null : stateView(state),
    execution_data: state === undefined ? null : (rt.store.executionData(nodeId) ?? { inputs: {}, outputs: {} }),
    data,
    schedule:
      schedule === undefined
        ? null
        : { id: schedule.id, version: schedule.version, type: schedule.type, finished: schedule.finished, expired: schedule.expired, scheduling: schedule.scheduling, schedule_times: schedule.times },
    histories: rt.store.histories(nodeId).map(historyView),
    ...(callbackUrl === undefined ? {} : { callback_url: callbackUrl }),
  };
}

/** A (sub)pipeline's context values, `{"${key}": {type, value}}` (compute values keep their code). */
export function contextView(rt: BambooRuntime, pipelineId: string) {
  const isPipeline = pipelineId === rt.store.run()?.pipelineId || rt.store.node(pipelineId)?.type === "SubProcess";
  if (!isPipeline) throw new NotFound(`pipeline(${pipelineId}) not exist`);
  const view: Record<string, { type: string; value: unknown; code?: string }> = {};
  for (const value of rt.store.contextValues(pipelineId)) {
    view[value.key] = value.code === undefined || value.code === "" ? { type: value.type, value: value.value } : { type: value.type, value: value.value, code: value.code };
  }
  return view;
}

/**
 * The run's graph as stored when it started: every node (subprocesses' too, under `pipeline_id`) and every flow
 * with its gateway condition, so a client can draw the tree without keeping a copy of it.
 */
export function pipelineGraph(rt: BambooRuntime) {
  const rootId = rt.store.run()?.pipelineId;
  if (rootId === undefined) throw new NotFound("the run has not started");
  const nodes = rt.store.nodes();
  return {
    id: rootId,
    nodes: nodes.map((node) => ({
      id: node.id,
      type: node.type,
      name: node.name,
      pipeline_id: node.parentPipelineId,
      ...(node.code === undefined ? {} : { code: node.code }),
      ...(node.convergeGatewayId === undefined ? {} : { converge_gateway_id: node.convergeGatewayId }),
      ...(node.startEventId === undefined ? {} : { start_event_id: node.startEventId }),
    })),
    flows: nodes.flatMap((node) =>
      Object.entries(node.targets).map(([flowId, target]) => {
        const condition = node.conditions?.find((c) => c.flowId === flowId)?.evaluate;
        return {
          id: flowId,
          source: node.id,
          target,
          ...(condition === undefined ? {} : { condition }),
          ...(node.defaultFlowId === flowId ? { default: true } : {}),
        };
      }),
    ),
  };
}
