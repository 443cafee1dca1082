import type { IncomingHttpHeaders } from 'node:http';
import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  Headers,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiHeader,
  ApiConsumes,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AuthenticatedAccount } from '../../accounts/accounts.service';
import { hashToken } from '../../accounts/accounts.service';
import { CurrentAccount, RequiresOrganizationHeader } from '../../auth/auth.decorators';
import { extractToken } from '../../auth/token-extractor';
import { DomainError } from '../../common/domain-error';
import { isIdOrZeroText } from '../../common/ids';
import { RequestValidationError } from '../../common/request-validation.error';
import { CopyFlags, COPY_FLAG_NAMES } from '../../task-details/task-copy-plan';
import { CopyResult, TaskCopyService } from '../../task-details/task-copy.service';
import { containsPattern } from '../../database/sql-like';
import { TaskFilter, TaskReadModel } from '../../task-details/task-read-model';
import { TaskWriteInput, TaskWriteService } from '../../task-details/task-write.service';
import { TaskCreateAttributes, TaskUpdateAttributes } from './jsonapi-task.dto';
import { parseJsonApiBody } from './jsonapi-body';
import { idempotencyOf } from './jsonapi-idempotency';
import { operationResource } from './jsonapi-operation.presenter';
import { TaskCopyAttributes } from './jsonapi-task-copy.dto';
import {
  FULL_COPY,
  MINIMAL_COPY,
  PROJECT_ID_EXAMPLE,
  QUEUED_COPY_EXAMPLE,
  TASK_CREATE_EXAMPLE,
  TASK_ID_EXAMPLE,
  TASK_UPDATE_EXAMPLE,
} from './jsonapi.examples';
import { compoundDocument, pageMeta } from './jsonapi-document';
import { JSONAPI_MEDIA_TYPE } from './jsonapi-error.mapper';
import { DEMO } from '../../demo/demo-ids';
import { includeTree, JsonApiGraph, RELATIONSHIPS } from './jsonapi-graph';
import {
  booleanParameter,
  FilterCondition,
  FilterGroup,
  JsonApiQuerySpec,
  MAX_PAGE_NUMBER,
  MAX_PAGE_SIZE,
  parseJsonApiQuery,
} from './jsonapi-query';
import { JSONAPI_DOCUMENT_CONTENT, JsonApiController, JsonApiErrors } from './jsonapi.openapi';

const ID_FILTERS = {
  project_id: 'project_id',
  task_list_id: 'task_list_id',
  parent_task_id: 'parent_id',
  workflow_status_id: 'workflow_status_id',
} as const;

const SORTS: Record<string, string> = {
  title: 'title',
  created_at: 'created_at',
  updated_at: 'updated_at',
  due_date: 'due_at',
  placement: 'placement',
  // A task without its own number shows its id as its number, and sorts by it too.
  task_number: 'COALESCE(task_number, id)',
};

export const TASKS_QUERY: JsonApiQuerySpec = {
  type: 'tasks',
  filters: {
    project_id: ['eq', 'not_eq'],
    task_list_id: ['eq', 'not_eq'],
    parent_task_id: ['eq', 'not_eq'],
    workflow_status_id: ['eq', 'not_eq'],
    title: ['eq', 'contains'],
    closed: ['eq'],
    template: ['eq'],
  },
  sorts: Object.keys(SORTS),
  relationships: RELATIONSHIPS,
  maxIncludeDepth: 3,
};

const OPS = { eq: '=', not_eq: '<>', contains: 'LIKE', gt: '>', gt_eq: '>=', lt: '<', lt_eq: '<=' } as const;

function idValue(condition: FilterCondition): number | null {
  if (condition.value === 'null' || condition.value === '') return null;
  if (!isIdOrZeroText(condition.value)) {
    throw new DomainError(
      'REQUEST_UNSUPPORTED_FILTER',
      `filter[${condition.attribute}] takes an id or null`,
      {
        meta: { parameter: `filter[${condition.attribute}]` },
      },
    );
  }
  return Number(condition.value);
}

/** Task filters: conditions on whitelisted columns, with and/or groups; `template` only at the top. */
function taskConditions(filter: FilterGroup): { where: TaskFilter; templates: boolean } {
  let templates = false;
  const convert = (group: FilterGroup, top: boolean): TaskFilter => ({
    op: group.op,
    operands: group.operands.flatMap((operand): TaskFilter['operands'] => {
      if ('operands' in operand) return [convert(operand, false)];
      const { attribute, op, value } = operand;
      if (attribute === 'template') {
        if (!top || group.op === 'or') {
          throw new DomainError('REQUEST_UNSUPPORTED_FILTER', 'filter[template] cannot be grouped', {
            meta: { parameter: 'filter[template]' },
          });
        }
        templates = value === 'true';
        return [];
      }
      if (attribute === 'closed') {
        if (value !== 'true' && value !== 'false') {
          throw new DomainError('REQUEST_UNSUPPORTED_FILTER', 'filter[closed] is true or false', {
            meta: { parameter: 'filter[closed]' },
          });
        }
        return [{ column: 'closed', op: '=', value: value === 'true' ? 1 : 0 }];
      }
      if (attribute === 'title') {
        return [
          {
            column: 'title',
            op: op === 'contains' ? 'LIKE' : '=',
            value: op === 'contains' ? containsPattern(value) : value,
          },
        ];
      }
      return [
        {
          column: ID_FILTERS[attribute as keyof typeof ID_FILTERS],
          op: OPS[op as 'eq' | 'not_eq'],
          value: idValue(operand),
        },
      ];
    }),
  });
  const where = convert(filter, true);
  return { where, templates };
}

function taskId(raw: string): number {
  if (!/^\d{1,10}$/.test(raw) || Number(raw) < 1 || Number(raw) > 2147483647) {
    throw new DomainError('TASK_NOT_FOUND', `No task ${raw}`);
  }
  return Number(raw);
}

const TASK_CREATE_RESOURCE = {
  type: 'object',
  required: ['type', 'attributes'],
  properties: {
    type: { type: 'string', enum: ['tasks'] },
    attributes: { $ref: getSchemaPath(TaskCreateAttributes) },
  },
};

function toWriteInput(a: Partial<TaskCreateAttributes>): TaskWriteInput {
  return {
    title: a.title,
    projectId: a.project_id,
    taskListId: a.task_list_id,
    workflowStatusId: a.workflow_status_id,
    parentTaskId: a.parent_task_id,
    private: a.private,
    description: a.description,
    assigneeId: a.assignee_id,
    subscriberIds: a.subscriber_ids,
    tagList: a.tag_list,
    startDate: a.start_date,
    dueDate: a.due_date,
    dueTime: a.due_time,
    repeatScheduleId: a.repeat_schedule_id,
    repeatOnInterval: a.repeat_on_interval,
    repeatOnMonthday: a.repeat_on_monthday,
    repeatOnWeekday: a.repeat_on_weekday,
    repeatOnDate: a.repeat_on_date,
    initialEstimate: a.initial_estimate,
    remainingTime: a.remaining_time,
    customFields: a.custom_fields,
  };
}

function copyMeta(result: CopyResult) {
  return {
    copy: {
      source_task_id: String(result.sourceTaskId),
      task_id_map: result.taskIdMap,
      counts: result.counts,
      skipped: result.skipped,
      ...(result.templateId === null ? {} : { template_id: String(result.templateId) }),
    },
  };
}

@JsonApiController()
@RequiresOrganizationHeader()
@ApiExtraModels(TaskCopyAttributes, TaskCreateAttributes, TaskUpdateAttributes)
@Controller('api/v2/tasks')
export class JsonApiTasksController {
  constructor(
    private readonly tasks: TaskReadModel,
    private readonly graph: JsonApiGraph,
    private readonly copies: TaskCopyService,
    private readonly writes: TaskWriteService,
  ) {}

  private document(
    accountId: number,
    ids: number[],
    single: boolean,
    include: string[],
    fields: Record<string, string[]>,
  ) {
    return this.tasks.read(async (m) => {
      const data = await this.graph.taskResources(m, accountId, ids);
      const included = await this.graph.include(m, accountId, data, includeTree(include));
      return compoundDocument(single ? data[0] : data, included, {
        fields,
        includeRequested: include.length > 0,
      });
    });
  }

  @Post()
  @Header('content-type', JSONAPI_MEDIA_TYPE)
  @ApiOperation({
    summary: 'Create a task, or up to 100 tasks at once',
    description:
      '`data` may be one resource or an array of up to 100 (bulk create, answered as an array in the same order). All or nothing.',
  })
  @ApiConsumes(JSONAPI_MEDIA_TYPE)
  @ApiBody({
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
  })
  @ApiCreatedResponse({
    description: 'The new task(s); Location names the first',
    content: JSONAPI_DOCUMENT_CONTENT,
  })
  @JsonApiErrors(409, 413, 422)
  async create(
    @CurrentAccount() account: AuthenticatedAccount,
    @Body() body: unknown,
    @Query() query: Record<string, string>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const parsed = parseJsonApiQuery(query, TASKS_QUERY);
    const items = parseJsonApiBody(body, TaskCreateAttributes, {
      type: 'tasks',
      maxBulk: 100,
      relationshipAttributes: {
        project: 'project_id',
        task_list: 'task_list_id',
        workflow_status: 'workflow_status_id',
        parent_task: 'parent_task_id',
        assignee: 'assignee_id',
      },
    });
    const ids = await this.writes.create(account.id, items.map(toWriteInput));
    reply.status(201).header('location', `/api/v2/tasks/${ids[0]}`);
    return this.document(
      account.id,
      ids,
      !Array.isArray((body as { data: unknown }).data),
      parsed.include,
      parsed.fields,
    );
  }

  @Patch(':id')
  @Header('content-type', JSONAPI_MEDIA_TYPE)
  @ApiOperation({ summary: 'Change a task’s attributes' })
  @ApiParam({ name: 'id', schema: { type: 'string', example: TASK_ID_EXAMPLE } })
  @ApiConsumes(JSONAPI_MEDIA_TYPE)
  @ApiBody({
    schema: {
      type: 'object',
      properties: {
        data: {
          type: 'object',
          properties: {
            type: { enum: ['tasks'] },
            id: { type: 'string', description: 'Optional; the id in the URL when sent' },
            attributes: { $ref: getSchemaPath(TaskUpdateAttributes) },
          },
        },
      },
    },
    examples: { example: { value: TASK_UPDATE_EXAMPLE } },
  })
  @ApiOkResponse({
    description: 'The changed task',
    content: JSONAPI_DOCUMENT_CONTENT,
  })
  @JsonApiErrors(404, 409, 422)
  async update(
    @CurrentAccount() account: AuthenticatedAccount,
    @Param('id') id: string,
    @Body() body: unknown,
  ) {
    const taskIdValue = taskId(id);
    const [attributes] = parseJsonApiBody(body, TaskUpdateAttributes, {
      type: 'tasks',
      id: String(taskIdValue),
    });
    await this.writes.update(account.id, taskIdValue, toWriteInput(attributes));
    return this.document(account.id, [taskIdValue], true, [], {});
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a task with its subtasks and their related rows' })
  @ApiParam({ name: 'id', schema: { type: 'string', example: TASK_ID_EXAMPLE } })
  @ApiNoContentResponse({ description: 'Deleted' })
  @JsonApiErrors(404)
  async remove(@CurrentAccount() account: AuthenticatedAccount, @Param('id') id: string): Promise<void> {
    await this.writes.remove(account.id, taskId(id));
  }

  @Post('copy')
  @Header('content-type', JSONAPI_MEDIA_TYPE)
  @ApiOperation({
    summary: 'Copy a task (and, by its copy_* flags, its subtasks and details)',
    description:
      'Creates a new task from the source task `template_id` in the target project, task list and workflow status. ' +
      'Every copy_* flag defaults to false and applies on every level of copied subtasks. All or nothing: one transaction. ' +
      '`private: true` refuses copy_open_subtasks, copy_closed_subtasks and copy_as_task_template (422 task_private_not_allowed); ' +
      '`copy_as_task_template: true` refuses copy_task_dependencies (422 task_dependencies_not_allowed_on_template). ' +
      'The answer carries the new root task, `Location`, the copied subtree with `include`, and `meta.copy` (id map, counts, skipped).',
  })
  @ApiConsumes(JSONAPI_MEDIA_TYPE)
  @ApiQuery({
    name: 'include',
    required: false,
    schema: { type: 'string', example: 'subtasks,subtasks.subtasks,todos,task_dependencies' },
  })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['data'],
      properties: {
        data: {
          type: 'object',
          required: ['type', 'attributes'],
          properties: {
            type: { type: 'string', enum: ['tasks'] },
            attributes: { $ref: getSchemaPath(TaskCopyAttributes) },
          },
        },
      },
    },
    examples: {
      minimal: { summary: 'Minimal copy (shell only)', value: MINIMAL_COPY },
      full: { summary: 'Full copy with task details', value: FULL_COPY },
    },
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'A retry with the same key gets the first result (24 h); another body with it → 422; while the first runs → 409',
  })
  @ApiHeader({
    name: 'Prefer',
    required: false,
    description: '`respond-async` queues the copy as a TASK.COPY operation (202), as does ?async=true',
  })
  @ApiQuery({ name: 'async', required: false, schema: { type: 'boolean' } })
  @ApiAcceptedResponse({
    description: `Queued as a TASK.COPY operation (copied set over COPY_SYNC_MAX_TASKS, or async asked for); Content-Location names it; its kind is the attribute operation_type`,
    content: {
      [JSONAPI_MEDIA_TYPE]: {
        schema: JSONAPI_DOCUMENT_CONTENT[JSONAPI_MEDIA_TYPE].schema,
        example: QUEUED_COPY_EXAMPLE,
      },
    },
  })
  @ApiCreatedResponse({
    description: 'The new root task; Location names it; meta.copy maps source ids to new ids',
    content: JSONAPI_DOCUMENT_CONTENT,
  })
  @JsonApiErrors(404, 409, 422)
  async copy(
    @CurrentAccount() account: AuthenticatedAccount,
    @Body() body: unknown,
    @Query() query: Record<string, string>,
    @Headers() headers: IncomingHttpHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const parsed = parseJsonApiQuery(query, TASKS_QUERY);
    const asked = booleanParameter(query, 'async');
    const [attributes] = parseJsonApiBody(body, TaskCopyAttributes, { type: 'tasks' });
    if (attributes.shift_dates_to !== undefined && attributes.copy_date !== true) {
      throw RequestValidationError.single(
        'data.attributes.shift_dates_to',
        'requiresCopyDate',
        'shift_dates_to moves copied dates: it needs copy_date: true',
      );
    }
    const flags = Object.fromEntries(
      COPY_FLAG_NAMES.map((name) => [name, attributes[name] === true]),
    ) as unknown as CopyFlags;
    const prefer = String(headers.prefer ?? '').toLowerCase();
    const outcome = await this.copies.submit(
      account.id,
      {
        title: attributes.title,
        templateId: attributes.template_id,
        projectId: attributes.project_id,
        taskListId: attributes.task_list_id,
        workflowStatusId: attributes.workflow_status_id,
        private: attributes.private,
        parentTaskId: attributes.parent_task_id ?? null,
        templateDescription: attributes.template_description ?? null,
        flags,
        shift: attributes.shift_dates_to
          ? { to: attributes.shift_dates_to, mode: attributes.shift_mode ?? 'start' }
          : undefined,
      },
      {
        async: asked || /(^|[\s,;])respond-async($|[\s,;])/.test(prefer),
        idempotency: idempotencyOf(headers, 'POST /api/v2/tasks/copy', body, parsed.include),
        // Keys are scoped by organization and token (tasks-copy.md §5.4).
        holder: hashToken(extractToken(headers) ?? ''),
      },
    );
    if (outcome.kind === 'queued') {
      reply.status(202).header('content-location', `/api/v2/operations/${outcome.operation.id}`);
      return compoundDocument(operationResource(outcome.operation));
    }
    const { result } = outcome;
    reply.status(201).header('location', `/api/v2/tasks/${result.taskId}`);
    return this.tasks.read(async (m) => {
      const [task] = await this.graph.taskResources(m, account.id, [result.taskId]);
      if (!task) throw new DomainError('TASK_NOT_FOUND', `Task ${result.taskId} no longer exists`);
      const included = await this.graph.include(m, account.id, [task], includeTree(parsed.include));
      return compoundDocument(task, included, {
        fields: parsed.fields,
        includeRequested: parsed.include.length > 0,
        meta: copyMeta(result),
      });
    });
  }

  @Get()
  @Header('content-type', JSONAPI_MEDIA_TYPE)
  @ApiOperation({
    summary: 'List tasks',
    description:
      'Filters: project_id, task_list_id, parent_task_id, workflow_status_id (eq, not_eq; `null` for none), title (eq, contains), closed, template (true lists template tasks). Sort: ' +
      Object.keys(SORTS).join(', '),
  })
  @ApiQuery({ name: 'include', required: false, schema: { type: 'string', example: 'subtasks,todos' } })
  @ApiQuery({
    name: 'filter[project_id]',
    required: false,
    schema: { type: 'string', example: PROJECT_ID_EXAMPLE },
  })
  @ApiQuery({
    name: 'filter[task_list_id]',
    required: false,
    schema: { type: 'string', example: String(DEMO.v2.taskLists.templates) },
  })
  @ApiQuery({ name: 'filter[parent_task_id]', required: false, schema: { type: 'string', example: 'null' } })
  @ApiQuery({ name: 'filter[workflow_status_id]', required: false, schema: { type: 'string' } })
  @ApiQuery({ name: 'filter[title][contains]', required: false, schema: { type: 'string' } })
  @ApiQuery({ name: 'filter[closed]', required: false, schema: { type: 'boolean' } })
  @ApiQuery({ name: 'filter[template]', required: false, schema: { type: 'boolean' } })
  @ApiQuery({ name: 'sort', required: false, schema: { type: 'string', example: '-created_at' } })
  @ApiQuery({ name: 'fields[tasks]', required: false, schema: { type: 'string', example: 'title,closed' } })
  @ApiQuery({
    name: 'page[number]',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE_NUMBER },
  })
  @ApiQuery({
    name: 'page[size]',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE },
  })
  @ApiOkResponse({
    description: 'A page of tasks',
    content: JSONAPI_DOCUMENT_CONTENT,
  })
  list(@CurrentAccount() account: AuthenticatedAccount, @Query() query: Record<string, string>) {
    const parsed = parseJsonApiQuery(query, TASKS_QUERY);
    const { where, templates } = taskConditions(parsed.filter);
    return this.tasks.read(async (m) => {
      const page = await this.tasks.listTaskIds(m, account.id, {
        where,
        templates,
        order: parsed.sort.map((s) => ({ column: SORTS[s.field], descending: s.descending })),
        offset: (parsed.page.number - 1) * parsed.page.size,
        limit: parsed.page.size,
      });
      const data = await this.graph.taskResources(m, account.id, page.ids);
      const included = await this.graph.include(m, account.id, data, includeTree(parsed.include));
      return compoundDocument(data, included, {
        fields: parsed.fields,
        includeRequested: parsed.include.length > 0,
        meta: pageMeta(page.total, parsed.page, MAX_PAGE_SIZE),
      });
    });
  }

  @Get(':id')
  @Header('content-type', JSONAPI_MEDIA_TYPE)
  @ApiOperation({
    summary: 'Get one task',
    description:
      'include follows subtasks, todos, comments, attachments, subscribers, task_dependencies, assignee, project, task_list, workflow_status, parent_task, template_object — nested with dots, up to 3 levels (subtasks.subtasks.todos).',
  })
  @ApiParam({ name: 'id', schema: { type: 'string', example: TASK_ID_EXAMPLE } })
  @ApiQuery({
    name: 'include',
    required: false,
    schema: { type: 'string', example: 'subtasks,subtasks.subtasks,todos' },
  })
  @ApiQuery({ name: 'fields[tasks]', required: false, schema: { type: 'string', example: 'title,closed' } })
  @ApiOkResponse({
    description: 'The task',
    content: JSONAPI_DOCUMENT_CONTENT,
  })
  @JsonApiErrors(404)
  get(
    @CurrentAccount() account: AuthenticatedAccount,
    @Param('id') id: string,
    @Query() query: Record<string, string>,
  ) {
    const parsed = parseJsonApiQuery(query, TASKS_QUERY);
    return this.tasks.read(async (m) => {
      const [task] = await this.graph.taskResources(m, account.id, [taskId(id)]);
      if (!task) throw new DomainError('TASK_NOT_FOUND', `No task ${id}`);
      const included = await this.graph.include(m, account.id, [task], includeTree(parsed.include));
      return compoundDocument(task, included, {
        fields: parsed.fields,
        includeRequested: parsed.include.length > 0,
      });
    });
  }
}
