import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { EmfBridge, ShopObservability } from './constructs/observability';
import { ParticipantCircuits } from './constructs/circuits';
import { OrderReconciler } from './constructs/order-reconciler';
import { OrderSaga } from './constructs/order-saga';
import { SagaFailures } from './constructs/saga-failures';
import {
  BillingService,
  DeliveryService,
  type IdentitySettings,
  NotificationService,
  OrderService,
  WarehouseService,
} from './constructs/services';
import { ShopApi } from './constructs/shop-api';
import { ShopFunction } from './constructs/shop-function';

export interface ShopStackProps extends StackProps {
  identity: IdentitySettings;
  /**
   * Turn EMF log lines into metrics with a log subscription (EmfBridge), for targets whose
   * CloudWatch Logs does not do it itself: LocalStack. Off by default, as on AWS it would count twice.
   */
  emfBridge?: boolean;
  /** How the dashboard is made: a CloudFormation resource, or PutDashboard through a custom resource (LocalStack). */
  dashboard?: 'resource' | 'api';
  /** An email address subscribed to the alerts topic (CDK context `alertEmail`); none by default. */
  alertEmail?: string;
  /**
   * `all` (the default), or `single-metric`: only the alarms on one metric, for targets whose
   * CloudFormation refuses metric-math and composite alarms (MiniStack; test/infra/localstack-free-tier.json).
   */
  alarms?: 'all' | 'single-metric';
  /** Whether placing an order gets an X-Ray sampling rule of its own: true by default; MiniStack refuses the type. */
  samplingRule?: boolean;
}

/** Where each service keeps its data: for the AWS CLI, and for seeding a deployed stack (npm run seed:deployed). */
const tableOutputs = (stack: Stack, services: Record<string, { table: { tableName: string } }>) => {
  for (const [name, service] of Object.entries(services))
    new CfnOutput(stack, `${name}TableName`, { value: service.table.tableName });
};

/** Serverless Shop: five services, one saga, one API. The single source of truth for every target. */
/** The stack's outputs: a value each, and what it is for. */
const outputs = (stack: Stack, values: Record<string, [string, string?]>) => {
  for (const [id, [value, description]] of Object.entries(values))
    new CfnOutput(stack, id, { value, ...(description && { description }) });
};

export class ShopStack extends Stack {
  constructor(scope: Construct, id: string, props: ShopStackProps) {
    super(scope, id, props);
    const { identity } = props;

    const orderEvents = new Topic(this, 'OrderEvents', {
      topicName: `${this.stackName}-order-events`,
      displayName: 'Order outcomes',
    });
    const billing = new BillingService(this, 'Billing', identity);
    const warehouse = new WarehouseService(this, 'Warehouse', identity);
    const delivery = new DeliveryService(this, 'Delivery');
    const notification = new NotificationService(this, 'Notification', { identity, orderEvents });
    const order = new OrderService(this, 'Order', { identity, quote: warehouse.quote });

    // Pay, reserve and book go through their circuits; the undo steps go straight to their service.
    const circuits = new ParticipantCircuits(this, 'Circuits', {
      participants: { BillingPay: billing.pay, WarehouseReserve: warehouse.reserve, DeliveryBook: delivery.book },
    });
    const saga = new OrderSaga(this, 'OrderSaga', {
      orderEvents,
      functions: {
        OrderCallParticipantFunctionArn: circuits.callParticipant,
        BillingRefundFunctionArn: billing.refund,
        WarehouseReleaseFunctionArn: warehouse.release,
        DeliveryCancelFunctionArn: delivery.cancel,
        OrderUpdateStatusFunctionArn: order.updateStatus,
        OrderBeginCompensationFunctionArn: order.beginCompensation,
      },
    });
    order.createOrder.addEnvironment('STATE_MACHINE_ARN', saga.stateMachine.stateMachineArn);
    saga.stateMachine.grantStartExecution(order.createOrder);
    const reconciler = new OrderReconciler(this, 'OrderReconciler', {
      ordersTable: order.table,
      stateMachine: saga.stateMachine,
    });
    new SagaFailures(this, 'SagaFailures', { ordersTable: order.table, stateMachine: saga.stateMachine, orderEvents });

    const authorizer = new ShopFunction(this, 'Authorizer', {
      service: 'auth',
      handler: 'authorizer',
      description: 'API Gateway TOKEN authorizer: verifies Keycloak access tokens',
      environment: {
        ISSUER_URL: identity.issuerUrl,
        AUDIENCE: identity.audience,
        ...(identity.jwksUri && { JWKS_URI: identity.jwksUri }),
      },
    });

    const api = new ShopApi(this, 'ShopApi', {
      authorizerFunction: authorizer,
      samplingRule: props.samplingRule,
      routes: [
        { method: 'GET', path: '/products', handler: warehouse.listProducts, public: true },
        { method: 'PUT', path: '/products/{sku}', handler: warehouse.putProduct },
        { method: 'GET', path: '/delivery/slots', handler: delivery.listSlots, public: true },
        { method: 'GET', path: '/billing/account', handler: billing.getAccount },
        { method: 'POST', path: '/billing/account/deposit', handler: billing.deposit },
        { method: 'POST', path: '/orders', handler: order.createOrder },
        { method: 'GET', path: '/orders', handler: order.listOrders },
        { method: 'GET', path: '/orders/{orderId}', handler: order.getOrder },
        { method: 'GET', path: '/notifications', handler: notification.listNotifications },
      ],
    });

    const functions = () => this.node.findAll().filter((c): c is ShopFunction => c instanceof ShopFunction);
    const { dashboard, alertEmail, alarms } = props;
    const observability = new ShopObservability(this, 'Observability', {
      ...{ stateMachine: saga.stateMachine, dashboard, functions: functions(), alertEmail, alarms },
    });
    if (props.emfBridge) new EmfBridge(this, 'EmfBridge', { functions: functions() });

    const alerts = "Every alarm's state changes (an email subscription with -c alertEmail=you@example.com)";
    outputs(this, {
      ApiUrl: [api.api.url, 'Base URL of the shop API (stage v1)'],
      IssuerUrl: [identity.issuerUrl, 'OpenID Connect issuer the API trusts'],
      StateMachineArn: [saga.stateMachine.stateMachineArn],
      OrderEventsTopicArn: [orderEvents.topicArn],
      AlertsTopicArn: [observability.alertsTopic.topicArn, alerts],
      ReconcileFunctionName: [
        reconciler.function.functionName,
        'Invoke with {"olderThanSeconds":N} to start the sagas of orders PENDING for longer',
      ],
      CircuitFunctionName: [circuits.callParticipant.functionName, "The circuit breakers' step: N, T and K"],
    });
    const services = { Billing: billing, Warehouse: warehouse, Delivery: delivery, Order: order, Circuit: circuits };
    tableOutputs(this, { ...services, Notification: notification });
  }
}
