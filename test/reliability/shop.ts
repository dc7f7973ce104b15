import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { type CloudProcess, startCloudProcess, stopProcessGroup } from '../support/cloud-process';
import { invariantChecker, tablesFromOutputs, type Violation } from '../support/invariants';
import { edgeConfig, tokenFor, type User } from './support';

/** What a test wants an order to do: complete, or fail at a chosen step. */
export interface PlannedOrder {
  user: User;
  items: { sku: string; quantity: number }[];
  slotId: string;
  key: string;
}

/**
 * One local cloud on a data directory of its own, as a client and an operator see it: it can be
 * killed (-9, the whole process group), stopped with Ctrl-C, and started again on the same data.
 */
export class ReliabilityShop {
  private cloud?: CloudProcess;
  private outputs: Record<string, string> = {};
  private tokens = new Map<User, string>();

  constructor(
    readonly name: string,
    readonly dataDir: string,
    private readonly args: string[] = [],
  ) {}

  get urls(): CloudProcess {
    if (!this.cloud) throw new Error('The cloud is not running');
    return this.cloud;
  }

  async start(extra: string[] = []): Promise<void> {
    this.cloud = await startCloudProcess(this.name, [...this.args, ...extra], { dataDir: this.dataDir });
    this.outputs = (await (await fetch(`${this.cloud.edge}/_local/outputs`)).json()) as Record<string, string>;
    this.tokens.clear();
  }

  /** kill -9 of the cloud's whole process group: no drain, no flush, nothing closed. */
  async kill(): Promise<void> {
    const child = this.urls.child;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(-child.pid!, 'SIGKILL');
    await exited;
    this.cloud = undefined;
  }

  /** Ctrl-C in the terminal: SIGINT to the cloud's process group; it drains, then stops. */
  async interrupt(): Promise<void> {
    const child = this.urls.child;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(-child.pid!, 'SIGINT');
    await exited;
    this.cloud = undefined;
  }

  async stop(): Promise<void> {
    await stopProcessGroup(this.cloud?.child);
    this.cloud = undefined;
  }

  /** The stack's outputs as the running cloud resolves them. */
  outputsOf(): Promise<Record<string, string>> {
    return Promise.resolve(this.outputs);
  }

  /** The lines of the cloud's log (all its starts) that match. */
  logLines(pattern: RegExp): string[] {
    return readFileSync(this.urls.logFile, 'utf8')
      .split('\n')
      .filter((line) => pattern.test(line));
  }

  /** How the orders since the baseline ended: `STATUS` or `STATUS REASON`, with counts. */
  async outcomes(baseline: { orderIds: string[] }): Promise<Record<string, number>> {
    const client = DynamoDBDocumentClient.from(new DynamoDBClient(edgeConfig(this.urls)));
    try {
      const known = new Set(baseline.orderIds);
      const counts: Record<string, number> = {};
      for await (const page of paginateScan(
        { client },
        { TableName: this.outputs.OrderTableName, ConsistentRead: true },
      )) {
        for (const item of page.Items ?? []) {
          const order = item as { orderId: string; userId?: string; status: string; failureReason?: string };
          if (!order.userId || known.has(order.orderId)) continue;
          const key = [order.status, order.failureReason].filter(Boolean).join(' ');
          counts[key] = (counts[key] ?? 0) + 1;
        }
      }
      return counts;
    } finally {
      client.destroy();
    }
  }

  invariants() {
    return invariantChecker({ tables: tablesFromOutputs(this.outputs), ...edgeConfig(this.urls) });
  }

  private async token(user: User): Promise<string> {
    if (!this.tokens.has(user)) this.tokens.set(user, await tokenFor(this.urls, user));
    return this.tokens.get(user)!;
  }

  async api<T>(
    user: User | undefined,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: T }> {
    const all: Record<string, string> = { ...headers };
    if (user) all.authorization = `Bearer ${await this.token(user)}`;
    if (body !== undefined) all['content-type'] = 'application/json';
    const response = await fetch(`${this.urls.api}${path}`, {
      method,
      headers: all,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  /** A product of the test's own, created by the admin. */
  async product(price: number, stock: number): Promise<string> {
    const sku = `REL-${randomUUID().slice(0, 8).toUpperCase()}`;
    const { status } = await this.api('admin', 'PUT', `/products/${sku}`, { name: `Reliability ${sku}`, price, stock });
    if (status !== 200) throw new Error(`PUT /products/${sku} answered ${status}`);
    return sku;
  }

  async slots(): Promise<{ slotId: string; remaining: number; capacity: number }[]> {
    return (
      await this.api<{ slotId: string; remaining: number; capacity: number }[]>(undefined, 'GET', '/delivery/slots')
    ).body;
  }

  async deposit(user: User, amount: number): Promise<void> {
    const { status } = await this.api(user, 'POST', '/billing/account/deposit', { amount });
    if (status !== 200) throw new Error(`deposit answered ${status}`);
  }

  /** POST /orders as a careful client: on a 5xx or a lost connection, the same request again with the same key. */
  async placeOrder(order: PlannedOrder, tries = 1): Promise<number | 'lost'> {
    for (let attempt = 1; ; attempt++) {
      const status = await this.api(
        order.user,
        'POST',
        '/orders',
        { items: order.items, delivery: { slotId: order.slotId, address: '1 Reliability Road' } },
        { 'idempotency-key': order.key },
      ).then(
        (response) => response.status,
        () => 'lost' as const,
      );
      if ((status === 'lost' || status >= 500 || status === 409) && attempt < tries) {
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
        continue;
      }
      return status;
    }
  }

  /** The reconciler, run as an operator would: Lambda Invoke on the edge, with an age threshold. */
  async reconcile(olderThanSeconds = 0): Promise<{ started: string[] }> {
    const lambda = new LambdaClient(edgeConfig(this.urls));
    try {
      const result = await lambda.send(
        new InvokeCommand({
          FunctionName: this.outputs.ReconcileFunctionName,
          Payload: Buffer.from(JSON.stringify({ olderThanSeconds })),
        }),
      );
      const payload = JSON.parse(Buffer.from(result.Payload ?? []).toString('utf8') || '{}') as { started?: string[] };
      if (result.FunctionError) throw new Error(`The reconciler failed: ${JSON.stringify(payload)}`);
      return { started: payload.started ?? [] };
    } finally {
      lambda.destroy();
    }
  }

  /**
   * Waits until the shop is quiet: every order since the baseline has ended and its notification has
   * come (notifications are asynchronous); then answers every violation. At the deadline, answers what it has.
   */
  async settle(
    baseline: Awaited<ReturnType<ReturnType<ReliabilityShop['invariants']>['snapshot']>>,
    deadlineMs = 180_000,
  ): Promise<Violation[]> {
    const invariants = this.invariants();
    const deadline = Date.now() + deadlineMs;
    let reconcileAt: number | undefined = Date.now() + 3000;
    for (;;) {
      const violations = await invariants.checkInvariants(baseline);
      const open = violations.filter((v) => v.rule === 'terminal' || v.rule === 'notification');
      if (open.length === 0 || Date.now() > deadline) return violations;
      // Orders a crash left PENDING with no execution: what the scheduled reconciler does after a minute, done now.
      if (reconcileAt !== undefined && Date.now() > reconcileAt) {
        await this.reconcile(0);
        reconcileAt = undefined;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/** A small, fast, seedable generator (mulberry32), so that a randomized run can be replayed from its seed. */
export const random = (seed: number) => {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
  };
};
