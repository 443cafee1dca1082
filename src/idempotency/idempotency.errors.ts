/** Stable codes of the idempotency store; every face maps each one. */
export type IdempotencyErrorCode =
  // The same Idempotency-Key was sent with a different request (method, route or body).
  | 'IDEMPOTENCY_KEY_REUSED'
  // The first request with this key is still being processed.
  | 'IDEMPOTENCY_KEY_IN_PROGRESS';
