import { assertNever, DomainError, DomainErrorCode } from '../../common/domain-error';
import { FaceError, KnownError } from '../../common/face-error';
import { RequestValidationError } from '../../common/request-validation.error';

// The To Do face's codes (todolist-rest.md §6); bodies are text/plain so the widget's provider,
// which only fails a call whose body is not JSON, sees the failure.
type TodoCode =
  | 'VALIDATION'
  | 'TOO_LARGE'
  | 'UNAUTHENTICATED'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'TOO_MANY_REQUESTS'
  | 'UNAVAILABLE'
  | 'INTERNAL';

function todoError(status: number, code: TodoCode, message: string): FaceError {
  // One line: the body is shown to people and parsed by nobody.
  const line = message.replace(/\s+/g, ' ').trim();
  return {
    status,
    contentType: 'text/plain; charset=utf-8',
    body: `${code}: ${line}`,
    headers: { 'x-todo-error': code },
  };
}

function fromCode(code: DomainErrorCode): [number, TodoCode] {
  switch (code) {
    // §6 gives VALIDATION one status, 400, whatever part of the request is wrong: its media
    // type included.
    case 'REQUEST_MALFORMED_BODY':
    case 'REQUEST_INVALID_PREFLIGHT':
    case 'REQUEST_UNSUPPORTED_MEDIA_TYPE':
    case 'REQUEST_NOT_ACCEPTABLE':
    case 'REQUEST_ORGANIZATION_REQUIRED':
    case 'REQUEST_UNSUPPORTED_FILTER':
    case 'REQUEST_UNSUPPORTED_SORT':
    case 'REQUEST_INVALID_QUERY':
    case 'REQUEST_TYPE_MISMATCH':
    case 'REQUEST_CLIENT_ID_NOT_ALLOWED':
      return [400, 'VALIDATION'];
    case 'REQUEST_BODY_TOO_LARGE':
      return [413, 'TOO_LARGE'];
    case 'REQUEST_UNAUTHENTICATED':
    case 'REQUEST_ORGANIZATION_MISMATCH':
      return [401, 'UNAUTHENTICATED'];
    case 'REQUEST_ROUTE_NOT_FOUND':
    case 'ACCOUNT_NOT_FOUND':
    case 'ACCOUNT_TOKEN_NOT_FOUND':
      return [404, 'NOT_FOUND'];
    case 'REQUEST_RATE_LIMITED':
      return [429, 'TOO_MANY_REQUESTS'];
    case 'REQUEST_SERVICE_UNAVAILABLE':
      return [503, 'UNAVAILABLE'];
    case 'TASK_NOT_FOUND':
    case 'PROJECT_NOT_FOUND':
    case 'USER_NOT_FOUND':
      return [404, 'NOT_FOUND'];
    case 'TASK_ID_TAKEN':
    case 'PROJECT_ID_TAKEN':
    case 'TASK_CYCLE':
    case 'TASK_PLACEMENT_MISMATCH':
    case 'TASK_MOVE_OVERLAP':
    case 'TASK_NOT_NESTED':
      return [409, 'CONFLICT'];
    case 'TASK_DUPLICATE_ID':
      return [400, 'VALIDATION'];
    case 'TASK_BATCH_TOO_LARGE':
      return [413, 'TOO_LARGE'];
    case 'TASK_DETAIL_NOT_FOUND':
    case 'TASK_DETAIL_REFERENCE_INVALID':
      return [404, 'NOT_FOUND'];
    case 'TASK_DETAIL_INVALID':
      return [400, 'VALIDATION'];
    case 'TASK_DETAIL_CONFLICT':
      return [409, 'CONFLICT'];
    case 'POOL_NOT_FOUND':
    case 'CROWD_PROJECT_NOT_FOUND':
    case 'OPERATION_NOT_FOUND':
      return [404, 'NOT_FOUND'];
    case 'POOL_PROJECT_INVALID':
    case 'POOL_PROJECT_FOREIGN':
    case 'POOL_PROJECT_IMMUTABLE':
      return [400, 'VALIDATION'];
    case 'POOL_INAPPROPRIATE_STATUS':
    case 'PROJECT_INAPPROPRIATE_STATUS':
    case 'PROJECT_UNARCHIVED_POOLS':
    case 'IDEMPOTENCY_KEY_REUSED':
    case 'IDEMPOTENCY_KEY_IN_PROGRESS':
      return [409, 'CONFLICT'];
    case 'TASK_COPY_SOURCE_NOT_FOUND':
      return [404, 'NOT_FOUND'];
    case 'TASK_COPY_INVALID':
      return [409, 'CONFLICT'];
    case 'TASK_COPY_TOO_LARGE':
      return [413, 'TOO_LARGE'];
    default:
      return assertNever(code);
  }
}

export function toTodoError(error: KnownError): FaceError {
  if (error instanceof RequestValidationError) return todoError(400, 'VALIDATION', error.message);
  if (error instanceof DomainError) {
    const [status, code] = fromCode(error.code);
    return todoError(status, code, error.message);
  }
  return todoError(500, 'INTERNAL', 'Internal server error');
}
