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
export const engine = (): ELK =>
  (elk ??= new ElkConstructor({ workerUrl: new URL(ELK_WORKER, document.baseURI).href }));

/** The width text takes at the graph's font size (an estimate: elk needs sizes before anything is drawn). */
const textWidth = (text: string, size: number) => Math.ceil(text.length * size * 0.6);

const sizeOf = (node: GraphNode) =>
  node.id === START || node.id === END
    ? { width: 64, height: 28 }
    : { width: Math.max(140, textWidth(node.id, 13) + 40), height: 46 };

const LABEL_SIZE = 11;

/**
 * The happy path: from Start, each state's Next (a Choice's first choice) down to End. It is laid out
 * as one straight vertical spine, first in elk's model order, its edges the straightest.
 */
export const spineOf = (graph: StateGraph): string[] => {
  const spine = [START];
  const seen = new Set(spine);
  for (;;) {
    const from = spine.at(-1)!;
    const out = graph.edges.filter((edge) => edge.from === from);
    const next = ['start', 'next', 'end', 'choice', 'default']
      .map((kind) => out.find((edge) => edge.kind === kind))
      .find(Boolean);
    if (!next || seen.has(next.to)) return spine;
    spine.push(next.to);
    seen.add(next.to);
  }
};

/**
 * Each state's ports: edges come in at the top and leave at the bottom, a Catch on the right, so
 * that the spine's edges run straight down and the compensations branch off to the side.
 */
const portsOf = (id: string): ElkNode['ports'] => [
  { id: `${id}:in`, layoutOptions: { 'elk.port.side': 'NORTH' } },
  { id: `${id}:out`, layoutOptions: { 'elk.port.side': 'SOUTH' } },
  { id: `${id}:catch`, layoutOptions: { 'elk.port.side': 'EAST' } },
];

const toElkEdge = (edge: GraphEdge, onSpine: boolean): ElkExtendedEdge => ({
  id: edge.id,
  sources: [`${edge.from}:${edge.kind === 'catch' ? 'catch' : 'out'}`],
  targets: [`${edge.to}:in`],
  ...(onSpine && {
    layoutOptions: { 'elk.layered.priority.straightness': '100', 'elk.layered.priority.direction': '100' },
  }),
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
 * console draws a workflow: every position and every bend comes from elk. The happy path comes first
 * in the model order and its edges have the highest straightness, which network-simplex node
 * placement honours, and each layer keeps the model order: it is one straight column, the
 * compensations to its right (test/unit/console/layout.test.ts lays the saga out with elk's bundle).
 */
export const layoutGraph = async (
  graph: StateGraph,
  layouter: Pick<ELK, 'layout'> = engine(),
): Promise<GraphLayout> => {
  const spine = spineOf(graph);
  const onSpine = new Set(spine);
  const rank = (id: string) => (onSpine.has(id) ? spine.indexOf(id) : spine.length);
  const ordered = [...graph.nodes].sort((a, b) => rank(a.id) - rank(b.id));
  const spineEdges = new Set(spine.slice(1).map((to, i) => `${spine[i]}>${to}`));
  const isSpineEdge = (edge: GraphEdge) => edge.kind !== 'catch' && spineEdges.has(`${edge.from}>${edge.to}`);
  const root: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.layered.spacing.nodeNodeBetweenLayers': '34',
      'elk.spacing.nodeNode': '36',
      'elk.spacing.edgeNode': '18',
      'elk.spacing.edgeEdge': '12',
      'elk.edgeLabels.inline': 'false',
      'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      // Within each layer, nodes keep the model order: the spine's node is left of the compensations.
      'elk.layered.crossingMinimization.forceNodeModelOrder': 'true',
      'elk.layered.crossingMinimization.strategy': 'LAYER_SWEEP',
      'elk.padding': '[top=16,left=16,bottom=16,right=16]',
    },
    children: ordered.map((node) => ({
      id: node.id,
      ...sizeOf(node),
      layoutOptions: { 'elk.portConstraints': 'FIXED_SIDE' },
      ports: portsOf(node.id),
    })),
    edges: [...graph.edges.filter(isSpineEdge), ...graph.edges.filter((edge) => !isSpineEdge(edge))].map((edge) =>
      toElkEdge(edge, isSpineEdge(edge)),
    ),
  };
  const laid = await layouter.layout(root);
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
