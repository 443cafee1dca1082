import { DomainError, unservedCode } from '../../common/domain-error';
import { FaceError, KnownError } from '../../common/face-error';
import { RequestValidationError, ValidationIssue } from '../../common/request-validation.error';
import type { RequestErrorCode } from '../../common/request.errors';
import type { IdempotencyErrorCode } from '../../idempotency/idempotency.errors';
import type { OperationsErrorCode } from '../../operations/operations.errors';
import type { CopyViolation, TasksErrorCode } from '../../tasks/tasks.errors';

export const JSONAPI_MEDIA_TYPE = 'application/vnd.api+json';

/** Retry-After of a v2 503: the database is down or the instance is shutting down. */
export const SERVICE_UNAVAILABLE_RETRY_AFTER_S = 2;

/** Retry-After of a v2 429 copy_limit_reached: the account's copy operations are all busy. */
export const COPY_LIMIT_RETRY_AFTER_S = 5;

export interface JsonApiErrorObject {
  status: string;
  code: string;
  title: string;
  detail: string;
  source?: { pointer?: string; parameter?: string; header?: string };
  meta?: Record<string, unknown>;
}

export function errorObject(
  status: number,
  code: string,
  title: string,
  detail: string,
  source?: JsonApiErrorObject['source'],
  meta?: Record<string, unknown>,
): JsonApiErrorObject {
  return {
    status: String(status),
    code,
    title,
    detail,
    ...(source ? { source } : {}),
    ...(meta ? { meta } : {}),
  };
}

export function errorDocument(status: number, errors: JsonApiErrorObject[]): FaceError {
  return { status, contentType: JSONAPI_MEDIA_TYPE, body: { errors } };
}

/** `data.attributes.title` → `/data/attributes/title` (docs/v2.md#errors). */
export function pointerOf(path: string): string {
  return path ? `/${path.split('.').join('/')}` : '';
}

function issueCode(issue: ValidationIssue): string {
  if (issue.constraint === 'whitelistValidation') return 'unknown_attribute';
  if (issue.missing) return 'required';
  if (issue.constraint === 'isNotEmpty') return 'blank';
  if (/^is(String|Boolean|Int|Number|Object|Array|Enum|In)$/.test(issue.constraint)) return 'invalid_type';
  return 'invalid';
}

// A transport error's `field` is a document path (`data.type`); a domain error's is the name of
// the input attribute it is about (`template_id`).
function fieldPointer(error: DomainError): string {
  return error.code.startsWith('REQUEST_') ? pointerOf(error.field!) : `/data/attributes/${error.field}`;
}

function single(status: number, code: string, title: string, error: DomainError): FaceError {
  const source = error.field
    ? { pointer: fieldPointer(error) }
    : typeof error.meta?.header === 'string'
      ? { header: error.meta.header }
      : undefined;
  return errorDocument(status, [errorObject(status, code, title, error.message, source)]);
}

function queryError(code: string, title: string, error: DomainError): FaceError {
  const parameter = typeof error.meta?.parameter === 'string' ? error.meta.parameter : undefined;
  return errorDocument(400, [
    errorObject(400, code, title, error.message, parameter ? { parameter } : undefined),
  ]);
}

// The modules this face serves, one switch each: the transport, the task store, and the job
// service (operations and idempotency keys). A code of any other module answers 500.
function fromDomain(error: DomainError): FaceError | null {
  return fromRequest(error) ?? fromTasks(error) ?? fromJobs(error);
}

function fromRequest(error: DomainError): FaceError | null {
  const code = error.code as RequestErrorCode;
  switch (code) {
    case 'REQUEST_MALFORMED_BODY':
      return errorDocument(400, [
        errorObject(400, 'invalid_document', 'Invalid Document', error.message, {
          pointer: pointerOf(error.field ?? ''),
        }),
      ]);
    case 'REQUEST_INVALID_PREFLIGHT':
      return single(400, 'invalid_preflight', 'Bad Request', error);
    case 'REQUEST_TYPE_MISMATCH':
      return single(409, 'type_mismatch', 'Conflict', error);
    case 'REQUEST_CLIENT_ID_NOT_ALLOWED':
      return single(403, 'client_id_not_allowed', 'Forbidden', error);
    case 'REQUEST_ORGANIZATION_REQUIRED':
      return single(400, 'organization_required', 'Bad Request', error);
    case 'REQUEST_UNSUPPORTED_FILTER':
      return queryError('unsupported_filter', 'Unsupported Filter', error);
    case 'REQUEST_UNSUPPORTED_SORT':
      return queryError('unsupported_sort', 'Unsupported Sort', error);
    case 'REQUEST_INVALID_QUERY':
      return queryError('invalid_query_parameter', 'Invalid Query Parameter', error);
    case 'REQUEST_UNAUTHENTICATED':
      return single(401, 'unauthenticated', 'Unauthenticated', error);
    case 'REQUEST_ORGANIZATION_MISMATCH':
      return single(403, 'access_denied', 'Access Denied', error);
    case 'REQUEST_ROUTE_NOT_FOUND':
      return single(404, 'route_not_found', 'Not Found', error);
    case 'REQUEST_NOT_ACCEPTABLE':
      return single(406, 'not_acceptable', 'Not Acceptable', error);
    case 'REQUEST_BODY_TOO_LARGE':
      return single(413, 'payload_too_large', 'Payload Too Large', error);
    case 'REQUEST_UNSUPPORTED_MEDIA_TYPE':
      return single(415, 'unsupported_media_type', 'Unsupported Media Type', error);
    case 'REQUEST_RATE_LIMITED':
      return single(429, 'rate_limited', 'Too Many Requests', error);
    case 'REQUEST_SERVICE_UNAVAILABLE':
      // Unlike v1 (toloka-kit crashes on it), a JSON:API client may be told when to come back.
      return {
        ...single(503, 'service_unavailable', 'Service Unavailable', error),
        headers: { 'retry-after': String(SERVICE_UNAVAILABLE_RETRY_AFTER_S) },
      };
    default:
      return unservedCode(code);
  }
}

function fromTasks(error: DomainError): FaceError | null {
  const code = error.code as TasksErrorCode;
  switch (code) {
    case 'TASK_NOT_FOUND':
    case 'PROJECT_NOT_FOUND':
    case 'USER_NOT_FOUND':
      return single(404, 'record_not_found', 'Record Not Found', error);
    case 'TASK_ID_TAKEN':
    case 'PROJECT_ID_TAKEN':
    case 'TASK_CYCLE':
    case 'TASK_PLACEMENT_MISMATCH':
    case 'TASK_MOVE_OVERLAP':
    case 'TASK_NOT_NESTED':
      return single(409, 'conflict', 'Conflict', error);
    case 'TASK_DUPLICATE_ID':
      return single(422, 'invalid_attribute', 'Invalid Attribute', error);
    case 'TASK_BATCH_TOO_LARGE':
      return single(413, 'payload_too_large', 'Payload Too Large', error);
    case 'TASK_DETAIL_NOT_FOUND':
      return single(404, 'record_not_found', 'Record Not Found', error);
    case 'TASK_DETAIL_REFERENCE_INVALID':
      return single(422, 'invalid_reference', 'Invalid Attribute', error);
    case 'TASK_DETAIL_INVALID':
      return single(422, 'invalid_attribute', 'Invalid Attribute', error);
    case 'TASK_DETAIL_CONFLICT':
      return single(409, 'conflict', 'Conflict', error);
    case 'TASK_COPY_SOURCE_NOT_FOUND':
      return single(404, 'record_not_found', 'Record Not Found', error);
    case 'TASK_COPY_INVALID':
      // One error object per offending attribute (docs/v2.md#refusal-order).
      return errorDocument(
        422,
        ((error.meta?.violations ?? []) as CopyViolation[]).map((v) =>
          errorObject(422, v.code, 'Invalid Attribute', v.detail, { pointer: `/data/attributes/${v.field}` }),
        ),
      );
    case 'TASK_COPY_TOO_LARGE':
      return errorDocument(422, [
        errorObject(
          422,
          'copy_tree_too_large',
          'Invalid Attribute',
          error.message,
          { pointer: '/data/attributes/template_id' },
          {
            count: error.meta?.count,
          },
        ),
      ]);
    default:
      return unservedCode(code);
  }
}

function fromJobs(error: DomainError): FaceError | null {
  const code = error.code as OperationsErrorCode | IdempotencyErrorCode;
  switch (code) {
    case 'OPERATION_NOT_FOUND':
      return single(404, 'record_not_found', 'Record Not Found', error);
    case 'OPERATION_LIMIT_REACHED':
      return {
        ...errorDocument(429, [
          errorObject(429, 'copy_limit_reached', 'Too Many Requests', error.message, undefined, {
            limit: error.meta?.limit,
          }),
        ]),
        headers: { 'retry-after': String(COPY_LIMIT_RETRY_AFTER_S) },
      };
    // After the IETF Idempotency-Key draft: another request → 422, one still running → 409.
    case 'IDEMPOTENCY_KEY_REUSED':
      return single(422, 'idempotency_key_reused', 'Invalid Attribute', error);
    case 'IDEMPOTENCY_KEY_IN_PROGRESS':
      return single(409, 'request_in_progress', 'Conflict', error);
    default:
      return unservedCode(code);
  }
}

export function toJsonApiError(error: KnownError): FaceError {
  if (error instanceof RequestValidationError) {
    // One error per attribute: its first problem (a missing id fails isDefined, isInt, min and max).
    const firstPerPath = error.issues.filter(
      (issue, i, all) => all.findIndex((o) => o.path === issue.path) === i,
    );
    return errorDocument(
      422,
      firstPerPath.map((issue) =>
        errorObject(422, issueCode(issue), 'Invalid Attribute', issue.message, {
          pointer: pointerOf(issue.path),
        }),
      ),
    );
  }
  const answer = error instanceof DomainError ? fromDomain(error) : null;
  if (answer) return answer;
  return errorDocument(500, [errorObject(500, 'server_error', 'Server Error', 'Internal server error')]);
}
