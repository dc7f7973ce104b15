import type { StateStatus } from '../model/history';

/** The colours of each status, as the AWS console's legend has them: fill, stroke, text. */
export const STATUS_COLOURS: Record<StateStatus, { fill: string; stroke: string; text: string }> = {
  succeeded: { fill: '#e9f6ec', stroke: '#1d8102', text: '#14532d' },
  retried: { fill: '#fdf6d8', stroke: '#b58105', text: '#5c4100' },
  caught: { fill: '#fdefe3', stroke: '#e07000', text: '#7a3300' },
  failed: { fill: '#fde8e7', stroke: '#d13212', text: '#7f1d1d' },
  'in-progress': { fill: '#e6f1fc', stroke: '#0972d3', text: '#0b3d70' },
  'not-reached': { fill: '#ffffff', stroke: '#aab7b8', text: '#5f6b7a' },
};

export const STATUS_LABELS: Record<StateStatus, string> = {
  succeeded: 'Succeeded',
  retried: 'Retried',
  caught: 'Caught error',
  failed: 'Failed',
  'in-progress': 'In progress',
  'not-reached': 'Not reached',
};

/**
 * The graph's own stylesheet, inside the SVG, so that an exported SVG looks the same as on the page.
 */
export const GRAPH_CSS = `
.node rect { stroke-width: 1.5; }
.node text { font: 600 13px system-ui, -apple-system, 'Segoe UI', sans-serif; }
.node .sub { font: 400 11px system-ui, sans-serif; }
.node.selected rect { stroke-width: 3; }
.node.marker rect { fill: #232f3e; stroke: #232f3e; }
.node.marker text { fill: #fff; font-size: 12px; }
.edge path { fill: none; stroke: #8d99a8; stroke-width: 1.3; }
.edge.catch path { stroke: #e07000; stroke-dasharray: 6 4; }
.edge.default path { stroke-dasharray: 2 3; }
.edge.taken path { stroke: #0972d3; stroke-width: 2.6; }
.edge.taken.catch path { stroke: #e07000; }
.edge text { font: 11px system-ui, sans-serif; fill: #5f6b7a; }
.edge.catch text { fill: #b35400; font-style: italic; }
${Object.entries(STATUS_COLOURS)
  .map(
    ([status, c]) =>
      `.node.${status} rect { fill: ${c.fill}; stroke: ${c.stroke}; } .node.${status} text { fill: ${c.text}; }`,
  )
  .join('\n')}
.node.not-reached rect { stroke-dasharray: 4 3; }
`;
