import { documentClient } from '#shared/clients';
import { env } from '#shared/config';
import { httpHandler } from '#shared/handler';
import { json, parseBody } from '#shared/http';
import { identityOf } from '#shared/identity';
import * as z from '#shared/zod';
import { MAX_DEPOSIT } from './domain';
import { DynamoBillingStore } from './store';

const store = new DynamoBillingStore(documentClient, env('BILLING_TABLE'));

const DepositRequest = z.object({
  amount: z
    .number()
    .check(z.int('amount must be a whole number of cents'), z.positive('amount must be positive'), z.lte(MAX_DEPOSIT)),
});

export const handler = httpHandler(async (event) => {
  const { userId } = await identityOf(event);
  const { amount } = parseBody(event, DepositRequest);
  return json(200, await store.deposit(userId, amount));
});
