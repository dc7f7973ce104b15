import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import type { ChartData } from '../../model/dashboard';

/** CloudWatch's palette, in its order. */
export const SERIES_COLOURS = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
];

/** A time-series chart drawn by uPlot, resized with its box, redrawn when the data changes. */
export const TimeSeriesChart = ({ chart, title }: { chart: ChartData; title: string }) => {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return undefined;
    const size = () => ({ width: Math.max(element.clientWidth, 200), height: Math.max(element.clientHeight, 80) });
    const options: uPlot.Options = {
      ...size(),
      // The widget draws its own legend, with each series' total over the range.
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: true },
        y: { range: (_u, min, max) => [Math.min(0, min ?? 0), Math.max(1, (max ?? 1) * 1.1)] },
      },
      axes: [
        { stroke: '#5f6b7a', grid: { stroke: '#eef0f2' } },
        { stroke: '#5f6b7a', grid: { stroke: '#eef0f2' }, size: 44 },
      ],
      series: [
        {},
        ...chart.labels.map((label, i) => ({
          label,
          stroke: SERIES_COLOURS[i % SERIES_COLOURS.length],
          width: 2,
          spanGaps: false,
          points: { show: true, size: 4 },
        })),
      ],
    };
    const plot = new uPlot(options, chart.data, element);
    const observer = new ResizeObserver(() => plot.setSize(size()));
    observer.observe(element);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [chart]);
  return <div class="chart" ref={box} role="img" aria-label={`Chart: ${title}`} />;
};
