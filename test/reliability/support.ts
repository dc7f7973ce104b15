import { DynamoDBClient, paginateScan, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createHash } from 'node:crypto';
import type { CloudProcess } from '../support/cloud-process';

/** The AWS SDK pointed at a local cloud's edge, as any SDK user would point it. */
export const edgeConfig = (cloud: Pick<CloudProcess, 'edge'>) => ({
  endpoint: cloud.edge,
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});

export type User = 'alice' | 'bob' | 'admin';

/** An access token from the cloud's issuer (direct access grant of `shop-cli`). */
export const tokenFor = async (cloud: Pick<CloudProcess, 'issuer'>, user: User): Promise<string> => {
  const response = await fetch(`${cloud.issuer}/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'password', client_id: 'shop-cli', username: user, password: user }),
  });
  const body = (await response.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`No token for ${user}: HTTP ${response.status}`);
  return body.access_token;
};

/** What differs between two fingerprints: the items only the second has, and those only the first has. */
export const difference = (before: { lines: string[] }, after: { lines: string[] }) => {
  const had = new Set(before.lines);
  const has = new Set(after.lines);
  return {
    added: after.lines.filter((line) => !had.has(line)),
    removed: before.lines.filter((line) => !has.has(line)),
  };
};

/**
 * Everything the stack stores, read through the edge: every item of every table, in a stable order,
 * hashed. Two equal fingerprints mean nothing was written in between.
 */
export const fingerprint = async (
  cloud: Pick<CloudProcess, 'edge'>,
): Promise<{ hash: string; items: number; lines: string[] }> => {
  const client = new DynamoDBClient(edgeConfig(cloud));
  try {
    const { TableNames = [] } = await client.send(new ListTablesCommand({}));
    const lines: string[] = [];
    for (const table of [...TableNames].sort()) {
      for await (const page of paginateScan({ client }, { TableName: table, ConsistentRead: true })) {
        for (const item of page.Items ?? [])
          lines.push(
            `${table} ${JSON.stringify(Object.fromEntries(Object.entries(item).sort(([a], [b]) => a.localeCompare(b))))}`,
          );
      }
    }
    lines.sort();
    return { hash: createHash('sha256').update(lines.join('\n')).digest('hex'), items: lines.length, lines };
  } finally {
    client.destroy();
  }
};
