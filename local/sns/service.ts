import { randomUUID } from 'node:crypto';
import type { Chaos } from '../chaos/faults';
import type { LambdaQueue } from '../lambda/async';
import { ServiceError } from '../support/errors';
import { matchesRules } from '../support/content-filter';
import { type SnsMessage, snsLambdaEvent } from './events';
import type { SubscriptionSpec, TopicSpec } from './specs';
import { parseTraceHeader } from '../xray/spans';
import { serviceResource, type Tracer } from '../xray/tracer';

export interface PublishInput {
  TopicArn?: string;
  TargetArn?: string;
  Message: unknown;
  Subject?: string;
  MessageAttributes?: Record<string, { DataType: string; StringValue?: string }>;
}

/** The common part of SNS filter policies: exact values, `prefix`, `anything-but` and `exists` on message attributes. */
const matchesFilter = (policy: Record<string, unknown> | undefined, attributes: SnsMessage['attributes']): boolean =>
  !policy ||
  Object.entries(policy).every(([name, allowed]) => matchesRules(allowed as unknown[], attributes[name]?.StringValue));

/**
 * SNS on this machine: the template's topics and Lambda subscriptions. A publish answers once the
 * message is queued for each matching subscriber, as an asynchronous Lambda invocation (lambda/async.ts:
 * durable, retried twice on failure).
 */
export class SnsService {
  readonly topics = new Map<string, TopicSpec>();

  constructor(
    topics: TopicSpec[],
    readonly subscriptions: SubscriptionSpec[],
    private readonly queue: LambdaQueue,
    private readonly log: (message: string) => void = () => undefined,
    private readonly chaos?: Chaos,
    /** Publish spans (PRODUCER, one per message); none: the publisher's header only passes on to the subscribers. */
    private readonly tracer?: Tracer,
  ) {
    for (const topic of topics) this.topics.set(topic.arn, topic);
  }

  topic(arn: string | undefined): TopicSpec {
    const topic = arn ? this.topics.get(arn) : undefined;
    if (!topic) throw new ServiceError('NotFound', 'Topic does not exist', 404);
    return topic;
  }

  /** Publishes a message: it is kept, then delivered to each matching subscriber. Faults (service `sns`) fire first. */
  async publish(input: PublishInput, traced: { traceHeader?: string } = {}): Promise<{ MessageId: string }> {
    await this.chaos?.apply({ service: 'sns', operation: 'Publish' });
    const topic = this.topic(input.TopicArn ?? input.TargetArn);
    if (input.Message === undefined || input.Message === '')
      throw new ServiceError('InvalidParameter', 'Invalid parameter: Empty message');
    const message: SnsMessage = {
      messageId: randomUUID(),
      topic,
      message: typeof input.Message === 'string' ? input.Message : JSON.stringify(input.Message),
      ...(input.Subject !== undefined && { subject: input.Subject }),
      timestamp: new Date().toISOString(),
      attributes: input.MessageAttributes ?? {},
    };
    // Each subscriber is invoked in the publisher's trace, under the publish.
    const span = this.tracer?.start(`${topic.name} publish`, {
      kind: 'PRODUCER',
      parent: parseTraceHeader(traced.traceHeader),
      resource: serviceResource(topic.name, 'aws_sns', topic.arn, topic.arn.split(':')[3] ?? ''),
      attributes: {
        'messaging.system': 'aws_sns',
        'messaging.operation.type': 'send',
        'messaging.operation.name': 'publish',
        'messaging.destination.name': topic.name,
        'messaging.message.id': message.messageId,
        'aws.sns.topic.arn': topic.arn,
      },
    });
    const traceHeader = span ? span.header : traced.traceHeader;
    for (const subscription of this.subscriptions) {
      if (subscription.topicArn !== topic.arn || !matchesFilter(subscription.filterPolicy, message.attributes))
        continue;
      if (subscription.protocol !== 'lambda') {
        this.log(`SNS: ${subscription.protocol} subscription ${subscription.arn} is not delivered locally`);
        continue;
      }
      this.queue.enqueue(subscription.endpoint, snsLambdaEvent(subscription, message), 'sns', traceHeader);
    }
    span?.end();
    return { MessageId: message.messageId };
  }
}
