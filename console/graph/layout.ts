import { Graph, layout } from "@dagrejs/dagre";

/** A graph to draw: boxes, arrows between them, and clusters that enclose boxes (a subprocess, a branch). */
export interface GraphInput {
  readonly nodes: readonly { id: string; label: string; kind: string; cluster?: string; width?: number }[];
  readonly edges: readonly { id: string; source: string; target: string; label?: string; dashed?: boolean }[];
  readonly clusters?: readonly { id: string; label: string; parent?: string }[];
  readonly direction: "LR" | "TB";
}

export interface PlacedNode {
  id: string;
  label: string;
  kind: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedEdge {
  id: string;
  source: string;
  target: string;
  label?: string;
  dashed?: boolean;
  points: { x: number; y: number }[];
}

export interface PlacedCluster {
  id: string;
  label: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Placed {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  clusters: PlacedCluster[];
  width: number;
  height: number;
}

const NODE_HEIGHT = 36;
const GATEWAY_SIZE = 40;
const CHAR_WIDTH = 7.2;

function sizeOf(node: GraphInput["nodes"][number]): { width: number; height: number } {
  if (node.kind.endsWith("Gateway") || node.kind.endsWith("Event")) return { width: Math.max(GATEWAY_SIZE, node.width ?? 0), height: GATEWAY_SIZE };
  return { width: node.width ?? Math.min(240, Math.max(90, node.label.length * CHAR_WIDTH + 24)), height: NODE_HEIGHT };
}

/**
 * Places a graph with dagre, once: the result is plain coordinates that the SVG view draws and redraws (new states,
 * a selection) without ever laying it out again.
 */
export function placeGraph(input: GraphInput): Placed {
  const clusters = input.clusters ?? [];
  const g = new Graph({ compound: clusters.length > 0, multigraph: true });
  g.setGraph({ rankdir: input.direction, nodesep: 24, ranksep: 48, edgesep: 12, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const cluster of clusters) g.setNode(cluster.id, { label: cluster.label, clusterLabelPos: "top", paddingTop: 24 });
  for (const cluster of clusters) if (cluster.parent !== undefined) g.setParent(cluster.id, cluster.parent);
  for (const node of input.nodes) {
    g.setNode(node.id, { label: node.label, ...sizeOf(node) });
    if (node.cluster !== undefined) g.setParent(node.id, node.cluster);
  }
  for (const edge of input.edges) {
    const label = edge.label === undefined ? {} : { label: edge.label, width: Math.min(160, edge.label.length * 6.5), height: 14, labelpos: "c" };
    g.setEdge(edge.source, edge.target, label, edge.id);
  }
  layout(g);

  const box = (id: string) => g.node(id) as { x: number; y: number; width: number; height: number };
  const nodes = input.nodes.map((node) => ({ id: node.id, label: node.label, kind: node.kind, ...box(node.id) }));
  const edges = input.edges.map((edge) => ({
    ...edge,
    points: ((g.edge({ v: edge.source, w: edge.target, name: edge.id }) as { points?: { x: number; y: number }[] }).points ?? []).filter(
      (p) => Number.isFinite(p.x) && Number.isFinite(p.y),
    ),
  }));
  const placedClusters = clusters.map((cluster) => ({ id: cluster.id, label: cluster.label, ...box(cluster.id) }));
  const graph = g.graph() as { width?: number; height?: number };
  return { nodes, edges, clusters: placedClusters, width: graph.width ?? 0, height: graph.height ?? 0 };
}
