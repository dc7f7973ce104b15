/** An AWS service error: its code (`__type` in JSON protocols, `Code` in XML) and HTTP status. */
export class ServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = code;
  }
}
