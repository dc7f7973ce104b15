import { ApiError, NetworkError, type Answer } from './api';
import type { Order, OrderRequest } from './types';

/** How placing an order ended, as the page tells it. */
export type PlaceResult =
  /** 201: a new order. */
  | { kind: 'created'; order: Order }
  /** 200: the server had this key's order already (a retry whose first try got through) and answered it again. */
  | { kind: 'replayed'; order: Order }
  /** 409 DUPLICATE_ORDER: a similar order was placed minutes ago; the body is that order. */
  | { kind: 'duplicate'; message: string; existingId?: string }
  /** Anything else: the message in words, and whether sending again (with the same key) is safe and useful. */
  | { kind: 'failed'; message: string; retry: boolean };

interface Intent {
  key: string;
  /** The request body this key was made for: another body is another intent. */
  body: string;
  inflight?: Promise<PlaceResult>;
}

/** Retrying these with the same key is safe, and may succeed: the network, a request still in flight, the server's own failures. */
const retryable = (error: unknown): boolean =>
  error instanceof NetworkError ||
  (error instanceof ApiError &&
    (error.code === 'IDEMPOTENCY_KEY_IN_FLIGHT' || error.status >= 500 || error.status === 429));

const resultOf = (error: unknown): PlaceResult => {
  if (error instanceof ApiError && error.code === 'DUPLICATE_ORDER') {
    const existing = error.body.order as Partial<Order> | undefined;
    return { kind: 'duplicate', message: error.message, existingId: existing?.orderId };
  }
  if (error instanceof ApiError || error instanceof NetworkError)
    return { kind: 'failed', message: error.message, retry: retryable(error) };
  return { kind: 'failed', message: 'Something went wrong while placing the order.', retry: true };
};

/**
 * One Idempotency-Key per intent to buy. The same basket, slot and address submitted again (a
 * double-click, a retry after a network error or a 5xx) reuse the key, so the server makes at most one
 * order of it and answers a repeat with a 200 replay; a submission while one is in flight sends
 * nothing more and waits for that one. Once the server has answered for good (an order, or a
 * refusal), the next submission is a new intent with a new key.
 */
export class OrderIntents {
  private current?: Intent;

  constructor(
    private readonly send: (request: OrderRequest, key: string) => Promise<Answer<Order>>,
    private readonly newKey: () => string = () => crypto.randomUUID(),
  ) {}

  /** The key a submission of this request would carry now. */
  keyFor(request: OrderRequest): string {
    return this.intentFor(request).key;
  }

  get pending(): boolean {
    return this.current?.inflight !== undefined;
  }

  submit(request: OrderRequest): Promise<PlaceResult> {
    const intent = this.intentFor(request);
    intent.inflight ??= this.attempt(intent, request);
    return intent.inflight;
  }

  private intentFor(request: OrderRequest): Intent {
    const body = JSON.stringify(request);
    if (this.current?.body !== body) this.current = { key: this.newKey(), body };
    return this.current;
  }

  private async attempt(intent: Intent, request: OrderRequest): Promise<PlaceResult> {
    let result: PlaceResult;
    try {
      const answer = await this.send(request, intent.key);
      result =
        answer.status === 200 ? { kind: 'replayed', order: answer.body } : { kind: 'created', order: answer.body };
    } catch (error) {
      result = resultOf(error);
    }
    intent.inflight = undefined;
    // Settled for good: the next submission, even of the same basket, is a new intent.
    if (!(result.kind === 'failed' && result.retry) && this.current === intent) this.current = undefined;
    return result;
  }
}
