import { Body, Controller, Delete, Get, Header, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import type { AuthenticatedAccount } from '../../accounts/accounts.service';
import { CurrentAccount } from '../../auth/auth.decorators';
import { AppConfig } from '../../config/app-config';
import type { ClonePlacement } from '../../tasks/store/clone-engine';
import { TasksService } from '../../tasks/store/tasks.service';
import {
  asObject,
  invalid,
  parseBool,
  parseContent,
  parseGivenRef,
  parseId,
  parseIdList,
  parsePathId,
  parsePathProject,
  parseRef,
  parseTarget,
  taskFields,
  tooLarge,
} from './todo-input';
import { TodoTaskListCache } from './todo-task-list.cache';
import {
  CREATE_EXAMPLES,
  DELETE_BATCH_EXAMPLE,
  DELETE_EXAMPLE,
  DELETED_TASK_ID_EXAMPLE,
  PROJECT_ID_EXAMPLE,
  TASK_EXAMPLE,
  TASK_ID_EXAMPLE,
  UPDATE_EXAMPLES,
} from './todo.examples';
import { TodoController, TodoErrors } from './todo.openapi';

// The list routes answer with a body built by TodoTaskListCache, already JSON.
const JSON_BODY = 'application/json; charset=utf-8';
const TASK_LIST = { type: 'array', items: { type: 'object' }, example: [TASK_EXAMPLE] };

@TodoController()
@Controller('todo/tasks')
export class TodoTasksController {
  constructor(
    private readonly tasks: TasksService,
    private readonly lists: TodoTaskListCache,
    private readonly config: AppConfig,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'All tasks',
    description: 'Every task of the account in depth-first pre-order: No project first, then by project id.',
  })
  @ApiOkResponse({ description: 'Task[]', schema: TASK_LIST })
  @Header('Content-Type', JSON_BODY)
  list(@CurrentAccount() account: AuthenticatedAccount): Promise<Buffer> {
    return this.lists.list(account.id);
  }

  @Get('projects/:id')
  @ApiOperation({
    summary: 'Tasks of one project',
    description: 'Pre-order. `0`, `null`, `undefined` select No project; an unknown project gives `[]`.',
  })
  @ApiParam({ name: 'id', example: PROJECT_ID_EXAMPLE })
  @ApiOkResponse({ description: 'Task[]', schema: TASK_LIST })
  @Header('Content-Type', JSON_BODY)
  listProject(@CurrentAccount() account: AuthenticatedAccount, @Param('id') id: string): Promise<Buffer> {
    return this.lists.list(account.id, parsePathProject(id));
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Create a task',
    description:
      'Task fields flat or under `task`. Placement: no target → top of the list of `parent`; ' +
      '`targetId` = `parent` → last child (first with `reverse`); otherwise after the target (before with ' +
      '`reverse`). A numeric `id` asks for that server id (409 CONFLICT when taken, or when it is ' +
      'not below 100,000,000 nor below the ids given out); a string id is a temporary id and ignored.',
  })
  @ApiBody({
    schema: { type: 'object' },
    examples: CREATE_EXAMPLES,
  })
  @ApiOkResponse({ description: 'The new id', schema: { type: 'object', example: { id: 42 } } })
  @TodoErrors(404, 409)
  async create(
    @CurrentAccount() account: AuthenticatedAccount,
    @Body() raw: unknown,
  ): Promise<{ id: number }> {
    const body = asObject(raw, 'body');
    const { fields, path } = taskFields(body);
    const pick = (key: string) => (key in body ? body : fields);
    const idValue = pick('id').id;
    const requestedId = parseRequestedId(idValue);
    const parentId = parseRef(pick('parent').parent, 'parent');
    const projectSource = pick('project');
    const projectId = parseGivenRef(projectSource, 'project');
    const targetId = parseTarget(body.targetId, 'targetId');
    const reverse = parseBool(body.reverse, 'reverse');
    const content = parseContent(fields, path, this.config);
    let placement: ClonePlacement;
    if (targetId === undefined) placement = { kind: 'list', parentId, projectId, at: 'start' };
    else if (parentId !== null && targetId === parentId) {
      placement = { kind: 'list', parentId, projectId, at: reverse ? 'start' : 'end' };
    } else placement = { kind: 'adjacent', targetId, reverse, parentId, projectId };
    const id = await this.tasks.createTask(account.id, { fields: content, requestedId, placement });
    return { id };
  }

  @Put(':id')
  @ApiOperation({
    summary: 'Update tasks',
    description:
      'Full replacement of the content fields of the URL task, then of each `batch` item (each with its `id`). ' +
      'Absent fields reset to defaults; `creation_date`, `parent`, `project` are ignored. All or nothing.',
  })
  @ApiParam({ name: 'id', example: TASK_ID_EXAMPLE })
  @ApiBody({ schema: { type: 'object' }, examples: UPDATE_EXAMPLES })
  @ApiOkResponse({ description: 'Empty object', schema: { type: 'object', example: {} } })
  @TodoErrors(404)
  async update(
    @CurrentAccount() account: AuthenticatedAccount,
    @Param('id') rawId: string,
    @Body() raw: unknown,
  ): Promise<Record<string, never>> {
    const body = asObject(raw, 'body');
    const id = parsePathId(rawId);
    const updates: Array<{ id: number; fields: ReturnType<typeof parseContent> }> = [];
    if (id !== 0) {
      if ('id' in body && body.id !== undefined && body.id !== null && parseId(body.id, 'id') !== id) {
        throw invalid('id', 'must equal the URL id');
      }
      const { fields, path } = taskFields(body);
      updates.push({ id, fields: parseContent(fields, path, this.config) });
    }
    if (body.batch !== undefined && body.batch !== null) {
      if (!Array.isArray(body.batch)) throw invalid('batch', 'must be an array of tasks');
      if (body.batch.length > this.config.TODO_BATCH_LIMIT)
        throw tooLarge('batch', this.config.TODO_BATCH_LIMIT);
      body.batch.forEach((item: unknown, i: number) => {
        const task = asObject(item, `batch.${i}`);
        if (!('id' in task)) throw invalid(`batch.${i}.id`, 'is required');
        const itemId = parseId(task.id, `batch.${i}.id`);
        const { fields, path } = taskFields(task);
        updates.push({
          id: itemId,
          fields: parseContent(fields, path ? `batch.${i}.${path}` : `batch.${i}`, this.config),
        });
      });
    }
    if (updates.length === 0) throw invalid('id', 'no task to update');
    await this.tasks.updateTasks(account.id, updates);
    return {};
  }

  @Delete(':id')
  @ApiOperation({
    summary: 'Delete tasks with their subtrees',
    description: 'The URL task (0 = none) and any `batch` ids; unknown ids are skipped. Lists are compacted.',
  })
  @ApiParam({ name: 'id', example: DELETED_TASK_ID_EXAMPLE })
  @ApiBody({ required: false, schema: { type: 'object', example: DELETE_EXAMPLE } })
  @ApiOkResponse({ description: 'Empty object', schema: { type: 'object', example: {} } })
  async remove(
    @CurrentAccount() account: AuthenticatedAccount,
    @Param('id') rawId: string,
    @Body() raw: unknown,
  ): Promise<Record<string, never>> {
    return this.deleteMany(account, parsePathId(rawId), raw);
  }

  @Delete()
  @ApiOperation({
    summary: 'Delete a batch of tasks with their subtrees',
    description: 'Body `{"batch": [ids]}`.',
  })
  @ApiBody({ required: false, schema: { type: 'object', example: DELETE_BATCH_EXAMPLE } })
  @ApiOkResponse({ description: 'Empty object', schema: { type: 'object', example: {} } })
  async removeBatch(
    @CurrentAccount() account: AuthenticatedAccount,
    @Body() raw: unknown,
  ): Promise<Record<string, never>> {
    return this.deleteMany(account, 0, raw);
  }

  private async deleteMany(
    account: AuthenticatedAccount,
    id: number,
    raw: unknown,
  ): Promise<Record<string, never>> {
    const body = raw === undefined || raw === null ? {} : asObject(raw, 'body');
    const ids = id === 0 ? [] : [id];
    if (body.batch !== undefined && body.batch !== null) {
      ids.push(...parseIdList(body.batch, 'batch', this.config.TODO_BATCH_LIMIT));
    }
    if (ids.length === 0) throw invalid('batch', 'no task to delete');
    await this.tasks.deleteTasks(account.id, [...new Set(ids)]);
    return {};
  }
}

/** A number asks for that id; any string is a temporary id and is ignored. */
export function parseRequestedId(value: unknown): number | undefined {
  if (value === undefined || value === null || typeof value === 'string') return undefined;
  return parseId(value, 'id');
}
