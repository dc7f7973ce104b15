/**
 * Errors the edge maps to HTTP. Anything else becomes a generic 500 and is logged, never shown.
 */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
    this.name = code;
  }
}

export class BadRequest extends HttpError {
  constructor(message: string, code = 'BAD_REQUEST', extra?: Record<string, unknown>) {
    super(400, code, message, extra);
  }
}

export class Unauthorized extends HttpError {
  constructor(message = 'A valid bearer token is required') {
    super(401, 'UNAUTHORIZED', message);
  }
}

export class Forbidden extends HttpError {
  constructor(message = 'You are not allowed to do this') {
    super(403, 'FORBIDDEN', message);
  }
}

export class NotFound extends HttpError {
  constructor(message: string) {
    super(404, 'NOT_FOUND', message);
  }
}

export class Conflict extends HttpError {
  constructor(code: string, message: string, extra?: Record<string, unknown>) {
    super(409, code, message, extra);
  }
}

export class Unprocessable extends HttpError {
  constructor(code: string, message: string) {
    super(422, code, message);
  }
}

/**
 * Business failures of saga steps. Their `name` becomes the Lambda `errorType`,
 * which the state machine's Catch clauses route on.
 */
export class PaymentDeclined extends Error {
  override readonly name = 'PaymentDeclined';
}

export class OutOfStock extends Error {
  override readonly name = 'OutOfStock';
}

export class DeliveryUnavailable extends Error {
  override readonly name = 'DeliveryUnavailable';
}

/** True when a DynamoDB call failed because a condition did not hold. */
export const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error &&
  (error.name === 'ConditionalCheckFailedException' || error.name === 'TransactionCanceledException');

/** The per-item cancellation codes of a failed transaction (`'None'` for items that were fine). */
export const cancellationCodes = (error: unknown): string[] => {
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.map((reason) => reason.Code ?? 'None');
};
