import type { PipelineGraph } from "../client";
import type { GraphInput } from "./layout";

const END_TYPES = new Set(["EmptyEndEvent", "ExecutableEndEvent"]);

/** A condition as an edge label: short enough to read on the arrow (the node panel shows it whole). */
function conditionLabel(condition: string | undefined, isDefault: boolean | undefined): string | undefined {
  if (isDefault) return "default";
  if (condition === undefined) return undefined;
  return condition.length > 28 ? `${condition.slice(0, 27)}…` : condition;
}

/**
 * A run's graph (GET …/pipelines/{id}/graph) as boxes and arrows, left to right, with every subprocess expanded in
 * place: a cluster around its own nodes, entered at its start event and left from its end events.
 */
export function pipelineGraphInput(graph: PipelineGraph): GraphInput {
  const subprocesses = new Map(graph.nodes.filter((n) => n.type === "SubProcess").map((n) => [n.id, n]));
  const cluster = (pipelineId: string) => (pipelineId === graph.id ? undefined : pipelineId);
  const startsOf = (id: string): string[] => {
    if (!subprocesses.has(id)) return [id];
    return graph.nodes.filter((n) => n.pipeline_id === id && n.type === "EmptyStartEvent").flatMap((n) => startsOf(n.id));
  };
  const endsOf = (id: string): string[] => {
    if (!subprocesses.has(id)) return [id];
    return graph.nodes.filter((n) => n.pipeline_id === id && END_TYPES.has(n.type)).map((n) => n.id);
  };
  return {
    direction: "LR",
    clusters: [...subprocesses.values()].map((sub) => ({
      id: sub.id,
      label: sub.name ?? sub.id,
      ...(cluster(sub.pipeline_id) === undefined ? {} : { parent: sub.pipeline_id }),
    })),
    nodes: graph.nodes
      .filter((n) => !subprocesses.has(n.id))
      .map((n) => ({
        id: n.id,
        label: n.name ?? n.code ?? n.id,
        kind: n.type,
        ...(cluster(n.pipeline_id) === undefined ? {} : { cluster: n.pipeline_id }),
      })),
    edges: graph.flows.flatMap((flow) =>
      endsOf(flow.source).flatMap((source) =>
        startsOf(flow.target).map((target) => {
          const label = conditionLabel(flow.condition, flow.default);
          return { id: `${flow.id}:${source}:${target}`, source, target, ...(label === undefined ? {} : { label }) };
        }),
      ),
    ),
  };
}
