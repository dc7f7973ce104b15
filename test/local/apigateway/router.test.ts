import { matchRoute } from '../../../local/apigateway/router';
import type { ResourceSpec } from '../../../local/apigateway/specs';

// Which resource of a REST API a request path belongs to, and its path parameters. The gateway around
// it (methods, 403 for no route, 400 for a broken path) is in http/front.test.ts.

const resource = (path: string): ResourceSpec => ({
  id: path,
  path,
  segments: path.split('/').filter(Boolean),
  methods: new Map(),
});
const api = (...paths: string[]) => paths.map(resource);
/** The path of the resource the request lands on, and its parameters; undefined for no route. */
const route = (resources: ResourceSpec[], path: string) => {
  const found = matchRoute(resources, path);
  return found && { path: found.resource.path, params: found.params };
};

describe('literal paths', () => {
  const resources = api('/', '/orders', '/orders/mine');

  test.each([
    ['the root', '/', '/'],
    ['an empty path is the root', '', '/'],
    ['a literal path', '/orders', '/orders'],
    ['a trailing slash', '/orders/', '/orders'],
    ['a doubled slash', '//orders', '/orders'],
    ['a deeper literal path', '/orders/mine', '/orders/mine'],
  ])('%s: %j → %s', (_name, path, expected) => {
    expect(route(resources, path)).toEqual({ path: expected, params: {} });
  });

  test.each([
    ['a path no resource has', '/carts'],
    ['segments are case-sensitive', '/Orders'],
    ['no partial segment', '/order'],
    ['no extra segment', '/orders/mine/too'],
  ])('%s: %j has no route', (_name, path) => {
    expect(route(resources, path)).toBeUndefined();
  });

  test('no resources, no route', () => {
    expect(matchRoute([], '/')).toBeUndefined();
  });

  test('the route holds the resource itself, not a copy', () => {
    expect(matchRoute(resources, '/orders')?.resource).toBe(resources[1]);
  });
});

describe('path parameters', () => {
  test.each([
    ['one parameter', '/orders/{orderId}', '/orders/o-42', { orderId: 'o-42' }],
    ['two parameters', '/users/{userId}/orders/{orderId}', '/users/u-1/orders/o-2', { userId: 'u-1', orderId: 'o-2' }],
    ['a parameter is percent-decoded', '/orders/{orderId}', '/orders/o%2042', { orderId: 'o 42' }],
    ['an encoded slash stays inside its segment', '/orders/{orderId}', '/orders/a%2Fb', { orderId: 'a/b' }],
    ['UTF-8 in percent-encoding', '/products/{name}', '/products/caf%C3%A9', { name: 'café' }],
  ])('%s', (_name, resourcePath, path, params) => {
    expect(route(api(resourcePath), path)).toEqual({ path: resourcePath, params });
  });

  test('a literal segment is matched after decoding too', () => {
    expect(route(api('/café'), '/caf%C3%A9')).toEqual({ path: '/café', params: {} });
  });

  test('a parameter needs a segment of its own: /orders does not match /orders/{orderId}', () => {
    expect(route(api('/orders/{orderId}'), '/orders')).toBeUndefined();
  });

  test('a malformed percent-encoding throws URIError (the gateway answers it with a 400)', () => {
    expect(() => matchRoute(api('/orders/{orderId}'), '/orders/%E0%A4%A')).toThrow(URIError);
  });
});

describe('greedy {proxy+}', () => {
  test.each([
    [
      'takes every segment that is left, joined by /',
      '/files/{key+}',
      '/files/2026/06/o-1.pdf',
      { key: '2026/06/o-1.pdf' },
    ],
    ['takes one segment', '/files/{key+}', '/files/a', { key: 'a' }],
    ['at the root, takes the whole path', '/{proxy+}', '/orders/o-1/lines', { proxy: 'orders/o-1/lines' }],
    ['decodes each segment it takes', '/files/{key+}', '/files/a%20b/c%2Fd', { key: 'a b/c/d' }],
  ])('%s', (_name, resourcePath, path, params) => {
    expect(route(api(resourcePath), path)).toEqual({ path: resourcePath, params });
  });

  test.each([
    ['needs at least one segment', '/files/{key+}', '/files'],
    ['at the root, does not match the root itself', '/{proxy+}', '/'],
  ])('%s', (_name, resourcePath, path) => {
    expect(route(api(resourcePath), path)).toBeUndefined();
  });
});

describe('the most specific resource wins, whatever the order of the resources', () => {
  test.each([
    ['a literal segment over a parameter', ['/orders/{orderId}', '/orders/mine'], '/orders/mine', '/orders/mine'],
    ['a parameter over a greedy path', ['/orders/{proxy+}', '/orders/{orderId}'], '/orders/o-1', '/orders/{orderId}'],
    ['a literal over a greedy path', ['/{proxy+}', '/orders'], '/orders', '/orders'],
    [
      'a deeper literal over a parameter at the same depth',
      ['/orders/{orderId}/{part}', '/orders/{orderId}/lines'],
      '/orders/o-1/lines',
      '/orders/{orderId}/lines',
    ],
    [
      'the greedy path for what nothing else matches',
      ['/orders/{orderId}', '/{proxy+}'],
      '/orders/o-1/lines',
      '/{proxy+}',
    ],
    [
      'a literal first segment before a greedy rest, over two parameters',
      ['/{a}/{b}', '/orders/{proxy+}'],
      '/orders/o-1',
      '/orders/{proxy+}',
    ],
  ])('%s', (_name, paths, path, expected) => {
    expect(route(api(...paths), path)?.path).toBe(expected);
    expect(route(api(...[...paths].reverse()), path)?.path).toBe(expected);
  });

  test('only the chosen resource’s parameters are returned', () => {
    expect(route(api('/{proxy+}', '/orders/{orderId}'), '/orders/o-1')).toEqual({
      path: '/orders/{orderId}',
      params: { orderId: 'o-1' },
    });
  });
});
