import { documentClient } from '#shared/clients';
import { env } from '#shared/config';
import { httpHandler } from '#shared/handler';
import { json } from '#shared/http';
import { identityOf } from '#shared/identity';
import { DynamoBillingStore } from './store';

const store = new DynamoBillingStore(documentClient, env('BILLING_TABLE'));

export const handler = httpHandler(async (event) => {
  const { userId } = await identityOf(event);
  return json(200, await store.getAccount(userId));
});
