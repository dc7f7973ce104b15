import { GetMetricDataCommand, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { useServices } from '../aws';
import { ErrorNote, Panel, StatusBadge } from '../components/common';
import { formatTime } from '../components/format';
import { href, usePolling } from '../hooks';
import { circuitNames, circuitQueries, circuitRows, NAMESPACE } from '../model/circuits';

const REFRESH_MS = 5_000;
const WINDOW_MS = 60 * 60_000;

/** The circuits CloudWatch knows of, and their last hour. */
const useCircuits = () => {
  const { cloudwatch } = useServices();
  return usePolling(
    async () => {
      const { Metrics = [] } = await cloudwatch.send(
        new ListMetricsCommand({ Namespace: NAMESPACE, MetricName: 'CircuitState' }),
      );
      const circuits = circuitNames(Metrics);
      if (circuits.length === 0) return [];
      const end = Date.now();
      const { MetricDataResults = [] } = await cloudwatch.send(
        new GetMetricDataCommand({
          MetricDataQueries: circuitQueries(circuits),
          StartTime: new Date(end - WINDOW_MS),
          EndTime: new Date(end),
        }),
      );
      return circuitRows(circuits, MetricDataResults);
    },
    [],
    { intervalMs: REFRESH_MS },
  );
};

/**
 * The saga's circuit breakers (Billing pay, Warehouse reserve, Delivery book): each one's state as its
 * calls last saw it, with what it refused and how often it changed in the last hour. The CircuitOpen
 * alarm and the dashboard's Circuits graph read the same metrics.
 */
export const CircuitsView = () => {
  const { data, error, loading } = useCircuits();
  return (
    <Panel
      title="Circuits"
      actions={
        <>
          <a href={href('alarms')}>CircuitOpen alarm</a> · <a href={href('dashboard')}>Dashboard</a>
        </>
      }
    >
      <ErrorNote error={error} />
      <p class="muted">
        Each call from the saga to Billing, Warehouse or Delivery goes through its circuit. After N infrastructure
        failures in a row the circuit opens: calls fail at once with <code>CircuitOpen</code> and the order is cancelled
        with <code>SERVICE_UNAVAILABLE</code>; after T one probe tests the service, and K successes close it. The state
        is the worst a call saw in the last minute it was reported.
      </p>
      {data && data.length === 0 && (
        <p class="muted">No circuit has reported yet: place an order, and its steps report theirs.</p>
      )}
      {loading && !data && <p class="muted">Loading…</p>}
      {data && data.length > 0 && (
        <table class="table" aria-label="Circuits">
          <thead>
            <tr>
              <th>Circuit</th>
              <th>State</th>
              <th>Last reported</th>
              <th>Refused (1 h)</th>
              <th>Transitions (1 h)</th>
            </tr>
          </thead>
          <tbody>
            {data.map((row) => (
              <tr key={row.circuit} data-circuit={row.circuit}>
                <td>{row.circuit}</td>
                <td>
                  {row.state ? <StatusBadge status={row.state} /> : <span class="muted">not in the last hour</span>}
                </td>
                <td>{row.seenAt ? formatTime(row.seenAt) : '–'}</td>
                <td>{row.refused}</td>
                <td>{row.transitions}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
};
