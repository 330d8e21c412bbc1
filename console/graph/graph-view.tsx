import { memo, useState } from "hono/jsx/dom";
import type { Placed, PlacedNode } from "./layout";

interface Props {
  readonly placed: Placed;
  /** node id → a state name, drawn as the node's colour (class `state-<name>`). */
  readonly states: Readonly<Record<string, string | undefined>>;
  readonly selected: string | undefined;
  readonly onSelect: (id: string) => void;
  readonly label: string;
}

const ZOOMS = [0.25, 0.5, 0.75, 1, 1.5];

function pathOf(points: readonly { x: number; y: number }[]): string {
  return points.map((p, i) => `${i === 0 ? "M" : "L"}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join("");
}

function Shape({ node }: { node: PlacedNode }) {
  const { width: w, height: h } = node;
  if (node.kind.endsWith("Gateway")) {
    return <polygon class="shape" points={`0,${-h / 2} ${w / 2},0 0,${h / 2} ${-w / 2},0`} />;
  }
  if (node.kind.endsWith("Event")) return <ellipse class="shape" rx={w / 2} ry={h / 2} />;
  return <rect class="shape" x={-w / 2} y={-h / 2} width={w} height={h} rx={6} />;
}

const GATEWAY_MARK: Record<string, string> = { ExclusiveGateway: "×", ParallelGateway: "+", ConditionalParallelGateway: "◇+", ConvergeGateway: "⋈" };

/**
 * A laid-out graph as SVG. Coordinates come from placeGraph once; a change of states or selection only changes
 * classes, so a large graph redraws without a new layout, and not at all when its page re-renders for anything
 * else (memo). Every node is a focusable button (Enter or Space selects).
 */
export const GraphView = memo(function GraphView({ placed, states, selected, onSelect, label }: Props) {
  const [zoom, setZoom] = useState(placed.nodes.length > 200 ? 0.5 : 1);
  const keySelect = (id: string) => (event: KeyboardEvent) => {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      onSelect(id);
    }
  };
  return (
    <figure class="graph">
      <figcaption>
        {label} · {placed.nodes.length} nodes ·{" "}
        <label>
          zoom{" "}
          <select value={String(zoom)} onChange={(e: Event) => setZoom(Number((e.target as HTMLSelectElement).value))}>
            {ZOOMS.map((z) => (
              <option value={String(z)} selected={z === zoom}>
                {Math.round(z * 100)}%
              </option>
            ))}
          </select>
        </label>
      </figcaption>
      <div class="graph-scroll">
        <svg
          role="group"
          aria-label={label}
          width={Math.ceil(placed.width * zoom)}
          height={Math.ceil(placed.height * zoom)}
          viewBox={`0 0 ${Math.ceil(placed.width)} ${Math.ceil(placed.height)}`}
        >
          <defs>
            <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
              <path d="M0,0L10,5L0,10z" class="arrowhead" />
            </marker>
          </defs>
          {placed.clusters.map((cluster) => (
            <g
              class={`cluster state-${states[cluster.id] ?? "NONE"}${selected === cluster.id ? " selected" : ""}`}
              data-node-id={cluster.id}
              tabindex={0}
              role="button"
              aria-label={`${cluster.label} (subprocess), ${states[cluster.id] ?? "not started"}`}
              onClick={() => onSelect(cluster.id)}
              onKeyDown={keySelect(cluster.id)}
            >
              <rect x={cluster.x - cluster.width / 2} y={cluster.y - cluster.height / 2} width={cluster.width} height={cluster.height} rx={8} />
              <text x={cluster.x - cluster.width / 2 + 8} y={cluster.y - cluster.height / 2 + 16}>
                {cluster.label}
              </text>
            </g>
          ))}
          {placed.edges.map((edge) => (
            <g class={edge.dashed ? "edge dashed" : "edge"}>
              <path d={pathOf(edge.points)} marker-end="url(#arrow)" />
              {edge.label === undefined || edge.points.length === 0 ? null : (
                <text class="edge-label" x={edge.points[Math.floor(edge.points.length / 2)]!.x} y={edge.points[Math.floor(edge.points.length / 2)]!.y - 4}>
                  {edge.label}
                </text>
              )}
            </g>
          ))}
          {placed.nodes.map((node) => (
            <g
              class={`node kind-${node.kind} state-${states[node.id] ?? "NONE"}${selected === node.id ? " selected" : ""}`}
              transform={`translate(${node.x.toFixed(1)},${node.y.toFixed(1)})`}
              data-node-id={node.id}
              tabindex={0}
              role="button"
              aria-label={`${node.label} (${node.kind}), ${states[node.id] ?? "not started"}`}
              onClick={() => onSelect(node.id)}
              onKeyDown={keySelect(node.id)}
            >
              <title>{`${node.label} · ${node.kind} · ${states[node.id] ?? "not started"}`}</title>
              <Shape node={node} />
              <text class="node-label" text-anchor="middle" dominant-baseline="central">
                {GATEWAY_MARK[node.kind] ?? (node.kind.endsWith("Event") ? "" : node.label)}
              </text>
              {node.kind.endsWith("Gateway") || node.kind.endsWith("Event") ? (
                <text class="node-caption" text-anchor="middle" y={node.height / 2 + 12}>
                  {node.label}
                </text>
              ) : null}
            </g>
          ))}
        </svg>
      </div>
    </figure>
  );
});
