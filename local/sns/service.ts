import { randomUUID } from 'node:crypto';
import { type Chaos, sleep } from '../chaos/faults';
import { ServiceError } from '../support/errors';
import { matchesRules } from '../support/content-filter';
import { type SnsMessage, snsLambdaEvent } from './events';
import type { SubscriptionSpec, TopicSpec } from './specs';

export interface PublishInput {
  TopicArn?: string;
  TargetArn?: string;
  Message: unknown;
  Subject?: string;
  MessageAttributes?: Record<string, { DataType: string; StringValue?: string }>;
}

/** How SNS reaches a Lambda subscriber: an asynchronous invocation. */
export type LambdaDelivery = (functionArn: string, event: unknown) => Promise<{ functionError?: string; payload: unknown }>;

/** The common part of SNS filter policies: exact values, `prefix`, `anything-but` and `exists` on message attributes. */
const matchesFilter = (policy: Record<string, unknown> | undefined, attributes: SnsMessage['attributes']): boolean =>
  !policy || Object.entries(policy).every(([name, allowed]) => matchesRules(allowed as unknown[], attributes[name]?.StringValue));

const RETRY_DELAYS_MS = [1000, 2000];

/**
 * SNS on this machine: the template's topics and Lambda subscriptions. A publish answers at once and
 * delivers to each matching subscriber asynchronously, retried twice on failure as Lambda retries
 * asynchronous invocations (after 1 s and 2 s here, instead of 1 and 2 minutes).
 */
export class SnsService {
  readonly topics = new Map<string, TopicSpec>();
  private readonly deliveries = new Set<Promise<void>>();

  constructor(
    topics: TopicSpec[],
    readonly subscriptions: SubscriptionSpec[],
    private readonly deliverToLambda: LambdaDelivery,
    private readonly log: (message: string) => void = () => undefined,
    private readonly chaos?: Chaos,
  ) {
    for (const topic of topics) this.topics.set(topic.arn, topic);
  }

  topic(arn: string | undefined): TopicSpec {
    const topic = arn ? this.topics.get(arn) : undefined;
    if (!topic) throw new ServiceError('NotFound', 'Topic does not exist', 404);
    return topic;
  }

  /** Publishes a message: it is kept, then delivered to each matching subscriber. Faults (service `sns`) fire first. */
  async publish(input: PublishInput): Promise<{ MessageId: string }> {
    const fault = this.chaos?.draw({ service: 'sns', operation: 'Publish' });
    if (fault?.effect === 'latency') await sleep(fault.latencyMs ?? 0);
    if (fault?.error) throw new ServiceError(fault.error.code, fault.error.message ?? 'Injected by the local cloud (chaos API)', fault.error.statusCode ?? 500);
    const topic = this.topic(input.TopicArn ?? input.TargetArn);
    if (input.Message === undefined || input.Message === '') throw new ServiceError('InvalidParameter', 'Invalid parameter: Empty message');
    const message: SnsMessage = {
      messageId: randomUUID(),
      topic,
      message: typeof input.Message === 'string' ? input.Message : JSON.stringify(input.Message),
      ...(input.Subject !== undefined && { subject: input.Subject }),
      timestamp: new Date().toISOString(),
      attributes: input.MessageAttributes ?? {},
    };
    for (const subscription of this.subscriptions) {
      if (subscription.topicArn !== topic.arn || !matchesFilter(subscription.filterPolicy, message.attributes)) continue;
      if (subscription.protocol !== 'lambda') {
        this.log(`SNS: ${subscription.protocol} subscription ${subscription.arn} is not delivered locally`);
        continue;
      }
      const delivery = this.deliver(subscription, snsLambdaEvent(subscription, message), message.messageId);
      this.deliveries.add(delivery);
      void delivery.finally(() => this.deliveries.delete(delivery));
    }
    return { MessageId: message.messageId };
  }

  private async deliver(subscription: SubscriptionSpec, event: unknown, messageId: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.deliverToLambda(subscription.endpoint, event).catch((error: Error) => ({ functionError: error.name, payload: error.message }));
      if (!outcome.functionError) return;
      const delay = RETRY_DELAYS_MS[attempt];
      if (delay === undefined) {
        this.log(`SNS: message ${messageId} to ${subscription.endpoint} failed ${attempt + 1} times and is dropped`);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  /** Waits for deliveries under way, up to a deadline. */
  async drain(graceMs: number): Promise<void> {
    const deadline = new Promise((resolve) => setTimeout(resolve, graceMs).unref());
    await Promise.race([Promise.allSettled([...this.deliveries]), deadline]);
  }
}
