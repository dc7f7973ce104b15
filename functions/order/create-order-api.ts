import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { JSONObject } from '@aws-lambda-powertools/commons/types';
import { BadRequest, Conflict, Unprocessable } from '#shared/errors';
import { httpHandler } from '#shared/handler';
import { header, json, parseBody } from '#shared/http';
import { identityOf } from '#shared/identity';
import { metrics, MetricUnit } from '#shared/observability';
import { OrderLine, SlotId } from '#shared/schemas';
import * as z from '#shared/zod';
import { createOrder, type CreateOrderDeps, type CreateOrderRequest } from './create-order-service';
import type { Order } from './domain';

const CreateOrderBody = z.object({
  items: z
    .array(OrderLine)
    .check(z.minLength(1, 'an order needs at least one item'), z.maxLength(20, 'an order holds at most 20 lines')),
  delivery: z.object({ slotId: SlotId, address: z.string().check(z.trim(), z.minLength(1), z.maxLength(300)) }),
});

/** Keys as Stripe and the IETF draft use them: opaque, printable, bounded. */
const IDEMPOTENCY_KEY = /^[A-Za-z0-9_\-:.]{1,128}$/;

interface CreateInput {
  userId: string;
  idempotencyKey: string;
  request: CreateOrderRequest;
}

type CreateResult = { order: Order; replayed?: boolean };

/**
 * POST /orders. Powertools idempotency keys the work by user and Idempotency-Key and validates the
 * body against the first request: a replay answers 200 with the stored order, another body 422,
 * and a request racing the first one 409.
 */
export const makeCreateOrderHandler = (deps: CreateOrderDeps & { persistenceStore: BasePersistenceLayer }) => {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: '[userId, idempotencyKey]',
    payloadValidationJmesPath: 'request',
    expiresAfterSeconds: 24 * 60 * 60,
    throwOnNoIdempotencyKey: true,
    responseHook: (response) => ({ ...(response as JSONObject), replayed: true }),
  });
  const createOnce = makeIdempotent(
    async (input: CreateInput): Promise<CreateResult> => ({ order: await createOrder(deps, input) }),
    { persistenceStore: deps.persistenceStore, config, keyPrefix: 'create-order' },
  );

  return httpHandler(async (event, context) => {
    config.registerLambdaContext(context);
    const { userId } = await identityOf(event);
    const idempotencyKey = header(event, 'idempotency-key');
    if (!idempotencyKey) throw new BadRequest('The Idempotency-Key header is required', 'MISSING_IDEMPOTENCY_KEY');
    if (!IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw new BadRequest(
        'Idempotency-Key must be 1-128 characters of A-Z, a-z, 0-9, _ - : .',
        'INVALID_IDEMPOTENCY_KEY',
      );
    }
    const request = parseBody(event, CreateOrderBody);
    let result: CreateResult;
    try {
      result = await createOnce({ userId, idempotencyKey, request });
    } catch (error) {
      if (error instanceof IdempotencyValidationError) {
        throw new Unprocessable(
          'IDEMPOTENCY_KEY_REUSED',
          'This Idempotency-Key was used with a different request body',
        );
      }
      if (error instanceof IdempotencyAlreadyInProgressError) {
        throw new Conflict('IDEMPOTENCY_KEY_IN_FLIGHT', 'A request with this Idempotency-Key is still being processed');
      }
      throw error;
    }
    if (result.replayed) {
      metrics.addMetric('IdempotentReplays', MetricUnit.Count, 1);
      return json(200, result.order, { 'Idempotent-Replayed': 'true' });
    }
    return json(201, result.order, { Location: `/orders/${result.order.orderId}` });
  });
};
