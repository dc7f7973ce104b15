import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { describeError } from '../aws';
import { type AslDefinition, buildGraph } from '../model/definition';
import { type ExecutionStates, STATE_STATUSES } from '../model/history';
import { exportPng, exportSvg } from './export';
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

/**
 * The whole graph in view, centred, at most at its natural size: a small graph is not blown up to
 * fill the canvas (`canvas` is the canvas's size in pixels, when it is known).
 */
export const fit = (layout: GraphLayout, canvas?: { width: number; height: number }): ViewBox => {
  const width = Math.max(layout.width, canvas?.width ?? 0, 1);
  const height = Math.max(layout.height, canvas?.height ?? 0, 1);
  // The view box keeps the canvas's aspect when the graph is smaller than it in both directions.
  return { x: (layout.width - width) / 2, y: (layout.height - height) / 2, width, height };
};

const zoom = (box: ViewBox, factor: number): ViewBox => {
  const width = box.width / factor;
  const height = box.height / factor;
  return { x: box.x + (box.width - width) / 2, y: box.y + (box.height - height) / 2, width, height };
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

/** The view box moved so that a node it does not show whole is at its centre (the size kept). */
export const reveal = (box: ViewBox, node: { x: number; y: number; width: number; height: number }): ViewBox => {
  const inside =
    node.x >= box.x &&
    node.y >= box.y &&
    node.x + node.width <= box.x + box.width &&
    node.y + node.height <= box.y + box.height;
  if (inside) return box;
  return { ...box, x: node.x + node.width / 2 - box.width / 2, y: node.y + node.height / 2 - box.height / 2 };
};

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
  const [exportError, setExportError] = useState<unknown>();
  const svgRef = useRef<SVGSVGElement>(null);
  const canvasRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    layoutGraph(graph).then((laid) => {
      setLayout(laid);
      setBox(fit(laid, canvasRef.current?.getBoundingClientRect()));
    }, setError);
  }, [graph]);
  const pan = usePan(box, setBox);
  // Fitted again once the canvas is there to measure (it is drawn with the first layout).
  useEffect(() => {
    if (layout) setBox(fit(layout, canvasRef.current?.getBoundingClientRect()));
  }, [layout]);
  // A state selected elsewhere (the table, the failure banner) is brought into view.
  useEffect(() => {
    const node = selected ? layout?.nodes.find((n) => n.id === selected) : undefined;
    if (node) setBox((before) => before && reveal(before, node));
  }, [selected, layout]);
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
        <button type="button" onClick={() => setBox(fit(layout, canvasRef.current?.getBoundingClientRect()))}>
          Fit
        </button>
        <button type="button" onClick={() => svgRef.current && exportSvg(svgRef.current, layout, name)}>
          Export SVG
        </button>
        <button
          type="button"
          onClick={() => {
            if (svgRef.current) void exportPng(svgRef.current, layout, name).catch(setExportError);
          }}
        >
          Export PNG
        </button>
        <Legend />
      </div>
      {exportError !== undefined && (
        <p class="error" role="alert">
          The PNG could not be made: {describeError(exportError)}
        </p>
      )}
      <div class="graph-canvas" ref={canvasRef} onWheel={onWheel} {...pan}>
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
