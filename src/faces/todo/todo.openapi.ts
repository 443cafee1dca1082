import { applyDecorators } from '@nestjs/common';
import { ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';

export const TODO_TAG = 'To Do widget';

const DESCRIPTIONS: Record<number, string> = {
  400: 'VALIDATION: bad types or shapes, malformed JSON, a body that is not JSON',
  401: 'UNAUTHENTICATED: missing or unknown token',
  404: 'NOT_FOUND: a referenced task, project, parent, target or user does not exist',
  409: 'CONFLICT: id taken, a cycle would result, parent/target/project disagree',
  413: 'TOO_LARGE: body or batch over the limits',
  500: 'INTERNAL: details are logged with the request id, not sent',
  503: 'UNAVAILABLE: the database is unreachable or did not answer in time; retry later',
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
          'text/plain': { schema: { type: 'string', example: `${DESCRIPTIONS[status]?.split(':')[0]}: …` } },
        },
      }),
    ),
  );
}

/** Tags a To Do face controller, its auth schemes, and the errors every route of the face can answer. */
export function TodoController() {
  return applyDecorators(
    ApiTags(TODO_TAG),
    ApiSecurity('RemoteToken'),
    ApiSecurity('OAuth'),
    TodoErrors(400, 401, 413, 500, 503),
  );
}
