import type { StackModel } from '../cloudformation/model';

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

export const topicSpecs = (model: StackModel): TopicSpec[] =>
  model
    .ofType('AWS::SNS::Topic')
    .map(([logicalId]) => ({ arn: model.ref(logicalId), name: model.physicalName(logicalId) }));

export const subscriptionSpecs = (model: StackModel): SubscriptionSpec[] =>
  model.ofType('AWS::SNS::Subscription').map(([logicalId, resource]) => {
    const p = model.resolve(resource.Properties ?? {}) as {
      TopicArn?: unknown;
      Protocol?: unknown;
      Endpoint?: unknown;
      FilterPolicy?: Record<string, unknown>;
      RawMessageDelivery?: unknown;
    };
    return {
      arn: model.ref(logicalId),
      topicArn: String(p.TopicArn),
      protocol: String(p.Protocol),
      endpoint: String(p.Endpoint),
      ...(p.FilterPolicy && { filterPolicy: p.FilterPolicy }),
      rawMessageDelivery: String(p.RawMessageDelivery) === 'true',
    };
  });
