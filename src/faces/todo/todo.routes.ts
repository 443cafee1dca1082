import { applyDecorators, Delete, Get, Header, HttpCode, Post, Put } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import { BodyLimit } from '../../common/http-transport';
import { TodoProjectBody, TodoProjectRenameBody, TodoSortBody, TodoUserBody } from './todo.dto';
import {
  CREATE_EXAMPLES,
  DELETE_BATCH_EXAMPLE,
  DELETE_EXAMPLE,
  DELETED_TASK_ID_EXAMPLE,
  MOVE_EXAMPLES,
  MOVED_TASK_ID_EXAMPLE,
  NESTED_CLONE_BODY,
  PROJECT_ID_EXAMPLE,
  RENAMED_PROJECT_ID_EXAMPLE,
  TASK_EXAMPLE,
  TASK_ID_EXAMPLE,
  UPDATE_EXAMPLES,
  USER_ID_EXAMPLE,
  WIDGET_PASTE_ANSWER,
  WIDGET_PASTE_BODY,
} from './todo.examples';
import { TodoErrors } from './todo.openapi';

// Each /todo route's method, path and Swagger description, one composite per route.

// The list routes answer with a body built by TodoTaskListCache, already JSON.
const JSON_BODY = 'application/json; charset=utf-8';
const TASK_LIST = { type: 'array', items: { type: 'object' }, example: [TASK_EXAMPLE] };
const EMPTY = ApiOkResponse({ description: 'Empty object', schema: { type: 'object', example: {} } });
const NEW_ID = (id: number) =>
  ApiOkResponse({ description: 'The new id', schema: { type: 'object', example: { id } } });

export const TodoRoutes = {
  listTasks: () =>
    applyDecorators(
      Get(),
      ApiOperation({
        summary: 'All tasks',
        description:
          'Every task of the account in depth-first pre-order: No project first, then by project id.',
      }),
      ApiOkResponse({ description: 'Task[]', schema: TASK_LIST }),
      Header('Content-Type', JSON_BODY),
    ),

  listProjectTasks: () =>
    applyDecorators(
      Get('projects/:id'),
      ApiOperation({
        summary: 'Tasks of one project',
        description: 'Pre-order. `0`, `null`, `undefined` select No project; an unknown project gives `[]`.',
      }),
      ApiParam({ name: 'id', example: PROJECT_ID_EXAMPLE }),
      ApiOkResponse({ description: 'Task[]', schema: TASK_LIST }),
      Header('Content-Type', JSON_BODY),
    ),

  createTask: () =>
    applyDecorators(
      Post(),
      HttpCode(200),
      ApiOperation({
        summary: 'Create a task',
        description:
          'Task fields flat or under `task`. Placement: no target → top of the list of `parent`; ' +
          '`targetId` = `parent` → last child (first with `reverse`); otherwise after the target (before with ' +
          '`reverse`). A numeric `id` asks for that server id (409 CONFLICT when taken, or when it is ' +
          'not below 100,000,000 nor below the ids given out); a string id is a temporary id and ignored.',
      }),
      ApiBody({ schema: { type: 'object' }, examples: CREATE_EXAMPLES }),
      ApiOkResponse({ description: 'The new id', schema: { type: 'object', example: { id: 42 } } }),
      TodoErrors(404, 409),
    ),

  updateTasks: () =>
    applyDecorators(
      Put(':id'),
      ApiOperation({
        summary: 'Update tasks',
        description:
          'Full replacement of the content fields of the URL task, then of each `batch` item (each with its `id`). ' +
          'Absent fields reset to defaults; `creation_date`, `parent`, `project` are ignored. All or nothing.',
      }),
      ApiParam({ name: 'id', example: TASK_ID_EXAMPLE }),
      ApiBody({ schema: { type: 'object' }, examples: UPDATE_EXAMPLES }),
      EMPTY,
      TodoErrors(404),
    ),

  deleteTask: () =>
    applyDecorators(
      Delete(':id'),
      ApiOperation({
        summary: 'Delete tasks with their subtrees',
        description:
          'The URL task (0 = none) and any `batch` ids; unknown ids are skipped. Lists are compacted.',
      }),
      ApiParam({ name: 'id', example: DELETED_TASK_ID_EXAMPLE }),
      ApiBody({ required: false, schema: { type: 'object', example: DELETE_EXAMPLE } }),
      EMPTY,
    ),

  deleteTasks: () =>
    applyDecorators(
      Delete(),
      ApiOperation({
        summary: 'Delete a batch of tasks with their subtrees',
        description: 'Body `{"batch": [ids]}`.',
      }),
      ApiBody({ required: false, schema: { type: 'object', example: DELETE_BATCH_EXAMPLE } }),
      EMPTY,
    ),

  move: () =>
    applyDecorators(
      Put('move/:id'),
      ApiOperation({
        summary: 'Move tasks',
        description:
          'Plain move (after/before `targetId`, or into it when `parent` = `targetId`), `batch` move (URL id 0), ' +
          '`indent`, `unindent`, `opbatch` of indents/unindents, and `project` (to the end of a project root list). ' +
          'Subtrees travel with their roots; the whole request is one transaction.',
      }),
      ApiParam({ name: 'id', example: MOVED_TASK_ID_EXAMPLE, description: '0 with `batch` or `opbatch`' }),
      ApiBody({ schema: { type: 'object' }, examples: MOVE_EXAMPLES }),
      EMPTY,
      TodoErrors(404, 409),
    ),

  sortAll: () =>
    applyDecorators(
      Put('sort'),
      ApiOperation({
        summary: 'Sort every project',
        description: 'Reorders every sibling list at every depth; stable; nulls last in both directions.',
      }),
      ApiBody({ type: TodoSortBody, examples: { text: { value: { by: 'text', dir: 'asc' } } } }),
      EMPTY,
    ),

  sortProject: () =>
    applyDecorators(
      Put('sort/:id'),
      ApiOperation({
        summary: 'Sort one project',
        description: '`0`/`null` select No project; another project must exist (404 otherwise).',
      }),
      ApiParam({ name: 'id', example: PROJECT_ID_EXAMPLE }),
      ApiBody({ type: TodoSortBody, examples: { due: { value: { by: 'due_date', dir: 'desc' } } } }),
      EMPTY,
      TodoErrors(404),
    ),

  clone: () =>
    applyDecorators(
      Post('clone'),
      HttpCode(200),
      Header('Content-Type', JSON_BODY),
      BodyLimit(16 * 1024 * 1024),
      ApiOperation({
        summary: 'Paste copies of tasks',
        description:
          'All batch roots land consecutively in one sibling list: after `targetId` (before with `reverse`), or at ' +
          'the top of (`project`, `parent`). An item whose `parent` is another item’s `id` is that copy’s child; ' +
          'every other item is a root. Atomic.\n\n' +
          'The answer gives every new id twice: under its item’s client id (children included), and under ' +
          'the item’s position in `batch` as a string (`"0"`, `"1"`, … in request order, children included ' +
          'where they appear), which is how the shipped widget reads it (`answer[i]` for `batch[i]`). ' +
          'A client id that is itself a batch position (`"0"` to `"n-1"`, or that number) must be that ' +
          'item’s own position, so that no key names two items; otherwise the request is refused with 400 ' +
          '`VALIDATION`. The widget’s `temp://…` ids never clash.',
      }),
      ApiBody({
        schema: { type: 'object' },
        examples: {
          widget: {
            summary: 'What the widget sends for a paste of three tasks, verbatim',
            value: WIDGET_PASTE_BODY,
          },
          nested: { summary: 'Items in any order, nested under each other', value: NESTED_CLONE_BODY },
        },
      }),
      ApiOkResponse({
        description: 'New server id by client id and by batch position (the answer to the widget example)',
        schema: { type: 'object', additionalProperties: { type: 'integer' }, example: WIDGET_PASTE_ANSWER },
      }),
      TodoErrors(404, 409),
    ),

  listProjects: () =>
    applyDecorators(
      Get(),
      ApiOperation({
        summary: 'Projects',
        description: 'The synthetic `{id: null, label: "No project"}` first, then by id.',
      }),
      ApiOkResponse({
        description: 'Project[]',
        schema: {
          type: 'array',
          items: { type: 'object' },
          example: [
            { id: null, label: 'No project' },
            { id: 1, label: 'Personal' },
          ],
        },
      }),
    ),

  createProject: () =>
    applyDecorators(
      Post(),
      HttpCode(200),
      ApiOperation({
        summary: 'Create a project',
        description:
          'A numeric `id` is honoured if free and below 100,000,000 or below the highest project id ' +
          'given out; otherwise 409 CONFLICT.',
      }),
      ApiBody({
        type: TodoProjectBody,
        examples: { project: { value: { id: 'temp://1700000000200', label: 'Holidays' } } },
      }),
      NEW_ID(3),
      TodoErrors(409),
    ),

  renameProject: () =>
    applyDecorators(
      Put(':id'),
      ApiOperation({ summary: 'Rename a project' }),
      ApiParam({ name: 'id', example: RENAMED_PROJECT_ID_EXAMPLE }),
      ApiBody({ type: TodoProjectRenameBody, examples: { label: { value: { label: 'Trip to Porto ✈️' } } } }),
      EMPTY,
      TodoErrors(404),
    ),

  deleteProject: () =>
    applyDecorators(
      Delete(':id'),
      ApiOperation({
        summary: 'Delete a project',
        description: 'Its tasks move to No project with their hierarchy, roots appended in their order.',
      }),
      ApiParam({ name: 'id', example: RENAMED_PROJECT_ID_EXAMPLE }),
      EMPTY,
      TodoErrors(404),
    ),

  listUsers: () =>
    applyDecorators(
      Get('users'),
      ApiOperation({ summary: 'Users', description: '`avatar` and `color` are left out when unset.' }),
      ApiOkResponse({
        description: 'User[]',
        schema: {
          type: 'array',
          items: { type: 'object' },
          example: [
            { id: 1, label: 'Ann Lee', avatar: 'https://example.com/a1.png' },
            { id: 2, label: 'Bo Chen', color: '#0ab169' },
          ],
        },
      }),
    ),

  createUser: () =>
    applyDecorators(
      Post('users'),
      HttpCode(200),
      ApiOperation({
        summary: 'Create a user (extension)',
        description: 'Not used by the widget, which only reads users.',
      }),
      ApiBody({
        type: TodoUserBody,
        examples: { user: { value: { label: 'Ann Lee', avatar: 'https://example.com/a1.png' } } },
      }),
      NEW_ID(1),
    ),

  updateUser: () =>
    applyDecorators(
      Put('users/:id'),
      ApiOperation({ summary: 'Update a user (extension)' }),
      ApiParam({ name: 'id', example: USER_ID_EXAMPLE }),
      ApiBody({ type: TodoUserBody, examples: { user: { value: { label: 'Cy Park', color: '#0ab169' } } } }),
      EMPTY,
      TodoErrors(404),
    ),

  deleteUser: () =>
    applyDecorators(
      Delete('users/:id'),
      ApiOperation({
        summary: 'Delete a user (extension)',
        description: 'Also removes them from every task’s `assigned`.',
      }),
      ApiParam({ name: 'id', example: USER_ID_EXAMPLE }),
      EMPTY,
      TodoErrors(404),
    ),

  listTags: () =>
    applyDecorators(
      Get('tags'),
      ApiOperation({ summary: 'Tags', description: 'Plain strings; the widget adds the leading `#`.' }),
      ApiOkResponse({
        description: 'string[]',
        schema: { type: 'array', items: { type: 'string' }, example: ['urgent', 'later'] },
      }),
    ),

  replaceTags: () =>
    applyDecorators(
      Put('tags'),
      ApiOperation({ summary: 'Replace the tag list (extension)' }),
      ApiBody({ schema: { type: 'array', items: { type: 'string' }, example: ['urgent', 'later'] } }),
      EMPTY,
    ),
};
