import type { SubscriptionSpec, TopicSpec } from './specs';

/** A message as SNS keeps it: what every subscriber of the topic receives. */
export interface SnsMessage {
  messageId: string;
  topic: TopicSpec;
  message: string;
  subject?: string;
  timestamp: string;
  attributes: Record<string, { DataType: string; StringValue?: string }>;
}

/** The event SNS invokes a Lambda subscriber with: one record per message. */
export const snsLambdaEvent = (subscription: SubscriptionSpec, message: SnsMessage) => ({
  Records: [
    {
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: subscription.arn,
      Sns: {
        Type: 'Notification',
        MessageId: message.messageId,
        TopicArn: message.topic.arn,
        Subject: message.subject ?? null,
        Message: message.message,
        Timestamp: message.timestamp,
        SignatureVersion: '1',
        Signature: 'local',
        SigningCertUrl: '',
        UnsubscribeUrl: '',
        MessageAttributes: Object.fromEntries(
          Object.entries(message.attributes).map(([name, value]) => [
            name,
            { Type: value.DataType, Value: value.StringValue },
          ]),
        ),
      },
    },
  ],
});
