import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { createHash } from 'node:crypto';
import * as z from './zod';
import { BadRequest } from './errors';
import { json } from './http';

/**
 * Pages of a caller's list (`GET /orders`, `GET /notifications`): `?limit=&nextToken=`, newest first,
 * the next page's token in the `Next-Token` response header (absent on the last page).
 *
 * A token is opaque to clients: base64url JSON of where the next page starts (the store's cursor,
 * validated by the store's schema) and a tag of the list and the caller it was made for. The store
 * always queries the caller's own partition, so no token can reach another user's data; the tag
 * makes a token given to one user, or for another list, a 400 rather than a silent restart.
 */

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;
const MAX_TOKEN_LENGTH = 1024;

export interface PageRequest<C> {
  limit: number;
  /** Where the page starts: the cursor the previous page ended with. */
  after?: C;
}

export interface Page<T, C> {
  items: T[];
  /** Where the next page starts, when there is one. */
  next?: C;
}

/** Tells browsers they may read the token: CORS hides every response header not listed here. */
const EXPOSED = { 'Access-Control-Expose-Headers': 'Next-Token' };

const tagOf = (list: string, userId: string) =>
  createHash('sha256').update(`${list}\n${userId}`).digest('base64url').slice(0, 22);

const Token = z.strictObject({ t: z.string(), c: z.unknown() });

const invalidToken = () => new BadRequest('nextToken is not a token this list gave you', 'INVALID_NEXT_TOKEN');

export const encodeToken = <C>(list: string, userId: string, cursor: C): string =>
  Buffer.from(JSON.stringify({ t: tagOf(list, userId), c: cursor })).toString('base64url');

/** The cursor a token carries, if the token was made by this list for this caller; a 400 otherwise. */
export const decodeToken = <C>(list: string, userId: string, token: string, cursor: z.ZodMiniType<C>): C => {
  if (token.length > MAX_TOKEN_LENGTH || !/^[A-Za-z0-9_-]+$/.test(token)) throw invalidToken();
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalidToken();
  }
  const parsed = Token.safeParse(raw);
  if (!parsed.success || parsed.data.t !== tagOf(list, userId)) throw invalidToken();
  const position = cursor.safeParse(parsed.data.c);
  if (!position.success) throw invalidToken();
  return position.data;
};

const parseLimit = (value: string | undefined): number => {
  if (value === undefined) return DEFAULT_PAGE_SIZE;
  const limit = /^[0-9]{1,3}$/.test(value) ? Number(value) : NaN;
  if (!(limit >= 1 && limit <= MAX_PAGE_SIZE))
    throw new BadRequest(`limit must be a whole number from 1 to ${MAX_PAGE_SIZE}`, 'INVALID_LIMIT');
  return limit;
};

/** The page a request asks for: `limit` (1-100, default 50) and `nextToken` (a token of this list, for this caller). */
export const pageRequest = <C>(
  event: APIGatewayProxyEvent,
  list: string,
  userId: string,
  cursor: z.ZodMiniType<C>,
): PageRequest<C> => {
  const query = event.queryStringParameters ?? {};
  const limit = parseLimit(query.limit);
  const token = query.nextToken;
  return { limit, ...(token !== undefined && { after: decodeToken(list, userId, token, cursor) }) };
};

/** 200 with the page's items, and the next page's token in `Next-Token` when there is a next page. */
export const pageResponse = <T, C>(list: string, userId: string, page: Page<T, C>): APIGatewayProxyResult =>
  json(200, page.items, {
    ...EXPOSED,
    ...(page.next !== undefined && { 'Next-Token': encodeToken(list, userId, page.next) }),
  });
