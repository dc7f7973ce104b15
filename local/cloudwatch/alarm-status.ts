import type { AlarmState } from './evaluation';
import type { AlarmSpec, CompositeAlarmSpec } from './specs';

// The alarms' state and history, as alarms.ts keeps them and DescribeAlarms, DescribeAlarmHistory and
// the alarm actions read them.

/** What every alarm's state holds, as DescribeAlarms tells it. */
interface StatusBase {
  state: AlarmState;
  reason: string;
  reasonData?: string;
  updated: number;
  transitioned: number;
  configured: number;
}

/** A metric alarm's state. */
export interface AlarmStatus extends StatusBase {
  spec: AlarmSpec;
}

/** A composite alarm's state, with the children whose states made it (TriggeringChildren). */
export interface CompositeStatus extends StatusBase {
  spec: CompositeAlarmSpec;
  triggering: { arn: string; state: AlarmState; timestamp: number }[];
}

export type AnyAlarmStatus = AlarmStatus | CompositeStatus;

export const isComposite = (status: AnyAlarmStatus): status is CompositeStatus => 'rule' in status.spec;

export interface HistoryItem {
  AlarmName: string;
  AlarmType: 'MetricAlarm' | 'CompositeAlarm';
  Timestamp: number;
  HistoryItemType: 'StateUpdate' | 'ConfigurationUpdate' | 'Action';
  HistorySummary: string;
  HistoryData: string;
}

/** One change of an alarm's state: the alarm as it is now, and what it was. */
export interface StateChange {
  status: AnyAlarmStatus;
  previous: { state: AlarmState; reason: string };
  at: number;
}

/** A time as CloudWatch writes it in reason data and notifications: `2026-12-02T14:30:00.000+0000`. */
export const iso = (ms: number): string => new Date(ms).toISOString().replace('Z', '+0000');
