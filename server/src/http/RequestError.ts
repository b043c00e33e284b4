/**
 * A request refused for what it is, not for its credentials: a bad name or upgrade (400), too
 * many connections from one address (429), no room for another document or shutting down (503).
 * Only http/ decides statuses; it turns other layers' errors into these.
 */
export class RequestError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 429 | 503,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}
