import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { RouteConfig } from '@nestjs/platform-fastify';
import { DomainError } from './domain-error';

export interface RouteLimits {
  bodyLimit?: number;
  /** The route takes the body as raw bytes of any media type (attachment content). */
  rawContent?: boolean;
}

/** Raises this route's body limit above the default `BODY_LIMIT_BYTES` (up to `BODY_LIMIT_MAX_BYTES`). */
export const BodyLimit = (bytes: number) => RouteConfig({ bodyLimit: bytes } satisfies RouteLimits);

/** The route receives its body as a Buffer, whatever its media type, up to `bytes`. */
export const RawBody = (bytes: number) =>
  RouteConfig({ bodyLimit: bytes, rawContent: true } satisfies RouteLimits);

function routeLimits(request: FastifyRequest): RouteLimits {
  return (request.routeOptions.config as RouteLimits | undefined) ?? {};
}

export const JSON_MEDIA_TYPES = ['application/json', 'application/vnd.api+json'];

// Fatal: a byte sequence that is not UTF-8 refuses the body instead of becoming U+FFFD, which would
// be stored as if the client had sent it. The byte-order mark stays for the JSON parser, which
// skips it.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function newRequestId(): string {
  return randomUUID();
}

// Deeper JSON is refused before parsing: recursive code downstream (validation, serialization)
// would overflow the stack on it. No face's documents come near it.
export const MAX_JSON_DEPTH = 64;

/** Whether arrays and objects in the JSON text nest deeper than `max` (strings are skipped). */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // A string: jump to its closing quote, one not escaped by an odd run of backslashes.
      let end = i;
      for (;;) {
        end = text.indexOf('"', end + 1);
        if (end < 0) return false; // unterminated: the parser says so
        let backslashes = 0;
        while (text.charCodeAt(end - 1 - backslashes) === 0x5c) backslashes++;
        if (backslashes % 2 === 0) break;
      }
      i = end;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/**
 * JSON bodies for every face. Clients (the To Do widget, curl users on action POSTs) send
 * `Content-Type: application/json` with an empty body: that is `{}`, not an error. Limits are per
 * route: a declared Content-Length over the route's limit is refused before the body is read;
 * otherwise the parser reads up to the global maximum, then holds the body to the route's limit.
 */
export function registerJsonParsers(fastify: FastifyInstance, defaultLimit: number, maxLimit: number): void {
  // Before the body is read, but after the onRequest hooks (request id, security headers, CORS),
  // so that the 413 carries them like every other answer.
  fastify.addHook('preParsing', (request, _reply, payload, done) => {
    const declared = Number(request.headers['content-length']);
    const limit = routeLimits(request).bodyLimit ?? defaultLimit;
    if (declared > limit)
      done(new DomainError('REQUEST_BODY_TOO_LARGE', `The request body is over ${limit} bytes`));
    else done(null, payload);
  });
  // `__proto__` and `constructor` are names like any other in a JSON document: free-form members
  // (pool filters, task specs, the widget's custom keys) keep them as data. JSON.parse makes them
  // own properties; code that copies keys of a parsed body defines them, never assigns them.
  const parse = fastify.getDefaultJsonParser('ignore', 'ignore');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser(
    JSON_MEDIA_TYPES,
    { parseAs: 'buffer', bodyLimit: maxLimit },
    (request: FastifyRequest, body: Buffer, done: (err: Error | null, value?: unknown) => void) => {
      const limits = routeLimits(request);
      const limit = limits.bodyLimit ?? defaultLimit;
      if (body.length > limit) {
        done(new DomainError('REQUEST_BODY_TOO_LARGE', `The request body is over ${limit} bytes`));
        return;
      }
      if (limits.rawContent) {
        done(null, body);
        return;
      }
      let text: string;
      try {
        text = UTF8.decode(body);
      } catch {
        done(new DomainError('REQUEST_MALFORMED_BODY', 'The body is not valid UTF-8'));
        return;
      }
      if (text.trim() === '') {
        done(null, {});
        return;
      }
      if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
        done(
          new DomainError(
            'REQUEST_MALFORMED_BODY',
            `The body nests arrays and objects deeper than ${MAX_JSON_DEPTH}`,
          ),
        );
        return;
      }
      parse(request, text, (err: Error | null, value?: unknown) => {
        if (err)
          done(new DomainError('REQUEST_MALFORMED_BODY', `The body is not valid JSON: ${err.message}`));
        else done(null, value);
      });
    },
  );
}

/**
 * Any other media type is refused (415) except on routes that take raw bytes, which get a Buffer.
 */
export function registerRawParser(fastify: FastifyInstance, defaultLimit: number, maxLimit: number): void {
  fastify.removeContentTypeParser('text/plain');
  fastify.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: maxLimit },
    (request, body: Buffer, done) => {
      const limits = routeLimits(request);
      if (!limits.rawContent) {
        done(
          new DomainError(
            'REQUEST_UNSUPPORTED_MEDIA_TYPE',
            `Unsupported Content-Type ${String(request.headers['content-type'] ?? '(none)')}`,
          ),
        );
        return;
      }
      if (body.length > (limits.bodyLimit ?? defaultLimit)) {
        done(new DomainError('REQUEST_BODY_TOO_LARGE', `The request body is over ${limits.bodyLimit} bytes`));
        return;
      }
      done(null, body);
    },
  );
}

/**
 * The path the router matched (`/api/v2/tasks/copy` even when the client sent `/api/%762/…`), so
 * per-face decisions cannot be dodged by percent-encoding; for an unmatched URL, its decoded path.
 */
export function routedPath(request: FastifyRequest): string {
  // `*` is the catch-all OPTIONS route of CORS preflights: its URL says nothing about the face.
  if (request.routeOptions.url && request.routeOptions.url !== '*') return request.routeOptions.url;
  const raw = request.url.split('?')[0];
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * OPTIONS is answered only as a CORS preflight (by @fastify/cors, whose hook runs after this one).
 * Without Origin and Access-Control-Request-Method no browser sent it: refused in the face's own
 * format, where the CORS plugin would answer a bare text/plain 400.
 */
export function registerPreflightCheck(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, _reply, done) => {
    if (
      request.method === 'OPTIONS' &&
      (!request.headers.origin || !request.headers['access-control-request-method'])
    ) {
      done(
        new DomainError(
          'REQUEST_INVALID_PREFLIGHT',
          'OPTIONS is answered only to CORS preflight requests, with Origin and Access-Control-Request-Method',
          { meta: { header: request.headers.origin ? 'Access-Control-Request-Method' : 'Origin' } },
        ),
      );
      return;
    }
    done();
  });
}

/** Every response carries the request id that its log lines carry. */
export function registerRequestIdHeader(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
}

/**
 * Once the server begins closing (Fastify's preClose, after Nest's shutdown hooks ran), a request
 * that still arrives on an open keep-alive connection is refused 503 in its face's format and its
 * connection closed. Fastify's own answer (`return503OnClosing`) is a bare JSON body without a
 * `code`: toloka-kit crashes on it and the To Do widget takes it for a success.
 */
export function registerShutdownRefusal(fastify: FastifyInstance): void {
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onRequest', (_request, reply, done) => {
    if (!closing) {
      done();
      return;
    }
    reply.header('connection', 'close');
    done(
      new DomainError(
        'REQUEST_SERVICE_UNAVAILABLE',
        'This instance is shutting down; retry the request on a new connection',
      ),
    );
  });
}
