import { Body, Controller, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import type { AuthenticatedAccount } from '../../accounts/accounts.service';
import { CurrentAccount } from '../../auth/auth.decorators';
import { BodyLimit } from '../../common/http-transport';
import { AppConfig } from '../../config/app-config';
import type { CloneNode, ClonePlacement } from '../../tasks/store/clone-engine';
import {
  IndentStep,
  MoveRequest,
  SortField,
  TasksService,
  UnindentStep,
} from '../../tasks/store/tasks.service';
import {
  asObject,
  invalid,
  Json,
  parseBool,
  parseContent,
  parseGivenRef,
  parseId,
  parseIdList,
  parsePathId,
  parsePathProject,
  parseRef,
  parseTarget,
  tooLarge,
} from './todo-input';
import {
  MOVE_EXAMPLES,
  MOVED_TASK_ID_EXAMPLE,
  NESTED_CLONE_BODY,
  PROJECT_ID_EXAMPLE,
  WIDGET_PASTE_ANSWER,
  WIDGET_PASTE_BODY,
} from './todo.examples';
import { TodoController, TodoErrors } from './todo.openapi';

// The widget's sort keys, and the task field each sorts by.
const SORT_FIELDS: Record<string, SortField> = {
  text: 'title',
  due_date: 'dueAt',
  creation_date: 'createdAt',
  edited_date: 'editedAt',
  completion_date: 'closedAt',
  priority: 'priority',
};
const EMPTY = { description: 'Empty object', schema: { type: 'object', example: {} } };

/** Structural routes: move, sort and clone. */
@TodoController()
@Controller('todo')
export class TodoStructureController {
  constructor(
    private readonly tasks: TasksService,
    private readonly config: AppConfig,
  ) {}

  @Put('move/:id')
  @ApiOperation({
    summary: 'Move tasks',
    description:
      'Plain move (after/before `targetId`, or into it when `parent` = `targetId`), `batch` move (URL id 0), ' +
      '`indent`, `unindent`, `opbatch` of indents/unindents, and `project` (to the end of a project root list). ' +
      'Subtrees travel with their roots; the whole request is one transaction.',
  })
  @ApiParam({ name: 'id', example: MOVED_TASK_ID_EXAMPLE, description: '0 with `batch` or `opbatch`' })
  @ApiBody({
    schema: { type: 'object' },
    examples: MOVE_EXAMPLES,
  })
  @ApiOkResponse(EMPTY)
  @TodoErrors(404, 409)
  async move(
    @CurrentAccount() account: AuthenticatedAccount,
    @Param('id') rawId: string,
    @Body() raw: unknown,
  ): Promise<Record<string, never>> {
    await this.tasks.moveTasks(account.id, this.parseMove(parsePathId(rawId), asObject(raw, 'body')));
    return {};
  }

  @Put('sort')
  @ApiOperation({
    summary: 'Sort every project',
    description: 'Reorders every sibling list at every depth; stable; nulls last in both directions.',
  })
  @ApiBody({ schema: { type: 'object', example: { by: 'text', dir: 'asc' } } })
  @ApiOkResponse(EMPTY)
  async sortAll(
    @CurrentAccount() account: AuthenticatedAccount,
    @Body() raw: unknown,
  ): Promise<Record<string, never>> {
    const { by, dir } = parseSort(raw);
    await this.tasks.sortTasks(account.id, by, dir);
    return {};
  }

  @Put('sort/:id')
  @ApiOperation({
    summary: 'Sort one project',
    description: '`0`/`null` select No project; another project must exist (404 otherwise).',
  })
  @ApiParam({ name: 'id', example: PROJECT_ID_EXAMPLE })
  @ApiBody({ schema: { type: 'object', example: { by: 'due_date', dir: 'desc' } } })
  @ApiOkResponse(EMPTY)
  @TodoErrors(404)
  async sortProject(
    @CurrentAccount() account: AuthenticatedAccount,
    @Param('id') rawId: string,
    @Body() raw: unknown,
  ): Promise<Record<string, never>> {
    const { by, dir } = parseSort(raw);
    await this.tasks.sortTasks(account.id, by, dir, parsePathProject(rawId));
    return {};
  }

  @Post('clone')
  @HttpCode(200)
  @BodyLimit(16 * 1024 * 1024)
  @ApiOperation({
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
  })
  @ApiBody({
    schema: { type: 'object' },
    examples: {
      widget: {
        summary: 'What the widget sends for a paste of three tasks, verbatim',
        value: WIDGET_PASTE_BODY,
      },
      nested: { summary: 'Items in any order, nested under each other', value: NESTED_CLONE_BODY },
    },
  })
  @ApiOkResponse({
    description: 'New server id by client id and by batch position (the answer to the widget example)',
    schema: {
      type: 'object',
      additionalProperties: { type: 'integer' },
      example: WIDGET_PASTE_ANSWER,
    },
  })
  @TodoErrors(404, 409)
  async clone(
    @CurrentAccount() account: AuthenticatedAccount,
    @Body() raw: unknown,
  ): Promise<Record<string, number>> {
    const body = asObject(raw, 'body');
    const targetId = parseTarget(body.targetId, 'targetId');
    const parentId = parseGivenRef(body, 'parent');
    const projectId = parseGivenRef(body, 'project');
    const reverse = parseBool(body.reverse, 'reverse');
    if (!Array.isArray(body.batch)) throw invalid('batch', 'must be an array of tasks');
    if (body.batch.length === 0) throw invalid('batch', 'must not be empty');
    const limit = this.config.TODO_CLONE_BATCH_LIMIT;
    if (body.batch.length > limit) throw tooLarge('batch', limit);
    const count = body.batch.length;
    const nodes: CloneNode[] = body.batch.map((item: unknown, i: number) => {
      const task = asObject(item, `batch.${i}`);
      return {
        key: batchClientId(task.id, i, count),
        parentKey: task.parent === undefined || task.parent === null ? null : String(task.parent),
        fields: parseContent(task, `batch.${i}`, this.config),
      };
    });
    const placement: ClonePlacement =
      targetId !== undefined
        ? { kind: 'adjacent', targetId, reverse, parentId, projectId }
        : { kind: 'list', parentId: parentId ?? null, projectId, at: 'start' };
    const ids = await this.tasks.cloneTasks(account.id, nodes, placement);
    return cloneAnswer(nodes, ids);
  }

  private parseMove(urlId: number, body: Json): MoveRequest {
    if ('id' in body && body.id !== undefined && body.id !== null && urlId !== 0) {
      if (parseId(body.id, 'id') !== urlId) throw invalid('id', 'must equal the URL id');
    }
    const opbatch = body.opbatch;
    if (Array.isArray(opbatch) && opbatch.length > 0) {
      if (opbatch.length > this.config.TODO_OPBATCH_LIMIT)
        throw tooLarge('opbatch', this.config.TODO_OPBATCH_LIMIT);
      const steps = opbatch.map((item: unknown, i: number) => {
        const step = asObject(item, `opbatch.${i}`);
        if (!('id' in step)) throw invalid(`opbatch.${i}.id`, 'is required');
        const id = parseId(step.id, `opbatch.${i}.id`);
        const operation = parseOperation(step.operation, `opbatch.${i}.operation`);
        if (operation === 'indent') return this.indentStep(id, step, `opbatch.${i}.`);
        if (operation === 'unindent') return unindentStep(id, step, `opbatch.${i}.`);
        throw invalid(`opbatch.${i}.operation`, 'must be indent or unindent');
      });
      return { operation: 'opbatch', steps };
    } else if (opbatch !== undefined && opbatch !== null && !Array.isArray(opbatch)) {
      throw invalid('opbatch', 'must be an array');
    }
    const operation = parseOperation(body.operation, 'operation');
    let ids: number[];
    if (urlId !== 0) ids = [urlId];
    else {
      if (body.batch === undefined || body.batch === null)
        throw invalid('batch', 'is required when the URL id is 0');
      ids = parseIdList(body.batch, 'batch', this.config.TODO_BATCH_LIMIT);
      if (ids.length === 0) throw invalid('batch', 'must not be empty');
    }
    switch (operation) {
      case 'move':
        return {
          operation: 'move',
          ids,
          targetId: parseTarget(body.targetId, 'targetId'),
          parentId: parseGivenRef(body, 'parent'),
          reverse: parseBool(body.reverse, 'reverse'),
        };
      case 'indent':
      case 'unindent':
        if (ids.length !== 1) throw invalid('batch', `${operation} moves one task; use opbatch for several`);
        return operation === 'indent' ? this.indentStep(ids[0], body, '') : unindentStep(ids[0], body, '');
      case 'project':
        return { operation: 'project', ids, projectId: parseRef(body.project, 'project') };
    }
  }

  private indentStep(id: number, body: Json, prefix: string): IndentStep {
    const parentId = parseRef(body.parent, `${prefix}parent`);
    if (parentId === null) throw invalid(`${prefix}parent`, 'is required for indent');
    return { operation: 'indent', id, parentId, targetId: parseTarget(body.targetId, `${prefix}targetId`) };
  }
}

function unindentStep(id: number, body: Json, prefix: string): UnindentStep {
  return { operation: 'unindent', id, parentId: parseGivenRef(body, 'parent', `${prefix}parent`) };
}

function parseOperation(value: unknown, path: string): 'move' | 'indent' | 'unindent' | 'project' {
  if (value === undefined || value === null || value === '' || value === 'null') return 'move';
  if (value === 'indent' || value === 'unindent' || value === 'project') return value;
  throw invalid(path, 'must be indent, unindent, project or null');
}

function clientId(value: unknown, path: string): string {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && value.length > 0 && value.length <= 255) return value;
  throw invalid(path, 'must be a client id (a non-empty string or a number)');
}

/**
 * The clone answer holds two readings of the new ids in one object (see `cloneAnswer`): a client
 * id that spells a batch position ("0"…"n-1") would give that key two meanings, and either
 * precedence would hand one reader another item's id without a sign. So such an id is accepted
 * only at its own position, where both readings agree; elsewhere the request is refused.
 */
function batchClientId(value: unknown, position: number, count: number): string {
  const key = clientId(value, `batch.${position}.id`);
  if (/^(0|[1-9]\d*)$/.test(key) && Number(key) < count && Number(key) !== position) {
    throw invalid(
      `batch.${position}.id`,
      `"${key}" is also the answer's key for batch item ${key}; a client id that is a batch position ` +
        `(0 to ${count - 1}) must be its own position (use temp:// ids)`,
    );
  }
  return key;
}

/**
 * Keys every new id both by its client id (the documented map) and by its item's position in the
 * request's `batch`, as a string: the shipped widget's RestDataProvider (trial 1.2.8, its
 * `clone-task` handler) reads `answer[i]` for `batch[i]`, never the client-id keys.
 */
function cloneAnswer(nodes: CloneNode[], ids: Map<string, number>): Record<string, number> {
  const answer: Record<string, number> = Object.fromEntries(ids);
  nodes.forEach((node, position) => (answer[String(position)] = answer[node.key]));
  return answer;
}

function parseSort(raw: unknown): { by: SortField; dir: 'asc' | 'desc' } {
  const body = asObject(raw, 'body');
  const by =
    typeof body.by === 'string' && Object.hasOwn(SORT_FIELDS, body.by) ? SORT_FIELDS[body.by] : undefined;
  if (!by) throw invalid('by', `must be one of ${Object.keys(SORT_FIELDS).join(', ')}`);
  if (body.dir !== 'asc' && body.dir !== 'desc') throw invalid('dir', 'must be asc or desc');
  return { by, dir: body.dir };
}
