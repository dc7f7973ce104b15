import ElkConstructor, { type ELK, type ElkExtendedEdge, type ElkNode } from 'elkjs/lib/elk-api.js';
import { END, type GraphEdge, type GraphNode, START, type StateGraph } from '../model/definition';

export interface Point {
  x: number;
  y: number;
}

export interface PlacedNode extends GraphNode {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedEdge extends GraphEdge {
  points: Point[];
  labelAt?: Point & { width: number };
}

export interface GraphLayout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  width: number;
  height: number;
}

/** The file web/build.ts puts beside the console: elk's engine, run in a Web Worker off the page's thread. */
const ELK_WORKER = 'elk-worker.min.js';

let elk: ELK | undefined;
/** The layout engine, started on the first graph (its worker is not loaded before). */
const engine = (): ELK => (elk ??= new ElkConstructor({ workerUrl: new URL(ELK_WORKER, document.baseURI).href }));

/** The width text takes at the graph's font size (an estimate: elk needs sizes before anything is drawn). */
const textWidth = (text: string, size: number) => Math.ceil(text.length * size * 0.6);

const sizeOf = (node: GraphNode) =>
  node.id === START || node.id === END
    ? { width: 64, height: 28 }
    : { width: Math.max(140, textWidth(node.id, 13) + 40), height: 46 };

const LABEL_SIZE = 11;

const toElkEdge = (edge: GraphEdge): ElkExtendedEdge => ({
  id: edge.id,
  sources: [edge.from],
  targets: [edge.to],
  labels:
    edge.label && edge.kind !== 'default'
      ? [
          {
            id: `${edge.id}:label`,
            text: edge.label,
            width: textWidth(edge.label, LABEL_SIZE) + 8,
            height: LABEL_SIZE + 6,
          },
        ]
      : [],
});

/**
 * Lays the graph out with elkjs's layered algorithm, top to bottom with orthogonal edges, as the AWS
 * console draws a workflow: every position and every bend comes from elk.
 */
export const layoutGraph = async (graph: StateGraph): Promise<GraphLayout> => {
  const root: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.layered.spacing.nodeNodeBetweenLayers': '48',
      'elk.spacing.nodeNode': '36',
      'elk.spacing.edgeNode': '18',
      'elk.spacing.edgeEdge': '12',
      'elk.edgeLabels.inline': 'false',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.layered.crossingMinimization.strategy': 'LAYER_SWEEP',
      'elk.padding': '[top=16,left=16,bottom=16,right=16]',
    },
    children: graph.nodes.map((node) => ({ id: node.id, ...sizeOf(node) })),
    edges: graph.edges.map(toElkEdge),
  };
  const laid = await engine().layout(root);
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const nodes = (laid.children ?? []).map((child) => ({
    ...byId.get(child.id)!,
    x: child.x ?? 0,
    y: child.y ?? 0,
    width: child.width ?? 0,
    height: child.height ?? 0,
  }));
  const edgesById = new Map(graph.edges.map((edge) => [edge.id, edge]));
  const edges = (laid.edges ?? []).map((laidEdge) => {
    const section = laidEdge.sections?.[0];
    const points = section ? [section.startPoint, ...(section.bendPoints ?? []), section.endPoint] : [];
    const label = laidEdge.labels?.[0];
    return {
      ...edgesById.get(laidEdge.id)!,
      points,
      ...(label && { labelAt: { x: label.x ?? 0, y: label.y ?? 0, width: label.width ?? 0 } }),
    };
  });
  return { nodes, edges, width: laid.width ?? 0, height: laid.height ?? 0 };
};
