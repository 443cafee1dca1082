import { HttpException } from '@nestjs/common';
import { isDatabaseUnavailable } from '../database/database-unavailable';
import { DomainError } from './domain-error';
import { RequestValidationError } from './request-validation.error';

/** What a face answers for an error: status, media type, body and extra headers. */
export interface FaceError {
  status: number;
  contentType: string;
  body: string | object;
  headers?: Record<string, string>;
}

/** An error no face recognises: the face answers 500 and the filter logs it with the request id. */
export class UnexpectedError {
  constructor(readonly original: unknown) {}
}

export type KnownError = DomainError | RequestValidationError | UnexpectedError;

/** Maps a known error to a face's wire format; each face has exactly one. */
export type FaceErrorMapper = (error: KnownError, requestId: string) => FaceError;

/**
 * Turns whatever was thrown into one of our error types. Fastify's own errors (route not found,
 * unparsable body, too large, unsupported media type) reach us as HttpExceptions with a status;
 * a database that cannot be reached or does not answer in time is a 503 on every face.
 */
export function normalizeError(exception: unknown): KnownError {
  if (exception instanceof DomainError || exception instanceof RequestValidationError) return exception;
  if (exception instanceof HttpException) {
    const message = exception.message;
    switch (exception.getStatus()) {
      case 400:
        return new DomainError('REQUEST_MALFORMED_BODY', `The request body could not be parsed: ${message}`);
      case 404:
        return new DomainError('REQUEST_ROUTE_NOT_FOUND', message || 'No such route');
      case 405:
        return new DomainError('REQUEST_ROUTE_NOT_FOUND', message || 'Method not allowed');
      case 413:
        return new DomainError(
          'REQUEST_BODY_TOO_LARGE',
          'The request body is larger than this route accepts',
        );
      case 415:
        return new DomainError('REQUEST_UNSUPPORTED_MEDIA_TYPE', message || 'Unsupported Content-Type');
      case 503:
        return new DomainError('REQUEST_SERVICE_UNAVAILABLE', 'The service is shutting down or overloaded');
    }
  }
  if (isDatabaseUnavailable(exception)) {
    return new DomainError('REQUEST_SERVICE_UNAVAILABLE', 'The database is unavailable; retry later', {
      cause: exception,
    });
  }
  return new UnexpectedError(exception);
}
