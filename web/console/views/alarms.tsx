import {
  DescribeAlarmHistoryCommand,
  DescribeAlarmsCommand,
  type MetricAlarm,
  type StateValue,
} from '@aws-sdk/client-cloudwatch';
import { useState } from 'preact/hooks';
import { useServices } from '../aws';
import { ErrorNote, Panel, StatusBadge } from '../components/common';
import { formatTime } from '../components/format';
import { usePolling } from '../hooks';

const REFRESH_MS = 5_000;

/** The alarms (metric and composite) with their state, refreshed. */
export const useAlarms = () => {
  const { cloudwatch } = useServices();
  return usePolling(
    async () => {
      const alarms: {
        name: string;
        state?: StateValue;
        reason?: string;
        updated?: Date;
        description?: string;
        metric?: MetricAlarm;
        rule?: string;
        arn?: string;
      }[] = [];
      let NextToken: string | undefined;
      do {
        const page = await cloudwatch.send(
          new DescribeAlarmsCommand({ AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], NextToken }),
        );
        for (const alarm of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
          alarms.push({
            name: alarm.AlarmName ?? '',
            state: alarm.StateValue,
            reason: alarm.StateReason,
            updated: alarm.StateUpdatedTimestamp,
            description: alarm.AlarmDescription,
            metric: 'MetricName' in alarm || 'Metrics' in alarm ? alarm : undefined,
            rule: 'AlarmRule' in alarm ? alarm.AlarmRule : undefined,
            arn: alarm.AlarmArn,
          });
        }
        NextToken = page.NextToken;
      } while (NextToken);
      return alarms;
    },
    [],
    { intervalMs: REFRESH_MS },
  );
};

const OPERATORS: Record<string, string> = {
  GreaterThanThreshold: '>',
  GreaterThanOrEqualToThreshold: '>=',
  LessThanThreshold: '<',
  LessThanOrEqualToThreshold: '<=',
};

/** What an alarm watches, in CloudWatch's words: `CompensationFailures > 0 for 1 datapoints within 5 minutes`. */
const condition = (alarm: MetricAlarm | undefined): string => {
  if (!alarm) return 'composite';
  const what = alarm.MetricName ?? alarm.Metrics?.find((m) => m.ReturnData !== false)?.Label ?? 'expression';
  const operator = OPERATORS[alarm.ComparisonOperator ?? ''] ?? alarm.ComparisonOperator;
  const period = alarm.Period ?? alarm.Metrics?.find((m) => m.MetricStat)?.MetricStat?.Period ?? 60;
  return `${what} ${operator} ${alarm.Threshold} for ${alarm.DatapointsToAlarm ?? alarm.EvaluationPeriods} of ${alarm.EvaluationPeriods} datapoints of ${period / 60} min; missing data: ${alarm.TreatMissingData ?? 'missing'}`;
};

/** A composite's rule with its children's ARNs shortened to their names. */
const shortRule = (rule: string) => rule.replace(/"?arn:aws[^:]*:cloudwatch:[^:]*:\d*:alarm:([^")\s]+)"?/g, '$1');

const AlarmHistory = ({ name }: { name: string }) => {
  const { cloudwatch } = useServices();
  const history = usePolling(
    () =>
      cloudwatch.send(
        new DescribeAlarmHistoryCommand({
          AlarmName: name,
          AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
          MaxRecords: 20,
          ScanBy: 'TimestampDescending',
        }),
      ),
    [name],
    { intervalMs: REFRESH_MS },
  );
  return (
    <div class="alarm-history" aria-label={`History of ${name}`}>
      <ErrorNote error={history.error} />
      <ol>
        {(history.data?.AlarmHistoryItems ?? []).map((item, i) => (
          <li key={i}>
            <span class="muted">{formatTime(item.Timestamp)}</span>{' '}
            <span class="muted small">{item.HistoryItemType}</span> {item.HistorySummary}
          </li>
        ))}
        {history.data?.AlarmHistoryItems?.length === 0 && <li class="muted">No history yet.</li>}
      </ol>
    </div>
  );
};

/** The alarms page: each alarm with its state (coloured), reason, condition and history. */
export const AlarmsView = () => {
  const alarms = useAlarms();
  const [open, setOpen] = useState<string>();
  return (
    <Panel title="Alarms">
      <ErrorNote error={alarms.error} />
      <table class="table" aria-label="Alarms">
        <thead>
          <tr>
            <th>Name</th>
            <th>State</th>
            <th>Last change</th>
            <th>Condition</th>
            <th>Reason</th>
          </tr>
        </thead>
        <tbody>
          {(alarms.data ?? []).flatMap((alarm) => [
            <tr key={alarm.name} data-alarm={alarm.name} data-state={alarm.state}>
              <td>
                <button
                  type="button"
                  class="link"
                  aria-expanded={open === alarm.name}
                  onClick={() => setOpen(open === alarm.name ? undefined : alarm.name)}
                >
                  {alarm.name}
                </button>
                {alarm.description && <div class="muted small">{alarm.description}</div>}
              </td>
              <td>
                <StatusBadge status={alarm.state} />
              </td>
              <td>{formatTime(alarm.updated)}</td>
              <td class="small">{alarm.rule ? `composite: ${shortRule(alarm.rule)}` : condition(alarm.metric)}</td>
              <td class="small reason">{alarm.reason}</td>
            </tr>,
            open === alarm.name && (
              <tr key={`${alarm.name}-history`} class="history-row">
                <td colSpan={5}>
                  <AlarmHistory name={alarm.name} />
                </td>
              </tr>
            ),
          ])}
          {alarms.data?.length === 0 && (
            <tr>
              <td colSpan={5} class="muted">
                No alarms.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </Panel>
  );
};

/** The alarms' states in a strip, as the dashboard shows them above its widgets (or an alarm widget, its alarms by ARN). */
export const AlarmStrip = ({ arns }: { arns?: string[] }) => {
  const alarms = useAlarms();
  const shown = (alarms.data ?? []).filter((alarm) => !arns || arns.includes(alarm.arn ?? ''));
  return (
    <div class="alarm-strip" role="list" aria-label={arns ? 'Alarm widget' : 'Alarm status'}>
      {shown.map((alarm) => (
        <a
          key={alarm.name}
          role="listitem"
          class={`alarm-chip ${(alarm.state ?? '').toLowerCase()}`}
          href="#/alarms"
          data-alarm={alarm.name}
          data-state={alarm.state}
          title={alarm.reason}
        >
          <span class="dot" /> {alarm.name.replace(/^.*?-(?=[A-Z])/, '')}{' '}
          <strong>{alarm.state?.replace('_', ' ')}</strong>
        </a>
      ))}
      <ErrorNote error={alarms.error} />
    </div>
  );
};
