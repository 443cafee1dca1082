import type { Dialect } from '../../src/config/database.options';
import type { RouteFace } from './openapi-routes';

/** One answer the fuzzer found wrong (a 5xx, or an error not in its face's format). */
export interface Finding {
  dialect: Dialect;
  face: RouteFace;
  /** `<method> <path>` of the route in /docs-json. */
  route: string;
  /** The method sent (sometimes not the route's). */
  method: string;
  status: number;
  contentType: string;
  /** The request's headers as sent (lower-case names). */
  requestHeaders: Record<string, string>;
  /** The request body as sent, when there was one. */
  requestBody: Buffer | undefined;
  /** Errors the service logged for this request: `<type>: <message>` lines. */
  logged: string[];
}
