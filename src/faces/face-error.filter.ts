import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../common/domain-error';
import { FaceError, normalizeError, UnexpectedError } from '../common/face-error';
import { routedPath } from '../common/http-transport';
import { faceFor } from './faces';

/**
 * The one place errors become responses. Fastify's own failures (unknown route, unparsable or
 * oversized body, wrong media type) never reach a controller, so the face is chosen by URL prefix
 * rather than by controller-bound filters. No stack trace ever reaches a client.
 */
@Catch()
export class FaceErrorFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const face = faceFor(routedPath(request));
    if (face.name === 'service' && exception instanceof HttpException) {
      // Health probes answer in Terminus's own shape (503 with the failing indicators).
      reply.status(exception.getStatus()).send(exception.getResponse());
      return;
    }
    const error = normalizeError(exception);
    const answer = face.toError(error, String(request.id));

    if (error instanceof UnexpectedError) {
      request.log.error({ err: error.original, face: face.name }, 'request failed with an unexpected error');
    } else if (answer.status >= 500) {
      const cause = error instanceof DomainError && error.cause instanceof Error ? error.cause : undefined;
      request.log.error(
        {
          code: error instanceof DomainError ? error.code : undefined,
          error: error.message,
          cause: cause?.message,
          face: face.name,
        },
        'request failed',
      );
    }
    if (reply.sent) return;
    send(reply, answer);
  }
}

/**
 * A URL Fastify cannot decode (bad percent-encoding) fails before routing, so before every hook
 * and this filter (Fastify's `frameworkErrors`): answered as a missing route, in its face's
 * format, with the request id and nosniff the hooks would have added.
 */
export function answerUnroutable(error: Error, request: FastifyRequest, reply: FastifyReply): void {
  const face = faceFor(request.url.split('?')[0]);
  const answer = face.toError(
    new DomainError('REQUEST_ROUTE_NOT_FOUND', `No route for this URL: ${error.message}`),
    String(request.id),
  );
  reply.header('x-request-id', String(request.id)).header('x-content-type-options', 'nosniff');
  send(reply, answer);
}

function send(reply: FastifyReply, answer: FaceError): void {
  reply.status(answer.status).header('content-type', answer.contentType);
  for (const [name, value] of Object.entries(answer.headers ?? {})) reply.header(name, value);
  reply.send(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
}
