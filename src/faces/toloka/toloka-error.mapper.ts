import { DomainError } from '../../common/domain-error';
import { FaceError, KnownError } from '../../common/face-error';
import { RequestValidationError, ValidationIssue } from '../../common/request-validation.error';
import type { DomainErrorCode } from '../error-codes';

// The v1 error body (docs/v1.md#errors): toloka-kit reads `code` from every non-2xx JSON body and
// crashes without it (docs/clients.md#errors-need-a-code), so every error — Fastify's own
// included — comes out this way.
function tolokaError(
  status: number,
  code: string,
  message: string,
  requestId: string,
  payload?: Record<string, unknown>,
): FaceError {
  return {
    status,
    contentType: 'application/json; charset=utf-8',
    body: { request_id: requestId, code, message, ...(payload === undefined ? {} : { payload }) },
  };
}

// class-validator constraint → toloka-kit ValidationErrorCodes (docs/v1.md#validation-payload).
function validationCode(issue: ValidationIssue): string {
  switch (issue.constraint) {
    case 'isDefined':
      return 'VALUE_REQUIRED';
    case 'isNotEmpty':
      return issue.missing ? 'VALUE_REQUIRED' : 'BLANK_STRING_NOT_ALLOWED';
    case 'isString':
      return issue.missing ? 'VALUE_REQUIRED' : 'STRING_EXPECTED';
    case 'isBoolean':
      return issue.missing ? 'VALUE_REQUIRED' : 'BOOLEAN_EXPECTED';
    case 'isInt':
      return issue.missing ? 'VALUE_REQUIRED' : 'INTEGER_EXPECTED';
    case 'isNumber':
      return issue.missing ? 'VALUE_REQUIRED' : 'FLOAT_EXPECTED';
    case 'isObject':
    case 'nestedValidation':
      return issue.missing ? 'VALUE_REQUIRED' : 'OBJECT_EXPECTED';
    case 'isArray':
      return issue.missing ? 'VALUE_REQUIRED' : 'ARRAY_EXPECTED';
    case 'min':
      return 'VALUE_LESS_THAN_MIN';
    case 'max':
      return 'VALUE_GREATER_THAN_MAX';
    case 'isEnum':
    case 'isIn':
      return 'UNKNOWN_ENUM_VALUE';
    case 'isDateString':
    case 'isIso8601':
    case 'dateTime':
      return 'INVALID_DATE_TIME_SYNTAX';
    case 'maxLength':
      return 'STRING_LENGTH_GREATER_THAN_MAX';
    case 'isAscii':
      return 'INVALID_VALUE';
    default:
      return issue.constraint.toUpperCase().match(/^[A-Z_]+$/) ? issue.constraint : 'INVALID_VALUE';
  }
}

export function validationPayload(issues: ValidationIssue[]): Record<string, unknown> {
  const payload: Record<string, unknown> = {};
  for (const issue of issues) {
    if (payload[issue.path]) continue; // the first problem of a field is the one reported
    payload[issue.path] = {
      code: validationCode(issue),
      message: issue.message,
      ...(issue.params ? { params: issue.params } : {}),
    };
  }
  return payload;
}

type Render = (error: DomainError, requestId: string) => FaceError;

/** The error's own message under a fixed status and v1 code. */
const plain =
  (status: number, code: string): Render =>
  (error, requestId) =>
    tolokaError(status, code, error.message, requestId);

/** A 400 whose payload names the body field at fault (the pool's `project_id`) and its code. */
const fieldProblem =
  ({ code }: { code: string }): Render =>
  (error, requestId) =>
    tolokaError(400, 'VALIDATION_ERROR', 'Validation failed', requestId, {
      [error.field ?? 'project_id']: { code, message: error.message },
    });

/** A 409 listing the statuses in which the action is allowed. */
const inappropriate =
  (code: string): Render =>
  (error, requestId) =>
    tolokaError(409, code, error.message, requestId, {
      appropriate_statuses: error.meta?.appropriate_statuses ?? [],
    });

const queryProblem: Render = (error, requestId) => {
  const parameter = typeof error.meta?.parameter === 'string' ? error.meta.parameter : 'query';
  return tolokaError(400, 'VALIDATION_ERROR', error.message, requestId, {
    [parameter]: { code: 'INVALID_VALUE', message: error.message },
  });
};

const VALIDATION = plain(400, 'VALIDATION_ERROR');
const NOT_FOUND = plain(404, 'DOES_NOT_EXIST');
const CONFLICT = plain(409, 'CONFLICT_STATE');
const TOO_LARGE = plain(413, 'PAYLOAD_TOO_LARGE');

// Every domain code, each with its v1 answer: the Record type fails to compile until a new code
// is given one here.
const BY_CODE: Record<DomainErrorCode, Render> = {
  REQUEST_MALFORMED_BODY: (error, requestId) =>
    tolokaError(400, 'VALIDATION_ERROR', 'Invalid request body', requestId, {
      body: { code: 'JSON_EXPECTED', message: error.message },
    }),
  REQUEST_ORGANIZATION_REQUIRED: VALIDATION,
  REQUEST_INVALID_PREFLIGHT: VALIDATION,
  REQUEST_TYPE_MISMATCH: VALIDATION,
  REQUEST_CLIENT_ID_NOT_ALLOWED: VALIDATION,
  REQUEST_UNSUPPORTED_FILTER: queryProblem,
  REQUEST_UNSUPPORTED_SORT: queryProblem,
  REQUEST_INVALID_QUERY: queryProblem,
  REQUEST_UNAUTHENTICATED: plain(401, 'AUTHENTICATION_ERROR'),
  REQUEST_ORGANIZATION_MISMATCH: plain(403, 'ACCESS_DENIED'),
  REQUEST_ROUTE_NOT_FOUND: NOT_FOUND,
  REQUEST_NOT_ACCEPTABLE: plain(406, 'NOT_ACCEPTABLE'),
  REQUEST_BODY_TOO_LARGE: TOO_LARGE,
  REQUEST_UNSUPPORTED_MEDIA_TYPE: plain(415, 'UNSUPPORTED_MEDIA_TYPE'),
  // Never a Retry-After header nor a payload.interval: either crashes toloka-kit 1.x
  // (docs/clients.md#no-retry-after).
  REQUEST_RATE_LIMITED: (error, requestId) =>
    tolokaError(429, 'TOO_MANY_REQUESTS', error.message, requestId, error.meta),
  REQUEST_SERVICE_UNAVAILABLE: plain(503, 'REMOTE_SERVICE_UNAVAILABLE'),
  ACCOUNT_NOT_FOUND: NOT_FOUND,
  ACCOUNT_TOKEN_NOT_FOUND: NOT_FOUND,
  TASK_NOT_FOUND: NOT_FOUND,
  PROJECT_NOT_FOUND: NOT_FOUND,
  USER_NOT_FOUND: NOT_FOUND,
  TASK_ID_TAKEN: CONFLICT,
  PROJECT_ID_TAKEN: CONFLICT,
  TASK_CYCLE: CONFLICT,
  TASK_PLACEMENT_MISMATCH: CONFLICT,
  TASK_MOVE_OVERLAP: CONFLICT,
  TASK_NOT_NESTED: CONFLICT,
  TASK_DUPLICATE_ID: VALIDATION,
  TASK_BATCH_TOO_LARGE: TOO_LARGE,
  TASK_DETAIL_NOT_FOUND: NOT_FOUND,
  TASK_DETAIL_REFERENCE_INVALID: VALIDATION,
  TASK_DETAIL_INVALID: VALIDATION,
  TASK_DETAIL_CONFLICT: CONFLICT,
  POOL_NOT_FOUND: NOT_FOUND,
  CROWD_PROJECT_NOT_FOUND: NOT_FOUND,
  OPERATION_NOT_FOUND: NOT_FOUND,
  OPERATION_LIMIT_REACHED: (error, requestId) =>
    tolokaError(429, 'TOO_MANY_REQUESTS', error.message, requestId, error.meta),
  POOL_PROJECT_INVALID: fieldProblem({ code: 'ENTITY_DOES_NOT_EXIST' }),
  POOL_PROJECT_FOREIGN: fieldProblem({ code: 'ENTITY_ACCESS_DENIED' }),
  POOL_PROJECT_IMMUTABLE: fieldProblem({ code: 'VALUE_NOT_ALLOWED' }),
  POOL_INAPPROPRIATE_STATUS: inappropriate('INAPPROPRIATE_STATUS'),
  PROJECT_INAPPROPRIATE_STATUS: inappropriate('PROJECT_INAPPROPRIATE_STATUS'),
  PROJECT_UNARCHIVED_POOLS: plain(409, 'UNARCHIVED_POOLS_CONFLICT'),
  IDEMPOTENCY_KEY_REUSED: CONFLICT,
  IDEMPOTENCY_KEY_IN_PROGRESS: CONFLICT,
  TASK_COPY_SOURCE_NOT_FOUND: NOT_FOUND,
  TASK_COPY_INVALID: (error, requestId) =>
    tolokaError(400, 'VALIDATION_ERROR', error.message, requestId, error.meta),
  TASK_COPY_TOO_LARGE: (error, requestId) =>
    tolokaError(400, 'VALIDATION_ERROR', error.message, requestId, error.meta),
};

export function toTolokaError(error: KnownError, requestId: string): FaceError {
  if (error instanceof RequestValidationError) {
    return tolokaError(
      400,
      'VALIDATION_ERROR',
      'Validation failed',
      requestId,
      validationPayload(error.issues),
    );
  }
  if (error instanceof DomainError) return BY_CODE[error.code as DomainErrorCode](error, requestId);
  return tolokaError(500, 'INTERNAL_ERROR', 'Internal server error', requestId);
}
