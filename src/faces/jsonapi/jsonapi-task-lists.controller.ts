import type { IncomingHttpHeaders } from 'node:http';
import { Body, Controller, Headers, Query, Res } from '@nestjs/common';
import { ApiExtraModels } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AuthenticatedAccount } from '../../accounts/accounts.service';
import { CurrentAccount, CurrentTokenHash, RequiresOrganizationHeader } from '../../auth/auth.decorators';
import { TaskDetailsService } from '../../tasks/details/task-details.service';
import { TaskListCopyService } from '../../tasks/copy/task-list-copy.service';
import { parseJsonApiBody } from './jsonapi-body';
import { compoundDocument } from './jsonapi-document';
import { listCopyInputOf, listCopyMeta } from './jsonapi-copy.mapper';
import { copyKeyOf } from './jsonapi-idempotency';
import { operationResource } from './jsonapi-operation.presenter';
import { booleanParameter } from './jsonapi-query';
import { TaskListCopyAttributes } from './jsonapi-task-list-copy.dto';
import { ApiCopyTaskList } from './jsonapi-copies.openapi';
import { JsonApiController } from './jsonapi.openapi';
import { taskListsResource } from './resources/project-setup.resources';

/** POST /api/v2/task_lists/copy (docs/v2.md#task-list-copy); the list's other routes are the resource's. */
@JsonApiController()
@RequiresOrganizationHeader()
@ApiExtraModels(TaskListCopyAttributes)
@Controller('api/v2/task_lists')
export class JsonApiTaskListsController {
  constructor(
    private readonly copies: TaskListCopyService,
    private readonly details: TaskDetailsService,
  ) {}

  @ApiCopyTaskList()
  async copy(
    @CurrentAccount() account: AuthenticatedAccount,
    @CurrentTokenHash() tokenHash: string,
    @Body() body: unknown,
    @Query() query: Record<string, string>,
    @Headers() headers: IncomingHttpHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const asked = booleanParameter(query, 'async');
    const [attributes] = parseJsonApiBody(body, TaskListCopyAttributes, { type: 'task_lists' });
    const input = listCopyInputOf(attributes);
    const key = copyKeyOf(headers, tokenHash, 'POST /api/v2/task_lists/copy', body);
    const outcome = await this.copies.submit(account.id, input, { async: asked, ...key });
    if (outcome.kind === 'queued') {
      reply.status(202).header('content-location', `/api/v2/operations/${outcome.operation.id}`);
      return compoundDocument(operationResource(outcome.operation));
    }
    const { result } = outcome;
    const list = await this.details.get('task_lists', account.id, result.taskListId);
    reply.status(201).header('location', `/api/v2/task_lists/${list.id}`);
    return compoundDocument(
      {
        type: 'task_lists',
        id: String(list.id),
        attributes: taskListsResource.attributes(list),
        relationships: taskListsResource.relationships(list),
        links: { self: `/api/v2/task_lists/${list.id}` },
      },
      [],
      { meta: { copy: { source_task_list_id: String(result.sourceTaskListId), ...listCopyMeta(result) } } },
    );
  }
}
