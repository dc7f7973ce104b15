import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { randomUUID } from 'node:crypto';
import { DynamoDeliveryStore } from '../../functions/delivery/store';
import { toDocumentClient } from '../../functions/shared/dynamo';
import { basketOf, nextOrderNumber } from './baskets';

/** Where the shop answers: the local cloud the bench started, or a deployed target. */
export interface Endpoints {
  api: string;
  issuer: string;
  /** The AWS endpoint for the SDK (the local edge, LocalStack's); undefined on AWS. */
  edge?: string;
  stateMachineArn: string;
  deliveryTable: string;
  /** The local cloud: its execution changes can be followed instead of polled. */
  local: boolean;
}

export type User = 'alice' | 'bob' | 'admin';
export const USERS: User[] = ['alice', 'bob', 'admin'];

export interface PlacedOrder {
  n: number;
  orderId?: string;
  status: number;
  /** When the POST was sent (epoch ms) and how long it took. */
  sentAt: number;
  postMs: number;
  /** The create-order function's request id (API Gateway's `x-amzn-requestid`). */
  requestId?: string;
}

/** The SDK's configuration for a target: the edge's endpoint and dummy credentials, locally. */
export const sdkConfig = (endpoints: Endpoints) => ({
  region: process.env.AWS_REGION ?? 'us-east-1',
  ...(endpoints.edge && { endpoint: endpoints.edge, credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } }),
});

/**
 * The shop as the bench drives it: tokens, the public API, the products, money and delivery places a
 * run needs (so that no business rule cancels an order), and each saga's end, from its own history.
 */
export class BenchClient {
  private readonly tokens = new Map<User, Promise<string>>();
  readonly sfn: SFNClient;
  world?: { skus: string[]; slots: string[] };

  constructor(readonly endpoints: Endpoints) {
    this.sfn = new SFNClient(sdkConfig(endpoints));
  }

  token(user: User): Promise<string> {
    if (!this.tokens.has(user)) {
      this.tokens.set(
        user,
        fetch(`${this.endpoints.issuer}/protocol/openid-connect/token`, {
          method: 'POST',
          body: new URLSearchParams({ grant_type: 'password', client_id: 'shop-cli', username: user, password: user }),
        })
          .then((r) => r.json() as Promise<{ access_token?: string }>)
          .then((body) => {
            if (!body.access_token) throw new Error(`No token for ${user}`);
            return body.access_token;
          }),
      );
    }
    return this.tokens.get(user)!;
  }

  async api<T>(
    user: User | undefined,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    const all: Record<string, string> = {
      ...headers,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    };
    if (user) all.authorization = `Bearer ${await this.token(user)}`;
    const response = await fetch(`${this.endpoints.api}${path}`, {
      method,
      headers: all,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T, headers: response.headers };
  }

  /** Three products with plenty of stock, money for every user, and slots with room for `orders` places. */
  async prepare(orders: number): Promise<void> {
    const skus: string[] = [];
    for (let i = 0; i < 3; i++) {
      const sku = `BENCH-${randomUUID().slice(0, 8).toUpperCase()}`;
      const { status } = await this.api('admin', 'PUT', `/products/${sku}`, {
        name: `Bench ${sku}`,
        price: 1,
        stock: 1_000_000,
      });
      if (status !== 200) throw new Error(`PUT /products answered ${status}`);
      skus.push(sku);
    }
    for (const user of USERS) await this.api(user, 'POST', '/billing/account/deposit', { amount: 10_000_000 });
    // The demo week holds 20 places a slot: the bench writes its own slots, as an operator would.
    const client = new DynamoDBClient(sdkConfig(this.endpoints));
    const delivery = new DynamoDeliveryStore(toDocumentClient(client), this.endpoints.deliveryTable);
    const slots: string[] = [];
    for (let i = 0; i <= orders / 5000; i++) {
      const slotId = `bench-${randomUUID().slice(0, 8)}`;
      await delivery.putSlot({ slotId, date: '2099-12-31', window: `bench ${i}`, capacity: 5000 });
      slots.push(slotId);
    }
    client.destroy();
    this.world = { skus, slots };
  }

  /** The next order: a basket of its own (no two are "similar"), spread over the users and slots. */
  async placeOrder(): Promise<PlacedOrder> {
    const { skus, slots } = this.world!;
    const n = nextOrderNumber();
    const items = basketOf(skus, n);
    const sentAt = Date.now();
    const started = performance.now();
    const response = await this.api<{ orderId?: string }>(
      USERS[n % USERS.length],
      'POST',
      '/orders',
      { items, delivery: { slotId: slots[n % slots.length]!, address: '1 Bench Street' } },
      { 'idempotency-key': `bench-${randomUUID()}` },
    );
    return {
      n,
      orderId: response.body?.orderId,
      status: response.status,
      sentAt,
      postMs: performance.now() - started,
      requestId: response.headers.get('x-amzn-requestid') ?? undefined,
    };
  }

  executionArn(orderId: string): string {
    return `${this.endpoints.stateMachineArn.replace(':stateMachine:', ':execution:')}:${orderId}`;
  }

  async history(orderId: string): Promise<HistoryEvent[]> {
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.sfn.send(
        new GetExecutionHistoryCommand({ executionArn: this.executionArn(orderId), maxResults: 1000, nextToken }),
      );
      events.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    return events;
  }

  /** Polls one execution at 5 ms until it ends (for targets, where there is no change feed). */
  async waitByPolling(orderId: string, deadline: number): Promise<string> {
    for (;;) {
      const { status } = await this.sfn
        .send(new DescribeExecutionCommand({ executionArn: this.executionArn(orderId) }))
        .catch(() => ({ status: 'RUNNING' }));
      if (status && status !== 'RUNNING') return status;
      if (Date.now() > deadline) return 'TIMED_OUT_WAITING';
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  destroy(): void {
    this.sfn.destroy();
  }
}

/**
 * Follows the local cloud's execution changes (`/_local/executions/changes`, long-polled): each
 * saga's end is known the moment it is recorded, with no polling of each execution.
 */
export class ChangeFollower {
  private readonly ended = new Map<string, string>();
  private readonly waiters = new Map<string, (status: string) => void>();
  private running = true;
  private since = 0;

  constructor(private readonly edge: string) {}

  async start(): Promise<void> {
    // Start after what happened before the bench.
    const first = (await (await fetch(`${this.edge}/_local/executions/changes?since=0`)).json()) as { next: number };
    this.since = first.next;
    void this.loop();
  }

  private async loop(): Promise<void> {
    while (this.running) {
      let page: { changes: { name: string; status: string }[]; next: number };
      try {
        page = (await (
          await fetch(`${this.edge}/_local/executions/changes?since=${this.since}&wait=1000`)
        ).json()) as typeof page;
      } catch (error) {
        if (!this.running) return; // the cloud stopped under a long poll
        throw error;
      }
      this.since = page.next;
      for (const change of page.changes) {
        if (change.status === 'RUNNING') continue;
        this.ended.set(change.name, change.status);
        this.waiters.get(change.name)?.(change.status);
      }
    }
  }

  wait(orderId: string, timeoutMs: number): Promise<string> {
    const status = this.ended.get(orderId);
    if (status) return Promise.resolve(status);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve('TIMED_OUT_WAITING'), timeoutMs);
      this.waiters.set(orderId, (ended) => {
        clearTimeout(timer);
        this.waiters.delete(orderId);
        resolve(ended);
      });
    });
  }

  stop(): void {
    this.running = false;
  }
}
