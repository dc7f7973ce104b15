import type { Ref } from 'preact';
import { END, START } from '../model/definition';
import { type ExecutionStates, statusOf, transitionKey } from '../model/history';
import type { GraphLayout, PlacedEdge, PlacedNode } from './layout';
import { GRAPH_CSS, STATUS_LABELS } from './style';

export interface ViewBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

interface SvgProps {
  layout: GraphLayout;
  states: ExecutionStates;
  /** The execution has ended: its last state's way to End was taken. */
  ended: boolean;
  selected?: string;
  onSelect: (state: string) => void;
  viewBox: ViewBox;
  svgRef: Ref<SVGSVGElement>;
}

const isMarker = (id: string) => id === START || id === END;

const isTaken = (edge: PlacedEdge, states: ExecutionStates, taken: Set<string>, ended: boolean): boolean => {
  if (edge.from === START) return states.runs.length > 0;
  if (edge.to === END) return ended && states.runs.at(-1)?.name === edge.from;
  return taken.has(transitionKey(edge.from, edge.to));
};

const Edge = ({ edge, taken }: { edge: PlacedEdge; taken: boolean }) => {
  const d = edge.points.map((p, i) => `${i ? 'L' : 'M'}${p.x},${p.y}`).join(' ');
  return (
    <g
      class={`edge ${edge.kind}${taken ? ' taken' : ''}`}
      data-from={edge.from}
      data-to={edge.to}
      data-kind={edge.kind}
      data-taken={String(taken)}
    >
      <path d={d} marker-end={`url(#arrow${taken ? '-taken' : ''})`} />
      {edge.labelAt && edge.label && (
        <text x={edge.labelAt.x + 4} y={edge.labelAt.y + 12}>
          {edge.kind === 'catch' ? `⚠ ${edge.label}` : edge.label}
        </text>
      )}
    </g>
  );
};

const Node = ({
  node,
  states,
  selected,
  onSelect,
}: {
  node: PlacedNode;
  states: ExecutionStates;
  selected: boolean;
  onSelect: (state: string) => void;
}) => {
  if (isMarker(node.id)) {
    return (
      <g class="node marker" transform={`translate(${node.x},${node.y})`}>
        <rect width={node.width} height={node.height} rx={node.height / 2} />
        <text x={node.width / 2} y={node.height / 2 + 4} text-anchor="middle">
          {node.type}
        </text>
      </g>
    );
  }
  const status = statusOf(states, node.id);
  const run = states.latest.get(node.id);
  const retries = run?.retries ?? 0;
  const sub = `${node.type} · ${STATUS_LABELS[status]}${retries ? ` · ↻ ${retries}` : ''}`;
  return (
    <g
      class={`node ${status}${selected ? ' selected' : ''}`}
      transform={`translate(${node.x},${node.y})`}
      data-state={node.id}
      data-status={status}
      data-retries={retries}
      role="button"
      tabIndex={0}
      aria-label={`${node.id}: ${STATUS_LABELS[status]}${retries ? `, ${retries} retries` : ''}`}
      aria-pressed={selected}
      onClick={() => onSelect(node.id)}
      onKeyDown={(event) => (event.key === 'Enter' || event.key === ' ') && onSelect(node.id)}
    >
      <title>{sub}</title>
      <rect width={node.width} height={node.height} rx={6} />
      <text x={node.width / 2} y={19} text-anchor="middle">
        {node.id}
      </text>
      <text class="sub" x={node.width / 2} y={35} text-anchor="middle">
        {sub}
      </text>
    </g>
  );
};

/** The state machine's graph: elk's layout, each state coloured by its status, the path taken drawn bold. */
export const GraphSvg = ({ layout, states, ended, selected, onSelect, viewBox, svgRef }: SvgProps) => {
  const taken = new Set(states.transitions.map((t) => transitionKey(t.from, t.to)));
  return (
    <svg
      ref={svgRef}
      xmlns="http://www.w3.org/2000/svg"
      viewBox={`${viewBox.x} ${viewBox.y} ${viewBox.width} ${viewBox.height}`}
      role="img"
      aria-label="State machine graph"
      class="graph-svg"
    >
      <style>{GRAPH_CSS}</style>
      <defs>
        <marker
          id="arrow"
          viewBox="0 0 10 10"
          refX="9"
          refY="5"
          markerWidth="7"
          markerHeight="7"
          orient="auto-start-reverse"
        >
          <path d="M0,0 L10,5 L0,10 z" fill="#8d99a8" />
        </marker>
        <marker
          id="arrow-taken"
          viewBox="0 0 10 10"
          refX="9"
          refY="5"
          markerWidth="6"
          markerHeight="6"
          orient="auto-start-reverse"
        >
          <path d="M0,0 L10,5 L0,10 z" fill="#0972d3" />
        </marker>
      </defs>
      {layout.edges.map((edge) => (
        <Edge key={edge.id} edge={edge} taken={isTaken(edge, states, taken, ended)} />
      ))}
      {layout.nodes.map((node) => (
        <Node key={node.id} node={node} states={states} selected={selected === node.id} onSelect={onSelect} />
      ))}
    </svg>
  );
};
