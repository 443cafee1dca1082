import type { IncomingHttpHeaders } from 'node:http';

/** A request header's value; of a header sent more than once, the first. */
export function firstHeader(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
