import { mergeConfig } from '../../../web/shared/config';
import { orderTraceLink } from '../../../web/shop/console-link';

// The shop links an order to its trace in the console only where the local cloud serves both: its
// config.json names the edge and the state machine.
const served = {
  api: 'http://localhost:3000/',
  issuer: 'http://localhost:8080/realms/shop',
  edge: 'http://localhost:4566',
  stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:OrderSaga',
};

describe('the shop’s link from an order to its trace in the console', () => {
  test('served by the local cloud: the console beside the page, at the order’s trace', () => {
    const config = mergeConfig(served, new URLSearchParams());
    expect(orderTraceLink(config, 'order 1/2', '')).toBe('console/#/traces/order/order%201%2F2');
  });

  test('no link on a static host without an edge, nor when ?api= points the page at another target', () => {
    expect(
      orderTraceLink(mergeConfig({ api: served.api, issuer: served.issuer }, new URLSearchParams()), 'o-1', ''),
    ).toBeUndefined();
    expect(
      orderTraceLink(mergeConfig({ ...served, stateMachineArn: '' }, new URLSearchParams()), 'o-1', ''),
    ).toBeUndefined();
    const search = '?api=https://abc.execute-api.eu-west-1.amazonaws.com/v1/';
    expect(orderTraceLink(mergeConfig(served, new URLSearchParams(search)), 'o-1', search)).toBeUndefined();
  });
});
