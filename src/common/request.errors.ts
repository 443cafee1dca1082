import { DomainError } from './domain-error';

/** Errors of the transport itself, raised before or around any domain service. */
export type RequestErrorCode =
  | 'REQUEST_UNAUTHENTICATED'
  | 'REQUEST_ORGANIZATION_REQUIRED'
  | 'REQUEST_ORGANIZATION_MISMATCH'
  | 'REQUEST_MALFORMED_BODY'
  // OPTIONS without Origin and Access-Control-Request-Method: not a CORS preflight.
  | 'REQUEST_INVALID_PREFLIGHT'
  | 'REQUEST_BODY_TOO_LARGE'
  | 'REQUEST_UNSUPPORTED_MEDIA_TYPE'
  | 'REQUEST_NOT_ACCEPTABLE'
  | 'REQUEST_ROUTE_NOT_FOUND'
  | 'REQUEST_RATE_LIMITED'
  | 'REQUEST_SERVICE_UNAVAILABLE'
  // A query parameter the route does not support (meta.parameter names it).
  | 'REQUEST_UNSUPPORTED_FILTER'
  | 'REQUEST_UNSUPPORTED_SORT'
  | 'REQUEST_INVALID_QUERY'
  // JSON:API documents: a `data.type` other than the route's, or a client-chosen `data.id`.
  | 'REQUEST_TYPE_MISMATCH'
  | 'REQUEST_CLIENT_ID_NOT_ALLOWED';

/** A request error, its code checked. */
export class RequestError extends DomainError<RequestErrorCode> {}
