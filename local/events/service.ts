import { randomUUID } from 'node:crypto';
import type { LambdaQueue } from '../lambda/async';
import { matchesPattern } from './patterns';
import { ratePeriodMs, type RuleSpec, type RuleTarget } from './specs';
import { parseTraceHeader } from '../xray/spans';
import { serviceResource, type Tracer } from '../xray/tracer';

export { matchesPattern };

/** An event on the default bus, as EventBridge delivers it. */
export interface BusEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

/** What a target gets: its constant Input, the part of the event its InputPath names, or the event. */
const inputFor = (target: RuleTarget, event: BusEvent): unknown => {
  if (target.input !== undefined) return JSON.parse(target.input) as unknown;
  if (target.inputPath !== undefined) {
    return target.inputPath
      .replace(/^\$\.?/, '')
      .split('.')
      .filter(Boolean)
      .reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], event);
  }
  return event;
};

/**
 * EventBridge's default bus, as far as the template's rules go: a `rate(…)` schedule fires its rule
 * every period, an event put on the bus fires each rule whose pattern matches it, and each target (a
 * Lambda function) gets its input as an asynchronous invocation (durable, retried: lambda/async.ts).
 * `cron(…)` schedules are not run (the local cloud says so at start).
 */
export class EventsService {
  private readonly timers: NodeJS.Timeout[] = [];
  /** A delivery span per rule target of an event that carries a trace; none: its header only passes on. */
  tracer?: Tracer;

  constructor(
    readonly rules: RuleSpec[],
    private readonly queue: LambdaQueue,
    readonly account: { region: string; accountId: string },
    private readonly log: (message: string) => void = () => undefined,
    /** How long a minute of a schedule lasts (60 000 ms, less in tests). */
    private readonly minuteMs = 60_000,
  ) {}

  /** Starts the schedules; answers the rules it cannot run. */
  start(): string[] {
    const unsupported: string[] = [];
    for (const rule of this.rules) {
      if (!rule.enabled || !rule.scheduleExpression) continue;
      const period = ratePeriodMs(rule.scheduleExpression);
      if (period === undefined) {
        unsupported.push(`${rule.name}: ${rule.scheduleExpression}`);
        continue;
      }
      const timer = setInterval(() => this.fire(rule, this.scheduledEvent(rule)), (period / 60_000) * this.minuteMs);
      timer.unref();
      this.timers.push(timer);
    }
    return unsupported;
  }

  private scheduledEvent(rule: RuleSpec): BusEvent {
    return this.event('aws.events', 'Scheduled Event', {}, [rule.arn]);
  }

  /** An event in EventBridge's envelope. */
  event(source: string, detailType: string, detail: Record<string, unknown>, resources: string[] = []): BusEvent {
    return {
      version: '0',
      id: randomUUID(),
      'detail-type': detailType,
      source,
      account: this.account.accountId,
      time: new Date().toISOString(),
      region: this.account.region,
      resources,
      detail,
    };
  }

  /**
   * Puts an event on the bus: every enabled rule whose pattern matches fires. `traceHeader` is the
   * event's X-Ray trace (PutEvents' `TraceHeader`, a status change's execution), which its targets continue.
   */
  put(event: BusEvent, traceHeader?: string): number {
    let fired = 0;
    for (const rule of this.rules) {
      if (
        !rule.enabled ||
        !rule.eventPattern ||
        !matchesPattern(rule.eventPattern, event as unknown as Record<string, unknown>)
      )
        continue;
      this.fire(rule, event, traceHeader);
      fired++;
    }
    return fired;
  }

  private fire(rule: RuleSpec, event: BusEvent, traceHeader?: string): void {
    for (const target of rule.targets) {
      if (!/^arn:aws:lambda:/.test(target.arn)) {
        this.log(`events: rule ${rule.name}: target ${target.arn} is not a Lambda function and is not run locally`);
        continue;
      }
      const span = this.deliverySpan(rule, target, event, traceHeader);
      this.queue.enqueue(target.arn, inputFor(target, event), 'events', span ? span.header : traceHeader);
      span?.end();
    }
  }

  private deliverySpan(rule: RuleSpec, target: RuleTarget, event: BusEvent, traceHeader: string | undefined) {
    if (traceHeader === undefined) return undefined;
    return this.tracer?.start(`${rule.name} deliver`, {
      kind: 'PRODUCER',
      parent: parseTraceHeader(traceHeader),
      resource: serviceResource(rule.name, 'aws_eventbridge', rule.arn, this.account.region),
      attributes: {
        'messaging.system': 'aws_eventbridge',
        'messaging.operation.type': 'send',
        'messaging.destination.name': rule.name,
        'messaging.message.id': event.id,
        'aws.eventbridge.event.source': event.source,
        'aws.eventbridge.event.detail_type': event['detail-type'],
        'aws.eventbridge.target.arn': target.arn,
      },
    });
  }

  stop(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers.length = 0;
  }
}
