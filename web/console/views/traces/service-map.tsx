import { useEffect, useMemo, useState } from 'preact/hooks';
import { useServices } from '../../aws';
import { ErrorNote, Panel } from '../../components/common';
import { formatDuration } from '../../components/format';
import { layoutServiceMap, type PlacedService, type ServiceLayout } from '../../graph/service-layout';
import { usePolling } from '../../hooks';
import { buildServiceMap, type Health, healthClass } from '../../model/service-map';
import { serviceGraph } from './load';
import { RecentTraces } from './recent-traces';

export interface MapRange {
  label: string;
  minutes: number;
}

export const MAP_RANGES: MapRange[] = [
  { label: '5 min', minutes: 5 },
  { label: '15 min', minutes: 15 },
  { label: '60 min', minutes: 60 },
];
const REFRESH_MS = 5_000;

const healthText = (health: Health): string =>
  [
    `${health.requests} req`,
    health.averageMs === undefined ? undefined : `avg ${formatDuration(health.averageMs)}`,
    health.errors ? `${health.errors} err` : undefined,
    health.faults ? `${health.faults} fault` : undefined,
    health.throttles ? `${health.throttles} throttled` : undefined,
  ]
    .filter(Boolean)
    .join(' · ');

const shorten = (text: string, most: number) => (text.length > most ? `${text.slice(0, most - 1)}…` : text);

const ServiceBox = ({ node }: { node: PlacedService }) => (
  <g
    class={`service health-${healthClass(node)}`}
    transform={`translate(${node.x},${node.y})`}
    data-service={node.name}
    data-requests={node.requests}
    data-health={healthClass(node)}
  >
    <title>{`${node.name} (${node.type}): ${healthText(node)}`}</title>
    <rect width={node.width} height={node.height} rx={8} />
    <text x={10} y={20} class="service-name">
      {shorten(node.name, 22)}
    </text>
    <text x={10} y={37} class="sub">
      {shorten(node.type, 32)}
    </text>
    <text x={10} y={54} class="sub">
      {healthText(node)}
    </text>
  </g>
);

const MapSvg = ({ layout }: { layout: ServiceLayout }) => (
  <svg
    class="service-map-svg"
    viewBox={`0 0 ${Math.max(layout.width, 1)} ${Math.max(layout.height, 1)}`}
    style={{ maxWidth: `${layout.width}px` }}
    role="img"
    aria-label="Service map"
  >
    <defs>
      <marker id="map-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto">
        <path d="M0,0 L10,5 L0,10 z" fill="#8d99a8" />
      </marker>
    </defs>
    {layout.edges.map((edge) => {
      const mid = edge.points[Math.floor(edge.points.length / 2)];
      return (
        <g key={edge.id} class={`service-edge health-${healthClass(edge)}`} data-from={edge.from} data-to={edge.to}>
          <title>{healthText(edge)}</title>
          <path d={edge.points.map((p, i) => `${i ? 'L' : 'M'}${p.x},${p.y}`).join(' ')} marker-end="url(#map-arrow)" />
          {mid && (
            <text x={mid.x} y={mid.y - 6} text-anchor="middle">
              {edge.requests}
            </text>
          )}
        </g>
      );
    })}
    {layout.nodes.map((node) => (
      <ServiceBox key={node.id} node={node} />
    ))}
  </svg>
);

/** GetServiceGraph over the last `minutes`, laid out by elk, refreshed every few seconds. */
const ServiceMapView = ({ minutes }: { minutes: number }) => {
  const { xray } = useServices();
  const graph = usePolling(
    () => {
      const to = Date.now();
      return serviceGraph(xray, { from: to - minutes * 60_000, to });
    },
    [minutes],
    { intervalMs: REFRESH_MS },
  );
  const [layout, setLayout] = useState<ServiceLayout>();
  const [layoutError, setLayoutError] = useState<unknown>();
  // Laid out again only when the map changed (the graph is read every few seconds).
  const map = useMemo(() => graph.data && buildServiceMap(graph.data), [graph.data]);
  const mapKey = map && JSON.stringify(map);
  useEffect(() => {
    if (!map) return undefined;
    let current = true;
    layoutServiceMap(map).then(
      (laid) => current && setLayout(laid),
      (error: unknown) => current && setLayoutError(error),
    );
    return () => {
      current = false;
    };
  }, [mapKey]);
  return (
    <>
      <ErrorNote error={graph.error ?? layoutError} />
      {graph.data && graph.data.length === 0 && (
        <p class="muted" role="status">
          No services in the last {minutes} min (GetServiceGraph answered none): place an order in the shop.
        </p>
      )}
      {layout && layout.nodes.length > 0 && (
        <div class="service-map">
          <MapSvg layout={layout} />
        </div>
      )}
    </>
  );
};

/** `#/traces`: the service map for a time range, and the recent traces under it. */
export const ServiceMapPage = () => {
  const [range, setRange] = useState(MAP_RANGES[1]!);
  const picker = (
    <div class="segmented" role="radiogroup" aria-label="Time range">
      {MAP_RANGES.map((r) => (
        <button key={r.label} type="button" role="radio" aria-checked={r === range} onClick={() => setRange(r)}>
          {r.label}
        </button>
      ))}
    </div>
  );
  return (
    <>
      <Panel title="Service map" actions={picker}>
        <ServiceMapView minutes={range.minutes} />
      </Panel>
      <Panel title="Recent traces">
        <RecentTraces minutes={range.minutes} />
      </Panel>
    </>
  );
};
