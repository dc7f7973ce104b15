import type { APIGatewayProxyEvent } from 'aws-lambda';
import { z } from 'zod';
import fixture from '../events/list-orders.json';
import { BadRequest } from '../../functions/shared/errors';
import { decodeToken, encodeToken, pageRequest, pageResponse } from '../../functions/shared/paging';
import { match } from '../support/matchers';

/** Page requests and tokens: opaque, bound to the list and the caller, and 400 in the contract's shape when wrong. */
const Cursor = z.object({ createdAt: z.iso.datetime(), orderId: z.string().regex(/^[0-9a-f-]{36}$/) }).strict();
const cursor = { createdAt: '2026-01-01T00:00:00.000Z', orderId: '0123abcd-0000-8000-8000-000000000000' };

const requestWith = (query: Record<string, string> | null): APIGatewayProxyEvent => {
  const event = structuredClone(fixture) as unknown as APIGatewayProxyEvent;
  event.queryStringParameters = query;
  return event;
};

/** The error a call throws, for asserting on its code (and failing when it throws none). */
const errorOf = (call: () => unknown): BadRequest => {
  try {
    call();
  } catch (error) {
    return error as BadRequest;
  }
  throw new Error('expected the call to throw');
};

describe('limit', () => {
  test('defaults to 50 and takes 1 to 100', () => {
    expect(pageRequest(requestWith(null), 'orders', 'alice', Cursor)).toEqual({ limit: 50 });
    expect(pageRequest(requestWith({ limit: '1' }), 'orders', 'alice', Cursor)).toEqual({ limit: 1 });
    expect(pageRequest(requestWith({ limit: '100' }), 'orders', 'alice', Cursor)).toEqual({ limit: 100 });
  });

  test.each(['0', '101', '1000', '-1', '1.5', 'ten', '', ' 5', '5 ', '0x10', '1e2'])(
    '%p is a 400 INVALID_LIMIT',
    (limit) => {
      const error = errorOf(() => pageRequest(requestWith({ limit }), 'orders', 'alice', Cursor));
      expect(error).toBeInstanceOf(BadRequest);
      expect({ status: error.statusCode, code: error.code }).toEqual({ status: 400, code: 'INVALID_LIMIT' });
    },
  );
});

describe('nextToken', () => {
  test('a token round-trips to its cursor, for the list and caller it was made for', () => {
    const token = encodeToken('orders', 'alice', cursor);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(pageRequest(requestWith({ nextToken: token, limit: '2' }), 'orders', 'alice', Cursor)).toEqual({
      limit: 2,
      after: cursor,
    });
  });

  test.each([
    ['made for another user', () => encodeToken('orders', 'bob', cursor)],
    ['made for another list', () => encodeToken('notifications', 'alice', cursor)],
    ['empty', () => ''],
    ['not base64url', () => 'a+b/c='],
    ['base64url of no JSON', () => Buffer.from('hello').toString('base64url')],
    [
      'JSON of another shape',
      () => Buffer.from(JSON.stringify({ userId: 'alice', createdAt: cursor.createdAt })).toString('base64url'),
    ],
    ['a cursor that breaks its schema', () => encodeToken('orders', 'alice', { ...cursor, orderId: 'x' })],
    ['a cursor with a key of its own', () => encodeToken('orders', 'alice', { ...cursor, userId: 'bob' })],
    ['oversized', () => 'A'.repeat(5000)],
  ])('a token %s is a 400 INVALID_NEXT_TOKEN', (_, token) => {
    const error = errorOf(() => decodeToken('orders', 'alice', token(), Cursor));
    expect(error).toBeInstanceOf(BadRequest);
    expect({ status: error.statusCode, code: error.code, message: error.message }).toEqual({
      status: 400,
      code: 'INVALID_NEXT_TOKEN',
      message: match.any(String),
    });
  });
});

describe('the response', () => {
  test('carries the next token when there is a next page, and exposes it to browsers', () => {
    const response = pageResponse('orders', 'alice', { items: [1, 2], next: cursor });
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual([1, 2]);
    expect(response.headers).toMatchObject({
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Expose-Headers': 'Next-Token',
    });
    expect(decodeToken('orders', 'alice', String(response.headers!['Next-Token']), Cursor)).toEqual(cursor);
  });

  test('has no token on the last page', () => {
    expect(pageResponse('orders', 'alice', { items: [] }).headers).not.toHaveProperty('Next-Token');
  });
});
