import type { IncomingHttpHeaders } from 'node:http';
import { firstHeader as header } from '../common/headers';

// The scheme is optional: Swagger UI's "Authorize" sends an apiKey field's value as typed, so a
// pasted bare token arrives as `Authorization: <token>`. Tokens never contain whitespace, so a
// value of two words is a scheme and a token, and an unknown scheme (`Basic …`) matches nothing.
const AUTHORIZATION = /^(?:(?:OAuth|ApiKey|Bearer)\s+)?(\S+)\s*$/i;

/**
 * The token forms the faces' clients send: `Authorization: OAuth|ApiKey|Bearer <t>` (Toloka's
 * client and services) or a bare `Authorization: <t>`, `X-Auth-Token` (v2) and `Remote-Token`
 * (the To Do widget's setHeaders).
 */
export function extractToken(headers: IncomingHttpHeaders): string | undefined {
  const authorization = header(headers, 'authorization')?.trim();
  if (authorization) return AUTHORIZATION.exec(authorization)?.[1];
  return header(headers, 'x-auth-token')?.trim() || header(headers, 'remote-token')?.trim() || undefined;
}

export function organizationHeader(headers: IncomingHttpHeaders): string | undefined {
  return header(headers, 'x-organization-id')?.trim() || undefined;
}
