import { applyDecorators, Header, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOperation,
  ApiQuery,
} from '@nestjs/swagger';
import { JSONAPI_MEDIA_TYPE } from './jsonapi-error.mapper';
import { ProjectCopyAttributes } from './jsonapi-project-copy.dto';
import { TaskListCopyAttributes } from './jsonapi-task-list-copy.dto';
import {
  PROJECT_COPY_EXAMPLE,
  QUEUED_LIST_COPY_EXAMPLE,
  QUEUED_PROJECT_COPY_EXAMPLE,
  TASK_LIST_COPY_EXAMPLE,
  TASK_LIST_COPY_SHIFTED_EXAMPLE,
} from './jsonapi.examples';
import {
  documentBody,
  JSONAPI_DOCUMENT_CONTENT,
  JsonApiCopyLimitErrors,
  JsonApiErrors,
  JsonApiIdempotencyKey,
} from './jsonapi.openapi';

// The Swagger description of the copies of task lists and projects (docs/v2.md#task-list-copy).

const queued = (type: string, example: unknown) =>
  ApiAcceptedResponse({
    description: `Queued as a ${type} operation; Content-Location names it; poll GET /api/v2/operations/{id} (or /api/v1/operations/{id}) until SUCCESS (then 303 to the copy)`,
    content: {
      [JSONAPI_MEDIA_TYPE]: { schema: JSONAPI_DOCUMENT_CONTENT[JSONAPI_MEDIA_TYPE].schema, example },
    },
  });

export function ApiCopyTaskList() {
  return applyDecorators(
    Post('copy'),
    Header('content-type', JSONAPI_MEDIA_TYPE),
    ApiOperation({
      summary: 'Copy a task list with its tasks into the same or another project',
      description:
        'Creates the task list `name` in `project_id` from the source list `template_id`. copy_open_tasks / copy_closed_tasks select its top-level tasks; ' +
        'every task flag of tasks/copy (but copy_as_task_template) then applies to each copied task and needs one of them (422 tasks_required). ' +
        'Up to COPY_SYNC_MAX_TASKS copied tasks answer 201 with the new list and meta.copy (id maps of task lists and tasks, counts, skipped); ' +
        'above, or with ?async=true, 202 with a TASK_LIST.COPY operation. All or nothing. Over COPY_MAX_CONCURRENT_PER_ACCOUNT unfinished copy operations: 429 with Retry-After.',
    }),
    ApiConsumes(JSONAPI_MEDIA_TYPE),
    JsonApiIdempotencyKey(),
    ApiQuery({ name: 'async', required: false, schema: { type: 'boolean' } }),
    ApiBody({
      schema: documentBody('task_lists', TaskListCopyAttributes),
      examples: {
        full: { summary: 'A list with its open tasks and their details', value: TASK_LIST_COPY_EXAMPLE },
        shifted: {
          summary: 'Dates shifted off weekends, people replaced, titles prefixed',
          value: TASK_LIST_COPY_SHIFTED_EXAMPLE,
        },
      },
    }),
    queued('TASK_LIST.COPY', QUEUED_LIST_COPY_EXAMPLE),
    ApiCreatedResponse({
      description: 'The new task list; Location names it; meta.copy maps source ids to new ids',
      content: JSONAPI_DOCUMENT_CONTENT,
    }),
    JsonApiErrors(404, 409, 422),
    JsonApiCopyLimitErrors(),
  );
}

export function ApiCopyProject() {
  return applyDecorators(
    Post('copy'),
    Header('content-type', JSONAPI_MEDIA_TYPE),
    ApiOperation({
      summary: 'Copy a project with its task lists, tasks, memberships and setup (always asynchronous)',
      description:
        'Queues a PROJECT.COPY operation (202): the new project `name` takes the source `template_id`’s workflow and task custom field settings, ' +
        'a copy of every task list with the tasks the flags select (as task_lists/copy), and with copy_memberships its members. ' +
        'Its progress advances while it runs; on SUCCESS the operation answers 303 to the new project and carries meta.copy. All or nothing.',
    }),
    ApiConsumes(JSONAPI_MEDIA_TYPE),
    JsonApiIdempotencyKey(),
    ApiBody({
      schema: documentBody('projects', ProjectCopyAttributes),
      examples: { full: { summary: 'A project with its open tasks', value: PROJECT_COPY_EXAMPLE } },
    }),
    queued('PROJECT.COPY', QUEUED_PROJECT_COPY_EXAMPLE),
    JsonApiErrors(404, 409, 422),
    JsonApiCopyLimitErrors(),
  );
}
