import { GetDashboardCommand, ListDashboardsCommand } from '@aws-sdk/client-cloudwatch';
import { useState } from 'preact/hooks';
import { useServices } from '../../aws';
import { ErrorNote, Panel } from '../../components/common';
import { usePolling } from '../../hooks';
import { parseDashboard } from '../../model/dashboard';
import type { TimeWindow } from '../../model/window';
import { AlarmStrip } from '../alarms';
import { type TimeRange, WidgetView } from './widget';

export const TIME_RANGES: TimeRange[] = [
  { label: '5 min', ms: 5 * 60_000 },
  { label: '1 h', ms: 60 * 60_000 },
  { label: '3 h', ms: 3 * 60 * 60_000 },
];
const REFRESH_MS = 5_000;

/**
 * The dashboard drawn from its own body (ListDashboards, GetDashboard): its widgets on the 24-column
 * grid, each reading GetMetricData over the chosen range, refreshed live; the alarms' states above.
 */
export const DashboardView = ({ window }: { window?: TimeWindow }) => {
  const { cloudwatch, config } = useServices();
  const [chosen, setChosen] = useState<string>();
  // An alert's window, fixed, until another range is chosen.
  const [range, setRange] = useState<TimeRange>(
    window ? { label: 'alert window', ms: window.end - window.start, end: window.end } : TIME_RANGES[1]!,
  );
  const [live, setLive] = useState(!window);
  const list = usePolling(() => cloudwatch.send(new ListDashboardsCommand({})), []);
  const names = (list.data?.DashboardEntries ?? []).map((entry) => entry.DashboardName ?? '');
  const name = chosen ?? (names.includes(config.dashboardName) ? config.dashboardName : names[0]);
  const dashboard = usePolling(
    async () =>
      name
        ? parseDashboard(
            (await cloudwatch.send(new GetDashboardCommand({ DashboardName: name }))).DashboardBody ?? '{}',
          )
        : undefined,
    [name],
  );
  const actions = (
    <>
      {names.length > 1 && (
        <select aria-label="Dashboard" value={name} onChange={(e) => setChosen(e.currentTarget.value)}>
          {names.map((n) => (
            <option key={n}>{n}</option>
          ))}
        </select>
      )}
      <div class="segmented" role="radiogroup" aria-label="Time range">
        {TIME_RANGES.map((r) => (
          <button
            key={r.label}
            type="button"
            role="radio"
            aria-checked={r.ms === range.ms && !range.end}
            onClick={() => setRange(r)}
          >
            {r.label}
          </button>
        ))}
      </div>
      <label class="inline">
        <input type="checkbox" checked={live} onChange={(e) => setLive(e.currentTarget.checked)} /> Live
      </label>
    </>
  );
  return (
    <Panel title={`Dashboard${name ? `: ${name}` : ''}`} label="Dashboard" actions={actions}>
      {range.end !== undefined && (
        <p class="muted small" data-window={`${range.end - range.ms}..${range.end}`}>
          From {new Date(range.end - range.ms).toLocaleString()} to {new Date(range.end).toLocaleString()} (an
          alert&apos;s window)
        </p>
      )}
      <AlarmStrip />
      <ErrorNote error={list.error ?? dashboard.error} />
      {list.data && names.length === 0 && <p class="muted">No dashboards (ListDashboards answered none).</p>}
      <div class="dashboard-grid">
        {(dashboard.data ?? []).map((widget, i) => (
          <WidgetView key={`${name}-${i}`} widget={widget} range={range} refreshMs={live ? REFRESH_MS : 0} />
        ))}
      </div>
    </Panel>
  );
};
