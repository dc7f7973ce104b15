import type { Account, Notification, Order, OrderRequest, Page, Product, Slot } from './types';

/** An answer of the API that is not a success: its status, its error code and its message, in words. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The error's body, for the errors that carry more (a 409 duplicate carries the existing order). */
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** The request never got an answer: the network failed, or the API is not where the config says. */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
}

const FALLBACK_MESSAGES: Record<number, string> = {
  401: 'Your session has ended. Please sign in again.',
  403: 'You are not allowed to do that.',
  404: 'Not found.',
  429: 'Too many requests. Please wait a moment and try again.',
  502: 'The shop is not answering right now. Please try again.',
  503: 'The shop is not answering right now. Please try again.',
  504: 'The shop took too long to answer. Please try again.',
};

/** The error an answer carries, as words: the API's own message when it sent one, never its raw JSON. */
const errorOf = async (response: Response): Promise<ApiError> => {
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  const code = typeof body.error === 'string' ? body.error : `HTTP_${response.status}`;
  const message =
    typeof body.message === 'string' && body.message
      ? body.message
      : (FALLBACK_MESSAGES[response.status] ?? `The shop answered with an error (${response.status}).`);
  return new ApiError(response.status, code, message, body);
};

export interface Answer<T> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * The shop's public API, with the buyer's access token: nothing else. Every failure is an ApiError
 * (the API answered) or a NetworkError (it did not).
 */
export class ShopApi {
  constructor(
    /** The API's base URL, stage included, with a trailing slash. */
    private readonly base: string,
    private readonly token: () => Promise<string | undefined>,
  ) {}

  async request<T>(
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Answer<T>> {
    const token = await this.token();
    const headers: Record<string, string> = { ...options.headers, ...(token && { authorization: `Bearer ${token}` }) };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(new URL(path.replace(/^\//, ''), this.base), {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
      });
    } catch {
      throw new NetworkError('The shop could not be reached. Check your connection and try again.');
    }
    if (!response.ok) throw await errorOf(response);
    return { status: response.status, body: (await response.json()) as T, headers: response.headers };
  }

  private async page<T>(path: string, limit: number, next?: string): Promise<Page<T>> {
    const query = new URLSearchParams({ limit: String(limit), ...(next && { nextToken: next }) });
    const answer = await this.request<T[]>('GET', `${path}?${query.toString()}`);
    return { items: answer.body, next: answer.headers.get('next-token') ?? undefined };
  }

  products = async (): Promise<Product[]> => (await this.request<Product[]>('GET', 'products')).body;
  slots = async (): Promise<Slot[]> => (await this.request<Slot[]>('GET', 'delivery/slots')).body;
  account = async (): Promise<Account> => (await this.request<Account>('GET', 'billing/account')).body;
  deposit = async (cents: number): Promise<Account> =>
    (await this.request<Account>('POST', 'billing/account/deposit', { body: { amount: cents } })).body;
  order = async (orderId: string): Promise<Order> =>
    (await this.request<Order>('GET', `orders/${encodeURIComponent(orderId)}`)).body;
  orders = (limit = 10, next?: string): Promise<Page<Order>> => this.page<Order>('orders', limit, next);
  notifications = (limit = 10, next?: string): Promise<Page<Notification>> =>
    this.page<Notification>('notifications', limit, next);

  /** POST /orders: 201 a new order, 200 the replay of one this key made already. */
  placeOrder = (request: OrderRequest, idempotencyKey: string): Promise<Answer<Order>> =>
    this.request<Order>('POST', 'orders', { body: request, headers: { 'idempotency-key': idempotencyKey } });
}
