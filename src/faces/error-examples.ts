import type { FaceError, FaceErrorMapper, KnownError } from '../common/face-error';

/** The request id shown in error examples. */
export const EXAMPLE_REQUEST_ID = '0b6f7c1e-2d4a-4e55-9a57-3c8e1f2b9d10';

/**
 * The body a face answers for one representative error of a status, rendered by the face's own
 * mapper, so that a Swagger error example is always what that status really carries. An error
 * that the mapper answers with another status is a mistake in the table: it stops the start.
 */
export function errorExample(toError: FaceErrorMapper, status: number, error: KnownError): FaceError['body'] {
  const rendered = toError(error, EXAMPLE_REQUEST_ID);
  if (rendered.status !== status) {
    throw new Error(`The ${status} error example renders as ${rendered.status}`);
  }
  return rendered.body;
}
