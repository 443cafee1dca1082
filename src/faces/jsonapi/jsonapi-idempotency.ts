import type { IncomingHttpHeaders } from 'node:http';
import { fingerprintRequest, IdempotencyRequest } from '../../idempotency/idempotency.service';
import { RequestError } from '../../common/request.errors';

/** The optional `Idempotency-Key` (docs/v2.md#idempotency) with the fingerprint of this request. */
export function idempotencyOf(
  headers: IncomingHttpHeaders,
  ...request: unknown[]
): IdempotencyRequest | undefined {
  const raw = headers['idempotency-key'];
  if (raw === undefined) return undefined;
  const key = (Array.isArray(raw) ? raw[0] : raw).trim();
  if (!key || key.length > 255) {
    throw new RequestError('REQUEST_INVALID_QUERY', 'Idempotency-Key must be 1 to 255 characters', {
      meta: { header: 'Idempotency-Key', parameter: 'Idempotency-Key' },
    });
  }
  return { key, fingerprint: fingerprintRequest(...request) };
}

/**
 * The Idempotency-Key of a copy route (`route`, e.g. `POST /api/v2/tasks/copy`), held by the token:
 * keys are scoped by organization and token; the rest of `request` is what must match on a repeat.
 */
export function copyKeyOf(
  headers: IncomingHttpHeaders,
  tokenHash: string,
  route: string,
  ...request: unknown[]
) {
  return { idempotency: idempotencyOf(headers, route, ...request), holder: tokenHash };
}
