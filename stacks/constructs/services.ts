import { Duration } from 'aws-cdk-lib';
import { AttributeType, ProjectionType, type Table } from 'aws-cdk-lib/aws-dynamodb';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { serviceTable } from './service-table';
import { ShopFunction } from './shop-function';

/** Settings every function that reads a caller's identity needs. */
export interface IdentitySettings {
  issuerUrl: string;
  audience: string;
  jwksUri?: string;
}

const identityEnv = ({ issuerUrl, audience, jwksUri }: IdentitySettings): Record<string, string> => ({
  ISSUER_URL: issuerUrl,
  AUDIENCE: audience,
  ...(jwksUri && { JWKS_URI: jwksUri }),
});

/** The `byKind` index: every item of a kind (products, slots), in the order of `sortKey`, without a scan. */
const byKind = (table: Table, sortKey: string) =>
  table.addGlobalSecondaryIndex({
    indexName: 'byKind',
    partitionKey: { name: 'kind', type: AttributeType.STRING },
    sortKey: { name: sortKey, type: AttributeType.STRING },
    projectionType: ProjectionType.ALL,
  });

export class BillingService extends Construct {
  readonly table: Table;
  readonly getAccount: ShopFunction;
  readonly deposit: ShopFunction;
  readonly pay: ShopFunction;
  readonly refund: ShopFunction;

  constructor(scope: Construct, id: string, identity: IdentitySettings) {
    super(scope, id);
    this.table = serviceTable(this, 'Table');
    const fn = (
      name: string,
      handler: string,
      description: string,
      access: 'read' | 'readWrite',
      env: Record<string, string> = {},
    ) =>
      new ShopFunction(this, name, { service: 'billing', handler, description, environment: env }).bindTable(
        this.table,
        'BILLING_TABLE',
        access,
      );
    this.getAccount = fn('GetAccount', 'get-account', 'GET /billing/account', 'read', identityEnv(identity));
    this.deposit = fn('Deposit', 'deposit', 'POST /billing/account/deposit', 'readWrite', identityEnv(identity));
    this.pay = fn('Pay', 'pay', 'Saga: debit the buyer once per order', 'readWrite');
    this.refund = fn('Refund', 'refund', 'Saga compensation: refund once', 'readWrite');
  }
}

export class WarehouseService extends Construct {
  readonly table: Table;
  readonly listProducts: ShopFunction;
  readonly putProduct: ShopFunction;
  readonly quote: ShopFunction;
  readonly reserve: ShopFunction;
  readonly release: ShopFunction;

  constructor(scope: Construct, id: string, identity: IdentitySettings) {
    super(scope, id);
    this.table = serviceTable(this, 'Table');
    byKind(this.table, 'sku');
    const fn = (
      name: string,
      handler: string,
      description: string,
      access: 'read' | 'readWrite',
      env: Record<string, string> = {},
    ) =>
      new ShopFunction(this, name, { service: 'warehouse', handler, description, environment: env }).bindTable(
        this.table,
        'WAREHOUSE_TABLE',
        access,
      );
    this.listProducts = fn('ListProducts', 'list-products', 'GET /products', 'read');
    this.putProduct = fn(
      'PutProduct',
      'put-product',
      'PUT /products/{sku} (admin)',
      'readWrite',
      identityEnv(identity),
    );
    this.quote = fn('Quote', 'quote', 'Internal: price a basket for the Order service', 'read');
    this.reserve = fn('Reserve', 'reserve', 'Saga: reserve all lines or none', 'readWrite');
    this.release = fn('Release', 'release', 'Saga compensation: release once', 'readWrite');
  }
}

export class DeliveryService extends Construct {
  readonly table: Table;
  readonly listSlots: ShopFunction;
  readonly book: ShopFunction;
  readonly cancel: ShopFunction;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = serviceTable(this, 'Table');
    byKind(this.table, 'listOrder');
    const fn = (name: string, handler: string, description: string, access: 'read' | 'readWrite') =>
      new ShopFunction(this, name, { service: 'delivery', handler, description }).bindTable(
        this.table,
        'DELIVERY_TABLE',
        access,
      );
    this.listSlots = fn('ListSlots', 'list-slots', 'GET /delivery/slots', 'read');
    this.book = fn('Book', 'book', 'Saga: book a place in a slot', 'readWrite');
    this.cancel = fn('Cancel', 'cancel', 'Saga compensation: cancel a booking once', 'readWrite');
  }
}

export class NotificationService extends Construct {
  readonly table: Table;
  readonly onOrderEvent: ShopFunction;
  readonly listNotifications: ShopFunction;

  constructor(scope: Construct, id: string, props: { identity: IdentitySettings; orderEvents: ITopic }) {
    super(scope, id);
    this.table = serviceTable(this, 'Table', {
      partitionKey: { name: 'userId', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
    });
    this.onOrderEvent = new ShopFunction(this, 'OnOrderEvent', {
      service: 'notification',
      handler: 'on-order-event',
      description: 'SNS order-events subscriber: store a notification per outcome',
    }).bindTable(this.table, 'NOTIFICATIONS_TABLE', 'readWrite');
    this.listNotifications = new ShopFunction(this, 'ListNotifications', {
      service: 'notification',
      handler: 'list-notifications',
      description: 'GET /notifications',
      environment: identityEnv(props.identity),
    }).bindTable(this.table, 'NOTIFICATIONS_TABLE', 'read');
    props.orderEvents.addSubscription(new LambdaSubscription(this.onOrderEvent));
  }
}

export class OrderService extends Construct {
  readonly table: Table;
  readonly idempotencyTable: Table;
  readonly createOrder: ShopFunction;
  readonly getOrder: ShopFunction;
  readonly listOrders: ShopFunction;
  readonly updateStatus: ShopFunction;
  readonly beginCompensation: ShopFunction;

  constructor(scope: Construct, id: string, props: { identity: IdentitySettings; quote: ShopFunction }) {
    super(scope, id);
    this.table = serviceTable(this, 'Table', {
      partitionKey: { name: 'orderId', type: AttributeType.STRING },
      sortKey: undefined,
      timeToLiveAttribute: 'expiresAt',
    });
    this.table.addGlobalSecondaryIndex({
      indexName: 'byUser',
      partitionKey: { name: 'userId', type: AttributeType.STRING },
      sortKey: { name: 'createdAt', type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    });
    // Sparse: only orders still PENDING carry `pending`, so the reconciler finds them by age without a scan.
    this.table.addGlobalSecondaryIndex({
      indexName: 'pendingByAge',
      partitionKey: { name: 'pending', type: AttributeType.STRING },
      sortKey: { name: 'createdAt', type: AttributeType.STRING },
      projectionType: ProjectionType.KEYS_ONLY,
    });
    this.idempotencyTable = serviceTable(this, 'IdempotencyTable', {
      partitionKey: { name: 'id', type: AttributeType.STRING },
      sortKey: undefined,
      timeToLiveAttribute: 'expiration',
    });
    const api = identityEnv(props.identity);
    this.createOrder = new ShopFunction(this, 'CreateOrder', {
      service: 'order',
      handler: 'create-order',
      description: 'POST /orders (idempotent): write the order and start its saga',
      timeout: Duration.seconds(10),
      environment: { ...api, QUOTE_FUNCTION_NAME: props.quote.functionName },
    })
      .bindTable(this.table, 'ORDERS_TABLE', 'readWrite')
      .bindTable(this.idempotencyTable, 'IDEMPOTENCY_TABLE', 'readWrite');
    props.quote.grantInvoke(this.createOrder);
    this.getOrder = new ShopFunction(this, 'GetOrder', {
      service: 'order',
      handler: 'get-order',
      description: 'GET /orders/{orderId}',
      environment: api,
    }).bindTable(this.table, 'ORDERS_TABLE', 'read');
    this.listOrders = new ShopFunction(this, 'ListOrders', {
      service: 'order',
      handler: 'list-orders',
      description: 'GET /orders',
      environment: api,
    }).bindTable(this.table, 'ORDERS_TABLE', 'read');
    this.updateStatus = new ShopFunction(this, 'UpdateStatus', {
      service: 'order',
      handler: 'update-status',
      description: 'Saga: move the order to its next status and record it',
    }).bindTable(this.table, 'ORDERS_TABLE', 'readWrite');
    this.beginCompensation = new ShopFunction(this, 'BeginCompensation', {
      service: 'order',
      handler: 'begin-compensation',
      description: 'Saga: fence the order before its compensations; a completed order refuses',
    }).bindTable(this.table, 'ORDERS_TABLE', 'readWrite');
  }
}
