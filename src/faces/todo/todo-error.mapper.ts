import { DomainError, unservedCode } from '../../common/domain-error';
import { FaceError, KnownError } from '../../common/face-error';
import { RequestValidationError } from '../../common/request-validation.error';
import type { RequestErrorCode } from '../../common/request.errors';
import type { TasksErrorCode } from '../../tasks/tasks.errors';

// The To Do face's codes (docs/todo.md#errors); bodies are text/plain so the widget's provider,
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

// The modules this face serves: the task store, and the transport.
type ServedCode = RequestErrorCode | TasksErrorCode;

function fromCode(code: ServedCode): [number, TodoCode] | null {
  switch (code) {
    // VALIDATION has one status, 400, whatever part of the request is wrong: its media
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
    case 'TASK_COPY_SOURCE_NOT_FOUND':
      return [404, 'NOT_FOUND'];
    case 'TASK_COPY_INVALID':
      return [409, 'CONFLICT'];
    case 'TASK_COPY_TOO_LARGE':
      return [413, 'TOO_LARGE'];
    default:
      return unservedCode(code);
  }
}

export function toTodoError(error: KnownError): FaceError {
  if (error instanceof RequestValidationError) return todoError(400, 'VALIDATION', error.message);
  if (error instanceof DomainError) {
    const answer = fromCode(error.code as ServedCode);
    if (answer) return todoError(answer[0], answer[1], error.message);
  }
  return todoError(500, 'INTERNAL', 'Internal server error');
}
