import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { OrderEvent, parseContract } from '#shared/contracts';
import type { Order } from './domain';

/** Where Order tells the buyer's side an order's outcome: SNS `order-events`, as the saga's Notify states do. */
export interface OrderEvents {
  publish(event: OrderEvent): Promise<void>;
}

/** The outcome event of an order that has ended (COMPLETED, CANCELLED with its reason, COMPENSATION_FAILED). */
export const outcomeOf = (order: Order): OrderEvent =>
  parseContract('order event', OrderEvent, {
    orderId: order.orderId,
    userId: order.userId,
    status: order.status,
    ...(order.status === 'CANCELLED' && order.failureReason && { reason: order.failureReason }),
  });

/** The Publish request of an order event: the message as JSON, its status as the `status` attribute (what subscriptions filter on). */
export const publishRequest = (topicArn: string, event: OrderEvent) => ({
  TopicArn: topicArn,
  Message: JSON.stringify(event),
  MessageAttributes: { status: { DataType: 'String', StringValue: event.status } },
});

export class SnsOrderEvents implements OrderEvents {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  async publish(event: OrderEvent): Promise<void> {
    await this.client.send(new PublishCommand(publishRequest(this.topicArn, event)));
  }
}
