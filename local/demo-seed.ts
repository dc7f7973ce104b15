import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { OPENING_BALANCES, seedDemo } from '../demo/seed';
import { toDocumentClient } from '../functions/shared/dynamo';
import type { CloudOptions } from './cloud';

const dollars = (cents: number) => `$${(cents / 100).toFixed(2)}`;

/** Seeds the demo data through the edge, and describes what is there. */
export const seedThroughEdge =
  (edgePort: number): NonNullable<CloudOptions['seed']> =>
  async (tableFor, realm) => {
    // The seed writes through the services' own stores, with a client of its own pointed at the edge:
    // this process's environment stays as it is.
    const dynamo = new DynamoDBClient({
      endpoint: `http://127.0.0.1:${edgePort}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      const summary = await seedDemo(toDocumentClient(dynamo), tableFor, [...realm.usersById.values()]);
      const users = [...realm.usersById.values()]
        .map(
          (u) =>
            `${u.username}/${u.credentials?.find((c) => c.type === 'password')?.value ?? '…'} (${realm.rolesOf(u).join(', ')}${OPENING_BALANCES[u.username] !== undefined ? `, opening balance ${dollars(OPENING_BALANCES[u.username]!)}` : ''})`,
        )
        .join('; ');
      return `${summary.products} products, ${summary.slots} delivery slots (${summary.fullSlot} is full); users ${users}`;
    } finally {
      dynamo.destroy();
    }
  };
