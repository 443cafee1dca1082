import { applyDecorators } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import { AnyTokenSecurity } from '../../auth/auth.openapi';
import { KnownError, UnexpectedError } from '../../common/face-error';
import { errorExample } from '../error-examples';
import { invalid, tooLarge } from './todo-input';
import { toTodoError } from './todo-error.mapper';
import { RequestError } from '../../common/request.errors';
import { TasksError } from '../../tasks/tasks.errors';

export const TODO_TAG = 'To Do widget';

const DESCRIPTIONS: Record<number, string> = {
  400: 'VALIDATION: bad types or shapes, malformed JSON, a body that is not JSON or not UTF-8',
  401: 'UNAUTHENTICATED: missing or unknown token',
  404: 'NOT_FOUND: a referenced task, project, parent, target or user does not exist',
  409: 'CONFLICT: id taken, a cycle would result, parent/target/project disagree',
  413: 'TOO_LARGE: body or batch over the limits',
  500: 'INTERNAL: details are logged with the request id, not sent',
  503: 'UNAVAILABLE: the database is unreachable or did not answer in time; retry later',
};

// One error of each documented status, as this face renders it: the status's example body.
const EXAMPLE_ERRORS: Record<number, KnownError> = {
  400: invalid('batch', 'must be an array of tasks'),
  401: new RequestError('REQUEST_UNAUTHENTICATED', 'A valid API token is required'),
  404: new TasksError('TASK_NOT_FOUND', 'Task 99 does not exist'),
  409: new TasksError('TASK_PLACEMENT_MISMATCH', 'Target 14 is in another project'),
  413: tooLarge('batch', 1000),
  500: new UnexpectedError(new Error('example')),
  503: new RequestError('REQUEST_SERVICE_UNAVAILABLE', 'The database is unavailable; retry later'),
};

/**
 * Errors of this face are one line of text/plain, `<CODE>: <message>`, with `X-Todo-Error: <CODE>`:
 * the widget's provider only notices a failure when the body is not JSON.
 */
export function TodoErrors(...statuses: number[]) {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: DESCRIPTIONS[status] ?? 'Error',
        headers: { 'X-Todo-Error': { description: 'The error code', schema: { type: 'string' } } },
        content: {
          'text/plain': {
            schema: { type: 'string' },
            example: errorExample(toTodoError, status, EXAMPLE_ERRORS[status]),
          },
        },
      }),
    ),
  );
}

/** Tags a To Do face controller, its auth schemes, and the errors every route of the face can answer. */
export function TodoController() {
  return applyDecorators(ApiTags(TODO_TAG), AnyTokenSecurity(), TodoErrors(400, 401, 413, 500, 503));
}
