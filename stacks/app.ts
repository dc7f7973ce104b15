import { App } from 'aws-cdk-lib';
import { ShopStack } from './shop-stack';

const app = new App();
const context = (key: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  return typeof value === 'string' && value !== '' ? value : undefined;
};

new ShopStack(app, context('stackName') ?? 'ServerlessShop', {
  description: 'Serverless Shop: an order saga on Step Functions across four Lambda services',
  identity: {
    issuerUrl: context('issuerUrl') ?? 'http://localhost:8080/realms/shop',
    audience: context('audience') ?? 'shop-api',
    jwksUri: context('jwksUri'),
  },
  emfBridge: context('emfBridge') === 'true',
  dashboard: context('dashboard') === 'api' ? 'api' : 'resource',
  alertEmail: context('alertEmail'),
  alarms: context('alarms') === 'single-metric' ? 'single-metric' : 'all',
  samplingRule: context('samplingRule') !== 'false',
});
