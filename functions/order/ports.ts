import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { parseContract, Quote, type QuoteRequest, SagaInput } from '#shared/contracts';
import type { OrderLine } from '#shared/schemas';
import type { Order } from './domain';

/** Prices a basket. The catalogue belongs to Warehouse; Order asks it rather than reading its table. */
export interface Catalogue {
  quote(items: readonly OrderLine[]): Promise<Quote>;
}

/** Starts the saga for an order; starting it twice for the same order starts nothing new. */
export interface SagaStarter {
  start(order: Order): Promise<void>;
}

/** What the reconciler needs besides starting: whether an order's saga was ever started. */
export interface SagaExecutions extends SagaStarter {
  exists(orderId: string): Promise<boolean>;
}

/** The execution input, checked against its contract before the saga gets it. */
export const sagaInput = (order: Order): SagaInput =>
  parseContract('saga input', SagaInput, {
    orderId: order.orderId,
    userId: order.userId,
    items: order.items,
    total: order.total,
    currency: order.currency,
    delivery: order.delivery,
  });

/** What Lambda answers in place of the result when the function failed. */
interface FunctionErrorPayload {
  errorType?: string;
  errorMessage?: string;
}

export class LambdaCatalogue implements Catalogue {
  constructor(
    private readonly client: LambdaClient,
    private readonly functionName: string,
  ) {}

  async quote(items: readonly OrderLine[]): Promise<Quote> {
    const request: QuoteRequest = { items: [...items] };
    const result = await this.client.send(
      new InvokeCommand({ FunctionName: this.functionName, Payload: Buffer.from(JSON.stringify(request)) }),
    );
    const payload: unknown = result.Payload ? JSON.parse(Buffer.from(result.Payload).toString('utf8')) : undefined;
    if (result.FunctionError) {
      throw new Error(
        `Quote failed: ${(payload as FunctionErrorPayload | null | undefined)?.errorType ?? result.FunctionError}`,
      );
    }
    return parseContract('quote', Quote, payload);
  }
}

export class StepFunctionsSagaStarter implements SagaExecutions {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  /** The execution of an order's saga is named after the order, under the state machine's ARN. */
  private executionArn(orderId: string): string {
    return `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${orderId}`;
  }

  async exists(orderId: string): Promise<boolean> {
    try {
      await this.client.send(new DescribeExecutionCommand({ executionArn: this.executionArn(orderId) }));
      return true;
    } catch (error) {
      if ((error as Error).name === 'ExecutionDoesNotExist') return false;
      throw error;
    }
  }

  async start(order: Order): Promise<void> {
    try {
      await this.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name: order.orderId,
          input: JSON.stringify(sagaInput(order)),
        }),
      );
    } catch (error) {
      // Standard workflows answer a repeated name with the same input idempotently; a different input
      // under the same name can only be this order's own earlier start, so there is nothing to do.
      if ((error as Error).name !== 'ExecutionAlreadyExists') throw error;
    }
  }
}

export { LambdaClient, SFNClient };
