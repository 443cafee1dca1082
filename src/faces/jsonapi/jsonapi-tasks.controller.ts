import { Controller, Get, Header, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiQuery } from '@nestjs/swagger';
import type { AuthenticatedAccount } from '../../accounts/accounts.service';
import { CurrentAccount, RequiresOrganizationHeader } from '../../auth/auth.decorators';
import { DomainError } from '../../common/domain-error';
import { TaskReadModel } from '../../task-details/task-read-model';
import { compoundDocument, pageMeta } from './jsonapi-document';
import { JSONAPI_MEDIA_TYPE } from './jsonapi-error.mapper';
import { includeTree, JsonApiGraph, RELATIONSHIPS } from './jsonapi-graph';
import {
  FilterCondition,
  FilterGroup,
  JsonApiQuerySpec,
  MAX_PAGE_SIZE,
  parseJsonApiQuery,
} from './jsonapi-query';
import { JsonApiController, JsonApiErrors } from './jsonapi.openapi';

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
  task_number: 'task_number',
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
  if (!/^\d{1,10}$/.test(condition.value)) {
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

/** Task filters are AND-ed conditions on whitelisted columns (and/or groups are not offered here). */
function taskConditions(filter: FilterGroup) {
  let templates = false;
  const where: Array<{ column: string; op: (typeof OPS)[keyof typeof OPS]; value: string | number | null }> =
    [];
  for (const operand of filter.operands) {
    if ('operands' in operand || filter.op === 'or') {
      throw new DomainError('REQUEST_UNSUPPORTED_FILTER', 'Task lists take plain AND-ed filters', {
        meta: { parameter: 'filter' },
      });
    }
    const { attribute, op, value } = operand;
    if (attribute === 'template') templates = value === 'true';
    else if (attribute === 'closed')
      where.push({ column: 'closed', op: '=', value: value === 'true' ? 1 : 0 });
    else if (attribute === 'title') {
      const like = `%${value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      where.push({
        column: 'title',
        op: op === 'contains' ? 'LIKE' : '=',
        value: op === 'contains' ? like : value,
      });
    } else {
      where.push({
        column: ID_FILTERS[attribute as keyof typeof ID_FILTERS],
        op: OPS[op as 'eq' | 'not_eq'],
        value: idValue(operand),
      });
    }
  }
  return { where, templates };
}

function taskId(raw: string): number {
  if (!/^\d{1,10}$/.test(raw) || Number(raw) < 1 || Number(raw) > 2147483647) {
    throw new DomainError('TASK_NOT_FOUND', `No task ${raw}`);
  }
  return Number(raw);
}

@JsonApiController()
@RequiresOrganizationHeader()
@Controller('api/v2/tasks')
export class JsonApiTasksController {
  constructor(
    private readonly tasks: TaskReadModel,
    private readonly graph: JsonApiGraph,
  ) {}

  @Get()
  @Header('content-type', JSONAPI_MEDIA_TYPE)
  @ApiOperation({
    summary: 'List tasks',
    description:
      'Filters: project_id, task_list_id, parent_task_id, workflow_status_id (eq, not_eq; `null` for none), title (eq, contains), closed, template (true lists template tasks). Sort: ' +
      Object.keys(SORTS).join(', '),
  })
  @ApiQuery({ name: 'include', required: false, schema: { type: 'string', example: 'subtasks,todos' } })
  @ApiQuery({ name: 'page[number]', required: false, schema: { type: 'integer', minimum: 1 } })
  @ApiQuery({
    name: 'page[size]',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE },
  })
  @ApiOkResponse({
    description: 'A page of tasks',
    content: { [JSONAPI_MEDIA_TYPE]: { schema: { type: 'object' } } },
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
  @ApiParam({ name: 'id', schema: { type: 'string', example: '9001' } })
  @ApiQuery({
    name: 'include',
    required: false,
    schema: { type: 'string', example: 'subtasks,subtasks.subtasks,todos' },
  })
  @ApiQuery({ name: 'fields[tasks]', required: false, schema: { type: 'string', example: 'title,closed' } })
  @ApiOkResponse({
    description: 'The task',
    content: { [JSONAPI_MEDIA_TYPE]: { schema: { type: 'object' } } },
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
