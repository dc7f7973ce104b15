import type { HistoryItem, StateChange } from './alarm-status';
import { isComposite } from './alarm-status';
import { alarmNotification } from './notifications';
import { actionsFor } from './specs';

/** How an action reaches SNS: the local SNS service's publish. */
export type Publish = (input: { TopicArn: string; Subject: string; Message: string }) => Promise<{ MessageId: string }>;

/** Changes that come before SNS is wired (CloudWatch starts first) wait, this many at most. */
const PENDING_LIMIT = 500;

/**
 * The alarm actions: when an alarm whose actions are enabled changes state, the notification
 * CloudWatch sends (notifications.ts) is published to each SNS topic among the actions of its new
 * state (AlarmActions, OKActions or InsufficientDataActions). Each outcome is an `Action` item of the
 * alarm's history, as CloudWatch records it. Actions that are not SNS topics are logged, not run.
 */
export class AlarmActions {
  private publish?: Publish;
  private readonly pending: StateChange[] = [];
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly options: {
      accountId: string;
      region: string;
      record: (item: HistoryItem) => void;
      log?: (message: string) => void;
    },
  ) {}

  /** Wires SNS; the changes made meanwhile are acted on now. */
  publishWith(publish: Publish): void {
    this.publish = publish;
    for (const change of this.pending.splice(0)) this.act(change);
  }

  /** Acts on one change (never throws: a failed action is recorded and logged). */
  act(change: StateChange): void {
    const { status } = change;
    if (!status.spec.actionsEnabled) return;
    const targets = actionsFor(status.spec.properties, status.state);
    if (targets.length === 0) return;
    if (!this.publish) {
      if (this.pending.length < PENDING_LIMIT) this.pending.push(change);
      return;
    }
    const { subject, message } = alarmNotification(change, this.options);
    for (const arn of targets) {
      const done = this.run(change, arn, subject, JSON.stringify(message)).finally(() => this.running.delete(done));
      this.running.add(done);
    }
  }

  private async run(change: StateChange, arn: string, subject: string, message: string) {
    const { status } = change;
    const item = (summary: string, data: object): HistoryItem => ({
      AlarmName: status.spec.name,
      AlarmType: isComposite(status) ? 'CompositeAlarm' : 'MetricAlarm',
      Timestamp: Date.now(),
      HistoryItemType: 'Action',
      HistorySummary: summary,
      HistoryData: JSON.stringify({ stateUpdateTimestamp: change.at, notificationResource: arn, ...data }),
    });
    if (!/^arn:aws[a-z-]*:sns:/.test(arn)) {
      this.options.log?.(`alarm ${status.spec.name}: action ${arn} is not run locally (SNS topics only)`);
      return;
    }
    try {
      const { MessageId } = await this.publish!({ TopicArn: arn, Subject: subject, Message: message });
      this.options.record(
        item(`Successfully executed action ${arn}`, {
          actionState: 'Succeeded',
          publishedMessage: { messageId: MessageId },
        }),
      );
    } catch (error) {
      const reason = (error as Error).message;
      this.options.record(
        item(`Failed to execute action ${arn}. Received error: "${reason}"`, { actionState: 'Failed', error: reason }),
      );
      this.options.log?.(`alarm ${status.spec.name}: action ${arn} failed (${reason})`);
    }
  }

  /** Waits for the actions under way (a stop lets them finish). */
  async settle(): Promise<void> {
    await Promise.all([...this.running]);
  }
}
