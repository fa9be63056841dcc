/** A client-side problem with a durable request; `status` is the HTTP status the API answers. */
export class DurableRequestError extends Error {
  constructor(
    readonly status: 400 | 404 | 409 | 410 | 412,
    message: string,
  ) {
    super(message);
    this.name = 'DurableRequestError';
  }
}
