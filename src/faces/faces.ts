import { DomainError } from '../common/domain-error';
import { FaceErrorMapper, KnownError } from '../common/face-error';
import { RequestValidationError } from '../common/request-validation.error';
import { toJsonApiError } from './jsonapi/jsonapi-error.mapper';
import { toTodoError } from './todo/todo-error.mapper';
import { toTolokaError } from './toloka/toloka-error.mapper';

export const TODO_PREFIX = '/todo';
export const TOLOKA_PREFIX = '/api/v1';
export const JSONAPI_PREFIX = '/api/v2';

export type FaceName = 'todo' | 'toloka' | 'jsonapi' | 'service';

const FACES: Array<{ prefix: string; name: FaceName; toError: FaceErrorMapper }> = [
  { prefix: TODO_PREFIX, name: 'todo', toError: toTodoError },
  { prefix: TOLOKA_PREFIX, name: 'toloka', toError: toTolokaError },
  { prefix: JSONAPI_PREFIX, name: 'jsonapi', toError: toJsonApiError },
];

/** Routes outside the three faces (health, docs) answer plain JSON errors. */
const toServiceError: FaceErrorMapper = (error: KnownError, requestId: string) => {
  if (error instanceof RequestValidationError) {
    return {
      status: 400,
      contentType: 'application/json',
      body: { code: 'VALIDATION', message: error.message, requestId },
    };
  }
  if (error instanceof DomainError) {
    const status: Partial<Record<string, number>> = {
      REQUEST_UNAUTHENTICATED: 401,
      REQUEST_ROUTE_NOT_FOUND: 404,
      REQUEST_SERVICE_UNAVAILABLE: 503,
    };
    return {
      status: status[error.code] ?? 400,
      contentType: 'application/json',
      body: { code: error.code, message: error.message, requestId },
    };
  }
  return {
    status: 500,
    contentType: 'application/json',
    body: { code: 'INTERNAL', message: 'Internal server error', requestId },
  };
};

function belongs(url: string, prefix: string): boolean {
  return url === prefix || url.startsWith(`${prefix}/`) || url.startsWith(`${prefix}?`);
}

/** Which face serves a URL: decides the error format even for routes that do not exist. */
export function faceFor(url: string): { name: FaceName; toError: FaceErrorMapper } {
  return FACES.find((face) => belongs(url, face.prefix)) ?? { name: 'service', toError: toServiceError };
}
