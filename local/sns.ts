import { randomUUID } from 'node:crypto';
import { ServiceError } from './errors';
import type { StackModel } from './template';

export interface TopicSpec {
  arn: string;
  name: string;
}

export interface SubscriptionSpec {
  arn: string;
  topicArn: string;
  protocol: string;
  endpoint: string;
  filterPolicy?: Record<string, unknown>;
  rawMessageDelivery: boolean;
}

export interface PublishInput {
  TopicArn?: string;
  TargetArn?: string;
  Message: unknown;
  Subject?: string;
  MessageAttributes?: Record<string, { DataType: string; StringValue?: string }>;
}

/** How SNS reaches a Lambda subscriber: an asynchronous invocation. */
export type LambdaDelivery = (functionArn: string, event: unknown) => Promise<{ functionError?: string; payload: unknown }>;

export const topicSpecs = (model: StackModel): TopicSpec[] =>
  model.ofType('AWS::SNS::Topic').map(([logicalId]) => ({ arn: model.ref(logicalId), name: model.physicalName(logicalId) }));

export const subscriptionSpecs = (model: StackModel): SubscriptionSpec[] =>
  model.ofType('AWS::SNS::Subscription').map(([logicalId, resource]) => {
    const p = model.resolve(resource.Properties ?? {}) as Record<string, any>;
    return {
      arn: model.ref(logicalId),
      topicArn: String(p.TopicArn),
      protocol: String(p.Protocol),
      endpoint: String(p.Endpoint),
      ...(p.FilterPolicy && { filterPolicy: p.FilterPolicy }),
      rawMessageDelivery: String(p.RawMessageDelivery) === 'true',
    };
  });

/** Exact-value and `prefix`/`anything-but` matching of message attributes, the common part of SNS filter policies. */
const matchesFilter = (policy: Record<string, unknown> | undefined, attributes: PublishInput['MessageAttributes'] = {}): boolean => {
  if (!policy) return true;
  return Object.entries(policy).every(([name, allowed]) => {
    const value = attributes[name]?.StringValue;
    return (allowed as unknown[]).some((rule) => {
      if (typeof rule === 'string' || typeof rule === 'number') return value === String(rule);
      const r = rule as { prefix?: string; 'anything-but'?: unknown; exists?: boolean };
      if (r.exists !== undefined) return r.exists === (value !== undefined);
      if (value === undefined) return false;
      if (r.prefix !== undefined) return value.startsWith(r.prefix);
      if (r['anything-but'] !== undefined) return ![r['anything-but']].flat().map(String).includes(value);
      return false;
    });
  });
};

const RETRY_DELAYS_MS = [1000, 2000];
const xmlEscape = (text: string) => text.replace(/[<>&'"]/g, (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', "'": 'apos', '"': 'quot' }[c]};`);

/**
 * SNS on this machine: the template's topics and Lambda subscriptions. A publish answers at once and
 * delivers to each matching subscriber asynchronously, retried twice on failure as Lambda retries
 * asynchronous invocations (after 1 s and 2 s here, instead of 1 and 2 minutes).
 */
export class SnsService {
  private readonly topics = new Map<string, TopicSpec>();
  private readonly deliveries = new Set<Promise<void>>();

  constructor(
    topics: TopicSpec[],
    private readonly subscriptions: SubscriptionSpec[],
    private readonly deliverToLambda: LambdaDelivery,
    private readonly log: (message: string) => void = () => undefined,
  ) {
    for (const topic of topics) this.topics.set(topic.arn, topic);
  }

  publish(input: PublishInput): { MessageId: string } {
    const topicArn = input.TopicArn ?? input.TargetArn;
    const topic = topicArn ? this.topics.get(topicArn) : undefined;
    if (!topic) throw new ServiceError('NotFound', 'Topic does not exist', 404);
    if (input.Message === undefined || input.Message === '') throw new ServiceError('InvalidParameter', 'Invalid parameter: Empty message');
    const messageId = randomUUID();
    const message = typeof input.Message === 'string' ? input.Message : JSON.stringify(input.Message);
    const timestamp = new Date().toISOString();
    for (const subscription of this.subscriptions) {
      if (subscription.topicArn !== topic.arn || !matchesFilter(subscription.filterPolicy, input.MessageAttributes)) continue;
      if (subscription.protocol !== 'lambda') {
        this.log(`SNS: ${subscription.protocol} subscription ${subscription.arn} is not delivered locally`);
        continue;
      }
      const event = {
        Records: [
          {
            EventSource: 'aws:sns',
            EventVersion: '1.0',
            EventSubscriptionArn: subscription.arn,
            Sns: {
              Type: 'Notification',
              MessageId: messageId,
              TopicArn: topic.arn,
              Subject: input.Subject ?? null,
              Message: message,
              Timestamp: timestamp,
              SignatureVersion: '1',
              Signature: 'local',
              SigningCertUrl: '',
              UnsubscribeUrl: '',
              MessageAttributes: Object.fromEntries(
                Object.entries(input.MessageAttributes ?? {}).map(([name, value]) => [name, { Type: value.DataType, Value: value.StringValue }]),
              ),
            },
          },
        ],
      };
      const delivery = this.deliver(subscription, event, messageId);
      this.deliveries.add(delivery);
      void delivery.finally(() => this.deliveries.delete(delivery));
    }
    return { MessageId: messageId };
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

  /** The SNS Query API: form-encoded `Action=…` requests, XML responses. */
  handle(params: URLSearchParams): { status: number; body: string } {
    const action = params.get('Action') ?? '';
    const requestId = randomUUID();
    const respond = (result: string) => ({
      status: 200,
      body: `<${action}Response xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`,
    });
    const subscriptionXml = (s: SubscriptionSpec) =>
      `<member><TopicArn>${s.topicArn}</TopicArn><Protocol>${s.protocol}</Protocol><SubscriptionArn>${s.arn}</SubscriptionArn><Owner>${s.topicArn.split(':')[4]}</Owner><Endpoint>${xmlEscape(s.endpoint)}</Endpoint></member>`;
    try {
      switch (action) {
        case 'Publish': {
          const attributes: PublishInput['MessageAttributes'] = {};
          for (let i = 1; params.has(`MessageAttributes.entry.${i}.Name`); i++) {
            attributes[params.get(`MessageAttributes.entry.${i}.Name`)!] = {
              DataType: params.get(`MessageAttributes.entry.${i}.Value.DataType`) ?? 'String',
              StringValue: params.get(`MessageAttributes.entry.${i}.Value.StringValue`) ?? undefined,
            };
          }
          const { MessageId } = this.publish({
            TopicArn: params.get('TopicArn') ?? undefined,
            TargetArn: params.get('TargetArn') ?? undefined,
            Message: params.get('Message') ?? '',
            Subject: params.get('Subject') ?? undefined,
            MessageAttributes: attributes,
          });
          return respond(`<MessageId>${MessageId}</MessageId>`);
        }
        case 'ListTopics':
          return respond(`<Topics>${[...this.topics.values()].map((t) => `<member><TopicArn>${t.arn}</TopicArn></member>`).join('')}</Topics>`);
        case 'ListSubscriptions':
          return respond(`<Subscriptions>${this.subscriptions.map(subscriptionXml).join('')}</Subscriptions>`);
        case 'ListSubscriptionsByTopic': {
          const topicArn = params.get('TopicArn') ?? '';
          if (!this.topics.has(topicArn)) throw new ServiceError('NotFound', 'Topic does not exist', 404);
          return respond(`<Subscriptions>${this.subscriptions.filter((s) => s.topicArn === topicArn).map(subscriptionXml).join('')}</Subscriptions>`);
        }
        case 'GetTopicAttributes': {
          const topic = this.topics.get(params.get('TopicArn') ?? '');
          if (!topic) throw new ServiceError('NotFound', 'Topic does not exist', 404);
          const count = this.subscriptions.filter((s) => s.topicArn === topic.arn).length;
          const entries = { TopicArn: topic.arn, DisplayName: topic.name, SubscriptionsConfirmed: String(count), SubscriptionsPending: '0', SubscriptionsDeleted: '0' };
          return respond(`<Attributes>${Object.entries(entries).map(([k, v]) => `<entry><key>${k}</key><value>${xmlEscape(v)}</value></entry>`).join('')}</Attributes>`);
        }
        default:
          throw new ServiceError('InvalidAction', `SNS action ${action} is not supported by the local cloud`);
      }
    } catch (error) {
      const e = error instanceof ServiceError ? error : new ServiceError('InternalError', 'Internal error', 500);
      return {
        status: e.status,
        body: `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>${e.status < 500 ? 'Sender' : 'Receiver'}</Type><Code>${e.code}</Code><Message>${xmlEscape(e.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      };
    }
  }
}
