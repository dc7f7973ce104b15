import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { describeError } from '../aws';
import { download } from '../download';
import { type AslDefinition, buildGraph } from '../model/definition';
import { type ExecutionStates, STATE_STATUSES } from '../model/history';
import { GraphSvg, type ViewBox } from './graph-svg';
import { type GraphLayout, layoutGraph } from './layout';
import { STATUS_COLOURS, STATUS_LABELS } from './style';

interface GraphViewProps {
  definition: AslDefinition;
  states: ExecutionStates;
  ended: boolean;
  selected?: string;
  onSelect: (state: string) => void;
  /** The exported file's name, without `.svg`. */
  name: string;
}

const ZOOM_STEP = 1.25;

const fit = (layout: GraphLayout): ViewBox => ({
  x: 0,
  y: 0,
  width: Math.max(layout.width, 1),
  height: Math.max(layout.height, 1),
});

const zoom = (box: ViewBox, factor: number): ViewBox => {
  const width = box.width / factor;
  const height = box.height / factor;
  return { x: box.x + (box.width - width) / 2, y: box.y + (box.height - height) / 2, width, height };
};

/** Saves the graph as it is drawn (its stylesheet inside), at its full extent. */
const exportSvg = (svg: SVGSVGElement, layout: GraphLayout, name: string) => {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.setAttribute('viewBox', `0 0 ${layout.width} ${layout.height}`);
  copy.setAttribute('width', String(layout.width));
  copy.setAttribute('height', String(layout.height));
  download(`${name}.svg`, new XMLSerializer().serializeToString(copy), 'image/svg+xml');
};

const Legend = () => (
  <ul class="legend" aria-label="Legend">
    {STATE_STATUSES.map((status) => (
      <li key={status}>
        <span
          class="swatch"
          style={{ background: STATUS_COLOURS[status].fill, borderColor: STATUS_COLOURS[status].stroke }}
        />
        {STATUS_LABELS[status]}
      </li>
    ))}
    <li>
      <span class="swatch-line catch" /> Catch
    </li>
  </ul>
);

/** Drag to pan: moves the view box by the pointer's travel, in graph units. */
const usePan = (box: ViewBox | undefined, setBox: (box: ViewBox) => void) => {
  const drag = useRef<{ x: number; y: number; box: ViewBox; scale: number } | undefined>(undefined);
  return {
    onPointerDown: (event: PointerEvent) => {
      if (!box || (event.target as Element).closest('.node[data-state]')) return;
      const rect = (event.currentTarget as HTMLElement).getBoundingClientRect();
      drag.current = {
        x: event.clientX,
        y: event.clientY,
        box,
        scale: Math.max(box.width / rect.width, box.height / rect.height),
      };
    },
    onPointerMove: (event: PointerEvent) => {
      const start = drag.current;
      if (!start || event.buttons === 0) return;
      setBox({
        ...start.box,
        x: start.box.x - (event.clientX - start.x) * start.scale,
        y: start.box.y - (event.clientY - start.y) * start.scale,
      });
    },
    onPointerUp: () => (drag.current = undefined),
  };
};

/** The graph laid out by elk, with zoom, fit, pan and export to SVG. */
export const GraphView = ({ definition, states, ended, selected, onSelect, name }: GraphViewProps) => {
  const graph = useMemo(() => buildGraph(definition), [definition]);
  const [layout, setLayout] = useState<GraphLayout>();
  const [error, setError] = useState<unknown>();
  const [box, setBox] = useState<ViewBox>();
  const svgRef = useRef<SVGSVGElement>(null);
  useEffect(() => {
    layoutGraph(graph).then((laid) => {
      setLayout(laid);
      setBox(fit(laid));
    }, setError);
  }, [graph]);
  const pan = usePan(box, setBox);
  if (error)
    return (
      <p class="error" role="alert">
        The graph could not be laid out: {describeError(error)}
      </p>
    );
  if (!layout || !box) return <p class="muted">Laying out the graph…</p>;
  const onWheel = (event: WheelEvent) => {
    event.preventDefault();
    setBox(zoom(box, event.deltaY < 0 ? 1.1 : 1 / 1.1));
  };
  return (
    <div class="graph">
      <div class="toolbar" role="toolbar" aria-label="Graph">
        <button type="button" onClick={() => setBox(zoom(box, ZOOM_STEP))} aria-label="Zoom in">
          +
        </button>
        <button type="button" onClick={() => setBox(zoom(box, 1 / ZOOM_STEP))} aria-label="Zoom out">
          -
        </button>
        <button type="button" onClick={() => setBox(fit(layout))}>
          Fit
        </button>
        <button type="button" onClick={() => svgRef.current && exportSvg(svgRef.current, layout, name)}>
          Export SVG
        </button>
        <Legend />
      </div>
      <div class="graph-canvas" onWheel={onWheel} {...pan}>
        <GraphSvg
          layout={layout}
          states={states}
          ended={ended}
          selected={selected}
          onSelect={onSelect}
          viewBox={box}
          svgRef={svgRef}
        />
      </div>
    </div>
  );
};
