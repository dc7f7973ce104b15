import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { getRecord, keyOf } from '#shared/dynamo';
import { doOnce, undoOnce } from '#shared/once';
import { CURRENCY } from '#shared/money';
import {
  type Account,
  emptyAccount,
  PAYMENT_LIFE,
  type Payment,
  payOutcomeForExisting,
  type PayOutcome,
} from './domain';

export interface RefundOutcome {
  refunded: boolean;
  amount: number;
}

export interface BillingStore {
  getAccount(userId: string): Promise<Account>;
  deposit(userId: string, amount: number): Promise<Account>;
  pay(orderId: string, userId: string, amount: number): Promise<PayOutcome>;
  refund(orderId: string): Promise<RefundOutcome>;
  getPayment(orderId: string): Promise<Payment | undefined>;
  openAccount(userId: string, openingBalance: number): Promise<boolean>;
}

const accountKey = keyOf('ACCOUNT');
const paymentKey = keyOf('PAYMENT');
const toPayment = (orderId: string, item: Payment): Payment => ({
  orderId,
  userId: item.userId,
  amount: item.amount,
  status: item.status,
});
const ledgerEntry = (userId: string, type: string, amount: number, orderId?: string) => {
  const at = new Date().toISOString();
  return { pk: `ACCOUNT#${userId}`, sk: `TX#${at}#${orderId ?? randomUUID()}#${type}`, type, amount, orderId, at };
};

/**
 * Accounts, payments and a ledger in one table. Every money movement is a single transaction that
 * writes the balance, the payment and the ledger entry together, or none of them.
 */
export class DynamoBillingStore implements BillingStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getAccount(userId: string): Promise<Account> {
    const item = await getRecord<{ balance: number }>(this.client, this.tableName, accountKey(userId));
    return item ? { userId, balance: item.balance, currency: CURRENCY } : emptyAccount(userId);
  }

  async deposit(userId: string, amount: number): Promise<Account> {
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: this.tableName,
              Key: accountKey(userId),
              UpdateExpression:
                'SET balance = if_not_exists(balance, :zero) + :amount, currency = :currency, updatedAt = :now',
              ExpressionAttributeValues: {
                ':zero': 0,
                ':amount': amount,
                ':currency': CURRENCY,
                ':now': new Date().toISOString(),
              },
            },
          },
          { Put: { TableName: this.tableName, Item: ledgerEntry(userId, 'DEPOSIT', amount) } },
        ],
      }),
    );
    return this.getAccount(userId);
  }

  /** Opens an account with an opening balance, once: false when the account already exists. */
  async openAccount(userId: string, openingBalance: number): Promise<boolean> {
    const result = await doOnce(this.client, {
      tableName: this.tableName,
      key: accountKey(userId),
      record: { balance: openingBalance, currency: CURRENCY, updatedAt: new Date().toISOString() },
      guards: [{ Put: { TableName: this.tableName, Item: ledgerEntry(userId, 'OPENING', openingBalance) } }],
    });
    return result.kind === 'done';
  }

  async getPayment(orderId: string): Promise<Payment | undefined> {
    const item = await getRecord<Payment>(this.client, this.tableName, paymentKey(orderId));
    return item && toPayment(orderId, item);
  }

  async pay(orderId: string, userId: string, amount: number): Promise<PayOutcome> {
    const payment: Payment = { orderId, userId, amount, status: 'PAID' };
    const result = await doOnce<Payment>(this.client, {
      tableName: this.tableName,
      key: paymentKey(orderId),
      record: { ...payment, createdAt: new Date().toISOString() },
      guards: [
        {
          Update: {
            TableName: this.tableName,
            Key: accountKey(userId),
            UpdateExpression: 'SET balance = balance - :amount, updatedAt = :now',
            ConditionExpression: 'balance >= :amount',
            ExpressionAttributeValues: { ':amount': amount, ':now': new Date().toISOString() },
          },
        },
        { Put: { TableName: this.tableName, Item: ledgerEntry(userId, 'PAYMENT', -amount, orderId) } },
      ],
    });
    if (result.kind === 'done') return { kind: 'paid', payment };
    if (result.kind === 'existing') return payOutcomeForExisting(toPayment(orderId, result.record), amount);
    // Only the debit is conditional: the account is missing or its balance is short.
    return { kind: 'declined', reason: 'insufficient funds' };
  }

  async refund(orderId: string): Promise<RefundOutcome> {
    const { undone, record } = await undoOnce<Payment>(this.client, {
      tableName: this.tableName,
      key: paymentKey(orderId),
      life: PAYMENT_LIFE,
      tombstone: { orderId, amount: 0 },
      undoWrites: (payment) => [
        {
          Update: {
            TableName: this.tableName,
            Key: accountKey(payment.userId),
            UpdateExpression: 'SET balance = balance + :amount, updatedAt = :now',
            ExpressionAttributeValues: { ':amount': payment.amount, ':now': new Date().toISOString() },
          },
        },
        { Put: { TableName: this.tableName, Item: ledgerEntry(payment.userId, 'REFUND', payment.amount, orderId) } },
      ],
    });
    return { refunded: undone, amount: undone ? record!.amount : 0 };
  }
}
