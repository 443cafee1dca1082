import type { IncomingHttpHeaders } from 'node:http';
import { Body, Controller, Headers, Param, Query, Res } from '@nestjs/common';
import { ApiExtraModels } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AuthenticatedAccount } from '../../accounts/accounts.service';
import { CurrentAccount, CurrentTokenHash, RequiresOrganizationHeader } from '../../auth/auth.decorators';
import { TaskCopyService } from '../../tasks/copy/task-copy.service';
import { TaskRecordsService } from '../../tasks/details/task-records.service';
import { parseJsonApiBody } from './jsonapi-body';
import { compoundDocument } from './jsonapi-document';
import { JsonApiDocuments } from './jsonapi-documents';
import { RELATIONSHIPS } from './jsonapi-graph';
import { operationResource } from './jsonapi-operation.presenter';
import { booleanParameter, JsonApiQuerySpec, parseJsonApiQuery } from './jsonapi-query';
import { TaskCopyAttributes } from './jsonapi-task-copy.dto';
import { TaskCreateAttributes, TaskUpdateAttributes } from './jsonapi-task.dto';
import {
  copyInputOf,
  copyMeta,
  copyOptionsOf,
  TASK_SORTS,
  taskIdOf,
  taskQueryOf,
  toRecordInput,
} from './jsonapi-task.mapper';
import {
  ApiCopyTask,
  ApiCreateTasks,
  ApiGetTask,
  ApiListTasks,
  ApiUpdateTask,
} from './jsonapi-tasks.openapi';
import { TASK_ID_EXAMPLE } from './jsonapi.examples';
import { JsonApiController, JsonApiDeleteRoute } from './jsonapi.openapi';

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
  sorts: Object.keys(TASK_SORTS),
  relationships: RELATIONSHIPS,
  maxIncludeDepth: 3,
};

const TASK_RELATIONSHIPS = {
  project: 'project_id',
  task_list: 'task_list_id',
  workflow_status: 'workflow_status_id',
  parent_task: 'parent_task_id',
  assignee: 'assignee_id',
};

@JsonApiController()
@RequiresOrganizationHeader()
@ApiExtraModels(TaskCopyAttributes, TaskCreateAttributes, TaskUpdateAttributes)
@Controller('api/v2/tasks')
export class JsonApiTasksController {
  constructor(
    private readonly records: TaskRecordsService,
    private readonly copies: TaskCopyService,
    private readonly documents: JsonApiDocuments,
  ) {}

  @ApiCreateTasks()
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
      relationshipAttributes: TASK_RELATIONSHIPS,
    });
    const ids = await this.records.create(account.id, items.map(toRecordInput));
    reply.status(201).header('location', `/api/v2/tasks/${ids[0]}`);
    const single = !Array.isArray((body as { data: unknown }).data);
    return this.documents.tasks(account.id, ids, { single, query: parsed });
  }

  @ApiUpdateTask()
  async update(
    @CurrentAccount() account: AuthenticatedAccount,
    @Param('id') id: string,
    @Body() body: unknown,
  ) {
    const taskId = taskIdOf(id);
    const [attributes] = parseJsonApiBody(body, TaskUpdateAttributes, { type: 'tasks', id: String(taskId) });
    await this.records.update(account.id, taskId, toRecordInput(attributes));
    return this.documents.tasks(account.id, [taskId], { single: true });
  }

  @JsonApiDeleteRoute('Delete a task with its subtasks and their related rows', TASK_ID_EXAMPLE)
  async remove(@CurrentAccount() account: AuthenticatedAccount, @Param('id') id: string): Promise<void> {
    await this.records.remove(account.id, taskIdOf(id));
  }

  @ApiCopyTask()
  async copy(
    @CurrentAccount() account: AuthenticatedAccount,
    @CurrentTokenHash() tokenHash: string,
    @Body() body: unknown,
    @Query() query: Record<string, string>,
    @Headers() headers: IncomingHttpHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const parsed = parseJsonApiQuery(query, TASKS_QUERY);
    const asked = booleanParameter(query, 'async');
    const [attributes] = parseJsonApiBody(body, TaskCopyAttributes, { type: 'tasks' });
    const input = copyInputOf(attributes);
    const options = copyOptionsOf(headers, asked, { body, include: parsed.include }, tokenHash);
    const outcome = await this.copies.submit(account.id, input, options);
    if (outcome.kind === 'queued') {
      reply.status(202).header('content-location', `/api/v2/operations/${outcome.operation.id}`);
      return compoundDocument(operationResource(outcome.operation));
    }
    const { result } = outcome;
    reply.status(201).header('location', `/api/v2/tasks/${result.taskId}`);
    return this.documents.tasks(account.id, [result.taskId], {
      single: true,
      query: parsed,
      meta: copyMeta(result),
      missing: `Task ${result.taskId} no longer exists`,
    });
  }

  @ApiListTasks()
  list(@CurrentAccount() account: AuthenticatedAccount, @Query() query: Record<string, string>) {
    const parsed = parseJsonApiQuery(query, TASKS_QUERY);
    return this.documents.taskPage(account.id, parsed, taskQueryOf(parsed));
  }

  @ApiGetTask()
  get(
    @CurrentAccount() account: AuthenticatedAccount,
    @Param('id') id: string,
    @Query() query: Record<string, string>,
  ) {
    const parsed = parseJsonApiQuery(query, TASKS_QUERY);
    return this.documents.tasks(account.id, [taskIdOf(id)], {
      single: true,
      query: parsed,
      missing: `No task ${id}`,
    });
  }
}
