import type { StateChange } from './alarm-status';
import { alertWindow } from './notifications';

/** How a state change is forwarded: attempts, the first backoff (doubled each time), each attempt's timeout. */
export interface WebhookOptions {
  attempts?: number;
  backoffMs?: number;
  timeoutMs?: number;
  /** The console's URL (`http://localhost:8000/console/`), once it is served: the links point at it. */
  consoleUrl?: () => string | undefined;
  log?: (message: string) => void;
}

/** Changes waiting to be sent: past this, the oldest is dropped (and logged). */
const QUEUE_LIMIT = 200;

const EMOJI: Record<string, string> = { ALARM: ':rotating_light:', OK: ':white_check_mark:' };

/** The console's links for a change: the dashboard and the executions over the alert's window. */
export const alertLinks = (change: StateChange, consoleUrl: string | undefined) => {
  if (!consoleUrl) return undefined;
  const { start, end } = alertWindow(change);
  const window = `window=${start}..${end}`;
  const base = consoleUrl.replace(/#.*$/, '');
  return { dashboard: `${base}#/dashboard/${window}`, executions: `${base}#/executions/${window}` };
};

/**
 * A Slack incoming-webhook body for a state change: `text` (the notification's fallback) and blocks
 * with the alarm's name, the change, its reason and the console's links.
 */
export const slackBody = (change: StateChange, consoleUrl?: string) => {
  const { status, previous, at } = change;
  const name = status.spec.name;
  const emoji = EMOJI[status.state] ?? ':grey_question:';
  const links = alertLinks(change, consoleUrl);
  const text = `${emoji} ${status.state}: ${name} (${previous.state} → ${status.state})`;
  return {
    text,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: `${status.state}: ${name}`.slice(0, 150) } },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `*${name}* went from *${previous.state}* to *${status.state}*\n>${status.reason || '(no reason)'}`.slice(
            0,
            3000,
          ),
        },
      },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: `${new Date(at).toISOString()}${status.spec.description ? ` · ${status.spec.description}` : ''}`.slice(
              0,
              3000,
            ),
          },
        ],
      },
      ...(links
        ? [
            {
              type: 'actions',
              elements: [
                { type: 'button', text: { type: 'plain_text', text: 'Dashboard' }, url: links.dashboard },
                {
                  type: 'button',
                  text: { type: 'plain_text', text: 'Executions in this window' },
                  url: links.executions,
                },
              ],
            },
          ]
        : []),
    ],
  };
};

/** The first evaluation of a new alarm (INSUFFICIENT_DATA → OK): not worth a message to a person. */
const isFirstOk = (change: StateChange) =>
  change.previous.state === 'INSUFFICIENT_DATA' &&
  change.status.state === 'OK' &&
  change.previous.reason.startsWith('Unchecked:');

/**
 * `--alert-webhook URL`: each alarm state change (but a new alarm's first OK) POSTed as a Slack
 * body, one at a time in order, each retried with a doubling backoff. It never blocks the cloud and
 * never throws: a change that cannot be sent is logged and dropped.
 */
export class AlertWebhook {
  private readonly queue: StateChange[] = [];
  private sending?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly url: string,
    private readonly options: WebhookOptions = {},
  ) {}

  send(change: StateChange): void {
    if (this.stopped || isFirstOk(change)) return;
    this.queue.push(change);
    if (this.queue.length > QUEUE_LIMIT) {
      const dropped = this.queue.shift()!;
      this.options.log?.(`alert webhook: queue full, dropped the change of ${dropped.status.spec.name}`);
    }
    this.sending ??= this.drain().finally(() => (this.sending = undefined));
  }

  private async drain() {
    while (this.queue.length > 0 && !this.stopped) await this.deliver(this.queue.shift()!);
  }

  private async deliver(change: StateChange) {
    const { attempts = 4, backoffMs = 500, timeoutMs = 5000 } = this.options;
    const body = JSON.stringify(slackBody(change, this.options.consoleUrl?.()));
    let failure = '';
    for (let attempt = 1; attempt <= attempts && !this.stopped; attempt++) {
      try {
        const response = await fetch(this.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
        await response.arrayBuffer().catch(() => undefined);
        if (response.ok) return;
        failure = `HTTP ${response.status}`;
      } catch (error) {
        failure = (error as Error).message;
      }
      if (attempt < attempts) await wait(backoffMs * 2 ** (attempt - 1));
    }
    this.options.log?.(
      `alert webhook: the change of ${change.status.spec.name} to ${change.status.state} was not delivered (${failure})`,
    );
  }

  /** Stops sending; what is under way ends at its next attempt. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.sending;
  }
}

const wait = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms).unref();
  });
