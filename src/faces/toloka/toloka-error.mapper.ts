import { assertNever, DomainError, DomainErrorCode } from '../../common/domain-error';
import { FaceError, KnownError } from '../../common/face-error';
import { RequestValidationError, ValidationIssue } from '../../common/request-validation.error';

// The v1 error body (pools-and-operations.md §3.1): toloka-kit reads `code` from every non-2xx
// JSON body and crashes without it, so every error — Fastify's own included — comes out this way.
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

// class-validator constraint → toloka-kit ValidationErrorCodes (§3.3).
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

function fromDomain(error: DomainError, requestId: string): FaceError {
  const code: DomainErrorCode = error.code;
  switch (code) {
    case 'REQUEST_MALFORMED_BODY':
      return tolokaError(400, 'VALIDATION_ERROR', 'Invalid request body', requestId, {
        body: { code: 'JSON_EXPECTED', message: error.message },
      });
    case 'REQUEST_ORGANIZATION_REQUIRED':
    case 'REQUEST_INVALID_PREFLIGHT':
    case 'REQUEST_TYPE_MISMATCH':
    case 'REQUEST_CLIENT_ID_NOT_ALLOWED':
      return tolokaError(400, 'VALIDATION_ERROR', error.message, requestId);
    case 'REQUEST_UNSUPPORTED_FILTER':
    case 'REQUEST_UNSUPPORTED_SORT':
    case 'REQUEST_INVALID_QUERY': {
      const parameter = typeof error.meta?.parameter === 'string' ? error.meta.parameter : 'query';
      return tolokaError(400, 'VALIDATION_ERROR', error.message, requestId, {
        [parameter]: { code: 'INVALID_VALUE', message: error.message },
      });
    }
    case 'REQUEST_UNAUTHENTICATED':
      return tolokaError(401, 'AUTHENTICATION_ERROR', error.message, requestId);
    case 'REQUEST_ORGANIZATION_MISMATCH':
      return tolokaError(403, 'ACCESS_DENIED', error.message, requestId);
    case 'REQUEST_ROUTE_NOT_FOUND':
    case 'ACCOUNT_NOT_FOUND':
    case 'ACCOUNT_TOKEN_NOT_FOUND':
      return tolokaError(404, 'DOES_NOT_EXIST', error.message, requestId);
    case 'REQUEST_NOT_ACCEPTABLE':
      return tolokaError(406, 'NOT_ACCEPTABLE', error.message, requestId);
    case 'REQUEST_BODY_TOO_LARGE':
      return tolokaError(413, 'PAYLOAD_TOO_LARGE', error.message, requestId);
    case 'REQUEST_UNSUPPORTED_MEDIA_TYPE':
      return tolokaError(415, 'UNSUPPORTED_MEDIA_TYPE', error.message, requestId);
    case 'REQUEST_RATE_LIMITED':
      // Never a Retry-After header nor a payload.interval: either crashes toloka-kit 1.x (§10.3).
      return tolokaError(429, 'TOO_MANY_REQUESTS', error.message, requestId, error.meta);
    case 'REQUEST_SERVICE_UNAVAILABLE':
      return tolokaError(503, 'REMOTE_SERVICE_UNAVAILABLE', error.message, requestId);
    case 'TASK_NOT_FOUND':
    case 'PROJECT_NOT_FOUND':
    case 'USER_NOT_FOUND':
      return tolokaError(404, 'DOES_NOT_EXIST', error.message, requestId);
    case 'TASK_ID_TAKEN':
    case 'PROJECT_ID_TAKEN':
    case 'TASK_CYCLE':
    case 'TASK_PLACEMENT_MISMATCH':
    case 'TASK_MOVE_OVERLAP':
    case 'TASK_NOT_NESTED':
      return tolokaError(409, 'CONFLICT_STATE', error.message, requestId);
    case 'TASK_DUPLICATE_ID':
      return tolokaError(400, 'VALIDATION_ERROR', error.message, requestId);
    case 'TASK_BATCH_TOO_LARGE':
      return tolokaError(413, 'PAYLOAD_TOO_LARGE', error.message, requestId);
    case 'TASK_DETAIL_NOT_FOUND':
      return tolokaError(404, 'DOES_NOT_EXIST', error.message, requestId);
    case 'TASK_DETAIL_REFERENCE_INVALID':
    case 'TASK_DETAIL_INVALID':
      return tolokaError(400, 'VALIDATION_ERROR', error.message, requestId);
    case 'TASK_DETAIL_CONFLICT':
      return tolokaError(409, 'CONFLICT_STATE', error.message, requestId);
    case 'POOL_NOT_FOUND':
    case 'CROWD_PROJECT_NOT_FOUND':
    case 'OPERATION_NOT_FOUND':
      return tolokaError(404, 'DOES_NOT_EXIST', error.message, requestId);
    case 'POOL_PROJECT_INVALID':
      return tolokaError(400, 'VALIDATION_ERROR', 'Validation failed', requestId, {
        [error.field ?? 'project_id']: { code: 'ENTITY_DOES_NOT_EXIST', message: error.message },
      });
    case 'POOL_PROJECT_FOREIGN':
      return tolokaError(400, 'VALIDATION_ERROR', 'Validation failed', requestId, {
        [error.field ?? 'project_id']: { code: 'ENTITY_ACCESS_DENIED', message: error.message },
      });
    case 'POOL_PROJECT_IMMUTABLE':
      return tolokaError(400, 'VALIDATION_ERROR', 'Validation failed', requestId, {
        [error.field ?? 'project_id']: { code: 'VALUE_NOT_ALLOWED', message: error.message },
      });
    case 'POOL_INAPPROPRIATE_STATUS':
      return tolokaError(409, 'INAPPROPRIATE_STATUS', error.message, requestId, {
        appropriate_statuses: error.meta?.appropriate_statuses ?? [],
      });
    case 'PROJECT_INAPPROPRIATE_STATUS':
      return tolokaError(409, 'PROJECT_INAPPROPRIATE_STATUS', error.message, requestId, {
        appropriate_statuses: error.meta?.appropriate_statuses ?? [],
      });
    case 'PROJECT_UNARCHIVED_POOLS':
      return tolokaError(409, 'UNARCHIVED_POOLS_CONFLICT', error.message, requestId);
    case 'IDEMPOTENCY_KEY_REUSED':
    case 'IDEMPOTENCY_KEY_IN_PROGRESS':
      return tolokaError(409, 'CONFLICT_STATE', error.message, requestId);
    case 'TASK_COPY_SOURCE_NOT_FOUND':
      return tolokaError(404, 'DOES_NOT_EXIST', error.message, requestId);
    case 'TASK_COPY_INVALID':
    case 'TASK_COPY_TOO_LARGE':
      return tolokaError(400, 'VALIDATION_ERROR', error.message, requestId, error.meta);
    default:
      return assertNever(code);
  }
}

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
  if (error instanceof DomainError) return fromDomain(error, requestId);
  return tolokaError(500, 'INTERNAL_ERROR', 'Internal server error', requestId);
}
