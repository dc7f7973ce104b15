import { COMMON_EFFECTS } from '../chaos/faults';
import { type FaultTarget, type LocalService, queryActionFor } from '../http/local-service';
import type { HttpResponse } from '../http/messages';
import { ServiceError } from '../support/errors';
import { answerQuery, xmlEscape } from '../support/query-protocol';
import type { PublishInput, SnsService } from './service';
import type { SubscriptionSpec } from './specs';

const XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';

const subscriptionXml = (s: SubscriptionSpec) =>
  `<member><TopicArn>${s.topicArn}</TopicArn><Protocol>${s.protocol}</Protocol><SubscriptionArn>${s.arn}</SubscriptionArn><Owner>${s.topicArn.split(':')[4]}</Owner><Endpoint>${xmlEscape(s.endpoint)}</Endpoint></member>`;

/** `MessageAttributes.entry.N.Name` / `.Value.DataType` / `.Value.StringValue`, as the Query protocol flattens them. */
const messageAttributes = (params: URLSearchParams): NonNullable<PublishInput['MessageAttributes']> => {
  const attributes: NonNullable<PublishInput['MessageAttributes']> = {};
  for (let i = 1; params.has(`MessageAttributes.entry.${i}.Name`); i++) {
    attributes[params.get(`MessageAttributes.entry.${i}.Name`)!] = {
      DataType: params.get(`MessageAttributes.entry.${i}.Value.DataType`) ?? 'String',
      StringValue: params.get(`MessageAttributes.entry.${i}.Value.StringValue`) ?? undefined,
    };
  }
  return attributes;
};

/** One action of the Query API: its result's inner XML. */
const actionResult = async (
  sns: SnsService,
  action: string,
  params: URLSearchParams,
  traceHeader: string | undefined,
): Promise<string> => {
  switch (action) {
    case 'Publish': {
      const { MessageId } = await sns.publish(
        {
          TopicArn: params.get('TopicArn') ?? undefined,
          TargetArn: params.get('TargetArn') ?? undefined,
          Message: params.get('Message') ?? '',
          Subject: params.get('Subject') ?? undefined,
          MessageAttributes: messageAttributes(params),
        },
        traceHeader === undefined ? {} : { traceHeader },
      );
      return `<MessageId>${MessageId}</MessageId>`;
    }
    case 'ListTopics':
      return `<Topics>${[...sns.topics.values()].map((t) => `<member><TopicArn>${t.arn}</TopicArn></member>`).join('')}</Topics>`;
    case 'ListSubscriptions':
      return `<Subscriptions>${sns.subscriptions.map(subscriptionXml).join('')}</Subscriptions>`;
    case 'ListSubscriptionsByTopic': {
      const topic = sns.topic(params.get('TopicArn') ?? '');
      return `<Subscriptions>${sns.subscriptions
        .filter((s) => s.topicArn === topic.arn)
        .map(subscriptionXml)
        .join('')}</Subscriptions>`;
    }
    case 'GetTopicAttributes': {
      const topic = sns.topic(params.get('TopicArn') ?? '');
      const count = sns.subscriptions.filter((s) => s.topicArn === topic.arn).length;
      const entries = {
        TopicArn: topic.arn,
        DisplayName: topic.name,
        SubscriptionsConfirmed: String(count),
        SubscriptionsPending: '0',
        SubscriptionsDeleted: '0',
      };
      return `<Attributes>${Object.entries(entries)
        .map(([k, v]) => `<entry><key>${k}</key><value>${xmlEscape(v)}</value></entry>`)
        .join('')}</Attributes>`;
    }
    default:
      throw new ServiceError('InvalidAction', `SNS action ${action} is not supported by the local cloud`);
  }
};

/**
 * The SNS Query API: form-encoded `Action=…` requests, XML responses, AWS's XML error shape. A Publish
 * continues the request's `X-Amzn-Trace-Id`.
 */
export const handleSnsRequest = (
  sns: SnsService,
  params: URLSearchParams,
  traceHeader?: string,
): Promise<HttpResponse> => {
  const action = params.get('Action') ?? '';
  return answerQuery(XMLNS, action, async () => {
    try {
      return `<${action}Result>${await actionResult(sns, action, params, traceHeader)}</${action}Result>`;
    } catch (error) {
      // Whatever else went wrong is SNS's own InternalError, telling nothing of it.
      throw error instanceof ServiceError ? error : new ServiceError('InternalError', 'Internal error', 500);
    }
  });
};

export const SNS_FAULTS: FaultTarget = { service: 'sns', effects: COMMON_EFFECTS };

/** SNS on the edge: the query protocol, by its version or its signature's service. */
export const snsEdge = (sns: SnsService): LocalService => ({
  name: 'sns',
  recognises: (request) => queryActionFor(request, '2010-03-31', 'sns'),
  handle: async (request) => {
    const header = request.req.headers['x-amzn-trace-id'];
    return handleSnsRequest(sns, (await request.form())!, typeof header === 'string' ? header : undefined);
  },
  health: () => 'running',
  faults: SNS_FAULTS,
});
