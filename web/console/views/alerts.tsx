import { type AlarmHistoryItem, DescribeAlarmHistoryCommand } from '@aws-sdk/client-cloudwatch';
import { useState } from 'preact/hooks';
import { useServices } from '../aws';
import { ErrorNote, Panel, StatusBadge } from '../components/common';
import { formatTime } from '../components/format';
import { href, usePolling } from '../hooks';
import { windowArg, windowAround } from '../model/window';

const REFRESH_MS = 5_000;
const PAGES = 5;
const READ_KEY = 'shop-console-alerts-read';

/** One state change of an alarm, from its StateUpdate history item. */
export interface Alert {
  id: string;
  alarm: string;
  type: string;
  at: Date;
  from?: string;
  to?: string;
  reason?: string;
}

const alertOf = (item: AlarmHistoryItem): Alert => {
  let data: {
    oldState?: { stateValue?: string; stateReason?: string };
    newState?: { stateValue?: string; stateReason?: string };
  } = {};
  try {
    data = JSON.parse(item.HistoryData ?? '{}') as typeof data;
  } catch {
    // A history item whose data is not JSON still shows with its summary.
  }
  const at = item.Timestamp ?? new Date(0);
  return {
    id: `${item.AlarmName ?? ''}@${at.getTime()}`,
    alarm: item.AlarmName ?? '',
    type: item.AlarmType ?? 'MetricAlarm',
    at,
    from: data.oldState?.stateValue,
    to: data.newState?.stateValue,
    reason: data.newState?.stateReason ?? item.HistorySummary,
  };
};

/** A new alarm's first evaluation (INSUFFICIENT_DATA → OK): not an alert. */
const isFirstOk = (item: AlarmHistoryItem) => {
  const alert = alertOf(item);
  return alert.from === 'INSUFFICIENT_DATA' && alert.to === 'OK' && /Unchecked/.test(item.HistoryData ?? '');
};

const readIds = (): Set<string> => {
  try {
    return new Set(JSON.parse(localStorage.getItem(READ_KEY) ?? '[]') as string[]);
  } catch {
    return new Set();
  }
};

/** Which alerts were read, kept in the browser (the newest 1,000). */
const useRead = () => {
  const [read, setRead] = useState(readIds);
  const mark = (ids: string[]) => {
    const next = new Set([...read, ...ids]);
    localStorage.setItem(READ_KEY, JSON.stringify([...next].slice(-1000)));
    setRead(next);
  };
  return { read, mark };
};

/** The alarms' state changes, newest first: DescribeAlarmHistory's StateUpdate items of both alarm types, a few pages. */
export const useAlerts = () => {
  const { cloudwatch } = useServices();
  return usePolling(
    async () => {
      const items: AlarmHistoryItem[] = [];
      let NextToken: string | undefined;
      for (let page = 0; page < PAGES; page++) {
        const answer = await cloudwatch.send(
          new DescribeAlarmHistoryCommand({
            HistoryItemType: 'StateUpdate',
            AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
            ScanBy: 'TimestampDescending',
            MaxRecords: 100,
            NextToken,
          }),
        );
        items.push(...(answer.AlarmHistoryItems ?? []));
        NextToken = answer.NextToken;
        if (!NextToken) break;
      }
      return items.filter((item) => !isFirstOk(item)).map(alertOf);
    },
    [],
    { intervalMs: REFRESH_MS },
  );
};

const AlertRow = ({ alert, unread, onRead }: { alert: Alert; unread: boolean; onRead: () => void }) => {
  const window = windowArg(windowAround(alert.at.getTime()));
  return (
    <li
      class={`alert-item ${unread ? 'unread' : 'read'} ${(alert.to ?? '').toLowerCase()}`}
      data-alarm={alert.alarm}
      data-state={alert.to}
      data-unread={unread ? 'true' : 'false'}
    >
      <div class="alert-head">
        <StatusBadge status={alert.to} />
        <strong class="alert-name">{alert.alarm}</strong>
        {alert.type === 'CompositeAlarm' && <span class="muted small"> composite</span>}
        <span class="muted small">
          {' '}
          {alert.from} → {alert.to} · {formatTime(alert.at)}
        </span>
      </div>
      <p class="small reason">{alert.reason}</p>
      <div class="alert-links">
        <a href={href('dashboard', window)}>Dashboard at that time</a>
        <a href={href('executions', window)}>Executions in that window</a>
        {unread && (
          <button type="button" class="link" onClick={onRead}>
            Mark read
          </button>
        )}
      </div>
    </li>
  );
};

/** The Alerts inbox: every alarm state change (but a new alarm's first OK), newest first, unread ones marked. */
export const AlertsView = () => {
  const alerts = useAlerts();
  const { read, mark } = useRead();
  const [onlyUnread, setOnlyUnread] = useState(false);
  const all = alerts.data ?? [];
  const unread = all.filter((a) => !read.has(a.id));
  const shown = onlyUnread ? unread : all;
  const actions = (
    <>
      <label class="inline">
        <input type="checkbox" checked={onlyUnread} onChange={(e) => setOnlyUnread(e.currentTarget.checked)} /> Unread
        only
      </label>
      <button type="button" disabled={unread.length === 0} onClick={() => mark(unread.map((a) => a.id))}>
        Mark all read
      </button>
    </>
  );
  return (
    <Panel title={`Alerts (${unread.length} unread)`} label="Alerts" actions={actions}>
      <ErrorNote error={alerts.error} />
      <ol class="alerts" aria-label="Alerts">
        {shown.map((alert) => (
          <AlertRow key={alert.id} alert={alert} unread={!read.has(alert.id)} onRead={() => mark([alert.id])} />
        ))}
        {alerts.data && shown.length === 0 && <li class="muted">No alerts{onlyUnread ? ' unread' : ''}.</li>}
      </ol>
    </Panel>
  );
};
