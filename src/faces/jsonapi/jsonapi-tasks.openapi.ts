import { applyDecorators, Get, Header, Patch, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  getSchemaPath,
} from '@nestjs/swagger';
import { DEMO } from '../../demo/demo-ids';
import { JSONAPI_MEDIA_TYPE } from './jsonapi-error.mapper';
import { TASK_SORTS } from './jsonapi-task.mapper';
import { MAX_PAGE_NUMBER, MAX_PAGE_SIZE } from './jsonapi-query';
import { TaskCopyAttributes } from './jsonapi-task-copy.dto';
import { TaskCreateAttributes, TaskUpdateAttributes } from './jsonapi-task.dto';
import {
  FULL_COPY,
  MINIMAL_COPY,
  PROJECT_ID_EXAMPLE,
  QUEUED_COPY_EXAMPLE,
  TASK_CREATE_EXAMPLE,
  TASK_ID_EXAMPLE,
  TASK_UPDATE_EXAMPLE,
} from './jsonapi.examples';
import {
  documentBody,
  JSONAPI_DOCUMENT_CONTENT,
  JsonApiCopyLimitErrors,
  JsonApiErrors,
  JsonApiIdempotencyKey,
} from './jsonapi.openapi';

// The Swagger description of each /api/v2/tasks route, one composite per route.

const TASK_CREATE_RESOURCE = {
  type: 'object',
  required: ['type', 'attributes'],
  properties: {
    type: { type: 'string', enum: ['tasks'] },
    attributes: { $ref: getSchemaPath(TaskCreateAttributes) },
  },
};

const taskId = ApiParam({ name: 'id', schema: { type: 'string', example: TASK_ID_EXAMPLE } });
const fieldsOfTasks = ApiQuery({
  name: 'fields[tasks]',
  required: false,
  schema: { type: 'string', example: 'title,closed' },
});

export function ApiCreateTasks() {
  return applyDecorators(
    Post(),
    Header('content-type', JSONAPI_MEDIA_TYPE),
    ApiOperation({
      summary: 'Create a task, or up to 100 tasks at once',
      description:
        '`data` may be one resource or an array of up to 100 (bulk create, answered as an array in the same order). All or nothing.',
    }),
    ApiConsumes(JSONAPI_MEDIA_TYPE),
    ApiBody({
      schema: {
        type: 'object',
        required: ['data'],
        properties: {
          data: {
            oneOf: [TASK_CREATE_RESOURCE, { type: 'array', maxItems: 100, items: TASK_CREATE_RESOURCE }],
          },
        },
      },
      examples: { one: { value: TASK_CREATE_EXAMPLE } },
    }),
    ApiCreatedResponse({
      description: 'The new task(s); Location names the first',
      content: JSONAPI_DOCUMENT_CONTENT,
    }),
    JsonApiErrors(409, 413, 422),
  );
}

export function ApiUpdateTask() {
  return applyDecorators(
    Patch(':id'),
    Header('content-type', JSONAPI_MEDIA_TYPE),
    ApiOperation({ summary: 'Change a task’s attributes' }),
    taskId,
    ApiConsumes(JSONAPI_MEDIA_TYPE),
    ApiBody({
      schema: documentBody('tasks', TaskUpdateAttributes, true),
      examples: { example: { value: TASK_UPDATE_EXAMPLE } },
    }),
    ApiOkResponse({ description: 'The changed task', content: JSONAPI_DOCUMENT_CONTENT }),
    JsonApiErrors(404, 409, 422),
  );
}

export function ApiCopyTask() {
  return applyDecorators(
    Post('copy'),
    Header('content-type', JSONAPI_MEDIA_TYPE),
    ApiOperation({
      summary: 'Copy a task (and, by its copy_* flags, its subtasks and details)',
      description:
        'Creates a new task from the source task `template_id` in the target project, task list and workflow status. ' +
        'Every copy_* flag defaults to false and applies on every level of copied subtasks. All or nothing: one transaction. ' +
        '`private: true` refuses copy_open_subtasks, copy_closed_subtasks and copy_as_task_template (422 task_private_not_allowed); ' +
        '`copy_as_task_template: true` refuses copy_task_dependencies (422 task_dependencies_not_allowed_on_template). ' +
        'The answer carries the new root task, `Location`, the copied subtree with `include`, and `meta.copy` (id map, counts, skipped).',
    }),
    ApiConsumes(JSONAPI_MEDIA_TYPE),
    ApiQuery({
      name: 'include',
      required: false,
      schema: { type: 'string', example: 'subtasks,subtasks.subtasks,todos,task_dependencies' },
    }),
    ApiBody({
      schema: documentBody('tasks', TaskCopyAttributes),
      examples: {
        minimal: { summary: 'Minimal copy (shell only)', value: MINIMAL_COPY },
        full: { summary: 'Full copy with task details', value: FULL_COPY },
      },
    }),
    JsonApiIdempotencyKey(),
    ApiHeader({
      name: 'Prefer',
      required: false,
      description: '`respond-async` queues the copy as a TASK.COPY operation (202), as does ?async=true',
    }),
    ApiQuery({ name: 'async', required: false, schema: { type: 'boolean' } }),
    ApiAcceptedResponse({
      description: `Queued as a TASK.COPY operation (copied set over COPY_SYNC_MAX_TASKS, or async asked for); Content-Location names it; its kind is the attribute operation_type`,
      content: {
        [JSONAPI_MEDIA_TYPE]: {
          schema: JSONAPI_DOCUMENT_CONTENT[JSONAPI_MEDIA_TYPE].schema,
          example: QUEUED_COPY_EXAMPLE,
        },
      },
    }),
    ApiCreatedResponse({
      description: 'The new root task; Location names it; meta.copy maps source ids to new ids',
      content: JSONAPI_DOCUMENT_CONTENT,
    }),
    JsonApiErrors(404, 409, 422),
    JsonApiCopyLimitErrors(),
  );
}

export function ApiListTasks() {
  const filter = (name: string, example?: string, type = 'string') =>
    ApiQuery({ name: `filter[${name}]`, required: false, schema: { type, ...(example ? { example } : {}) } });
  return applyDecorators(
    Get(),
    Header('content-type', JSONAPI_MEDIA_TYPE),
    ApiOperation({
      summary: 'List tasks',
      description:
        'Filters: project_id, task_list_id, parent_task_id, workflow_status_id (eq, not_eq; `null` for none), title (eq, contains), closed, template (true lists template tasks). Sort: ' +
        Object.keys(TASK_SORTS).join(', '),
    }),
    ApiQuery({ name: 'include', required: false, schema: { type: 'string', example: 'subtasks,todos' } }),
    filter('project_id', PROJECT_ID_EXAMPLE),
    filter('task_list_id', String(DEMO.v2.taskLists.templates)),
    filter('parent_task_id', 'null'),
    filter('workflow_status_id'),
    ApiQuery({ name: 'filter[title][contains]', required: false, schema: { type: 'string' } }),
    filter('closed', undefined, 'boolean'),
    filter('template', undefined, 'boolean'),
    ApiQuery({ name: 'sort', required: false, schema: { type: 'string', example: '-created_at' } }),
    fieldsOfTasks,
    ApiQuery({
      name: 'page[number]',
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE_NUMBER },
    }),
    ApiQuery({
      name: 'page[size]',
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE },
    }),
    ApiOkResponse({ description: 'A page of tasks', content: JSONAPI_DOCUMENT_CONTENT }),
  );
}

export function ApiGetTask() {
  return applyDecorators(
    Get(':id'),
    Header('content-type', JSONAPI_MEDIA_TYPE),
    ApiOperation({
      summary: 'Get one task',
      description:
        'include follows subtasks, todos, comments, attachments, subscribers, task_dependencies, assignee, project, task_list, workflow_status, parent_task, template_object — nested with dots, up to 3 levels (subtasks.subtasks.todos).',
    }),
    taskId,
    ApiQuery({
      name: 'include',
      required: false,
      schema: { type: 'string', example: 'subtasks,subtasks.subtasks,todos' },
    }),
    fieldsOfTasks,
    ApiOkResponse({ description: 'The task', content: JSONAPI_DOCUMENT_CONTENT }),
    JsonApiErrors(404),
  );
}
