import { Controller, Get, Header, Param, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AuthenticatedAccount } from '../../accounts/accounts.service';
import { CurrentAccount, RequiresOrganizationHeader } from '../../auth/auth.decorators';
import { OPERATION_STATUSES, OperationLogEntry, OperationStatus } from '../../operations/operation.entity';
import { OperationsService, OperationView } from '../../operations/operations.service';
import { TASK_COPY } from '../../task-details/task-copy.operation';
import { compoundDocument, ResourceObject, toOne } from './jsonapi-document';
import { JSONAPI_MEDIA_TYPE } from './jsonapi-error.mapper';
import { isoOrNull } from './jsonapi-resource';
import { JSONAPI_DOCUMENT_CONTENT, JsonApiController, JsonApiErrors } from './jsonapi.openapi';
import { QUEUED_COPY_OPERATION } from './jsonapi.examples';
import { DomainError } from '../../common/domain-error';

/**
 * An operation as a JSON:API resource (tasks-copy.md §5.3.1): the same record the v1 face serves
 * at /api/v1/operations/{id}; a TASK.COPY links its new task and carries meta.copy once done.
 */
export function operationResource(operation: OperationView, log: OperationLogEntry[] = []): ResourceObject {
  const details = operation.details ?? {};
  const taskId = typeof details.task_id === 'string' ? details.task_id : null;
  const total = typeof details.total_count === 'number' ? details.total_count : null;
  return {
    type: 'operations',
    id: operation.id,
    attributes: {
      // JSON:API forbids an attribute named `type`; the v1 face keeps Toloka's `type`.
      operation_type: operation.type,
      status: operation.status,
      progress: operation.progress,
      submitted: isoOrNull(operation.submitted),
      started: isoOrNull(operation.started),
      finished: isoOrNull(operation.finished),
      total_count: total,
      processed_count: operation.status === 'SUCCESS' ? total : null,
      errors: log.filter((entry) => !entry.success).map((entry) => entry.output),
    },
    relationships: { task: toOne('tasks', taskId) },
    links: { self: `/api/v2/operations/${operation.id}` },
    ...(operation.type === TASK_COPY && operation.status === 'SUCCESS'
      ? {
          meta: {
            copy: {
              source_task_id: details.source_task_id,
              task_id_map: details.task_id_map,
              counts: details.counts,
              skipped: details.skipped,
              ...(details.template_id ? { template_id: details.template_id } : {}),
            },
          },
        }
      : {}),
  };
}

@JsonApiController()
@RequiresOrganizationHeader()
@Controller('api/v2/operations')
export class JsonApiOperationsController {
  constructor(private readonly operations: OperationsService) {}

  @Get()
  @Header('content-type', JSONAPI_MEDIA_TYPE)
  @ApiOperation({
    summary: 'List the organization’s operations, newest first',
    description: 'Filter: status.',
  })
  @ApiQuery({ name: 'filter[status]', required: false, enum: OPERATION_STATUSES })
  @ApiQuery({ name: 'page[size]', required: false, schema: { type: 'integer', minimum: 1, maximum: 200 } })
  @ApiOkResponse({
    description: 'Operations',
    content: JSONAPI_DOCUMENT_CONTENT,
  })
  async list(@CurrentAccount() account: AuthenticatedAccount, @Query() query: Record<string, string>) {
    const status = query['filter[status]'];
    if (status !== undefined && !OPERATION_STATUSES.includes(status as OperationStatus)) {
      throw new DomainError(
        'REQUEST_UNSUPPORTED_FILTER',
        `filter[status] is one of ${OPERATION_STATUSES.join(', ')}`,
        {
          meta: { parameter: 'filter[status]' },
        },
      );
    }
    const size = query['page[size]'] === undefined ? 30 : Number(query['page[size]']);
    if (!Number.isInteger(size) || size < 1 || size > 200) {
      throw new DomainError('REQUEST_INVALID_QUERY', 'page[size] must be 1 to 200', {
        meta: { parameter: 'page[size]' },
      });
    }
    const page = await this.operations.search(account.id, {
      status: status as OperationStatus | undefined,
      sort: [{ field: 'submitted', descending: true }],
      limit: size,
    });
    return compoundDocument(
      page.items.map((o) => operationResource(o)),
      [],
      { meta: { has_more: page.hasMore } },
    );
  }

  @Get(':id')
  @Header('content-type', JSONAPI_MEDIA_TYPE)
  @ApiOperation({
    summary: 'Poll an operation: 200 while it runs, 303 See Other to the new task once a TASK.COPY succeeded',
  })
  @ApiParam({ name: 'id', schema: { type: 'string', format: 'uuid' } })
  @ApiOkResponse({
    description:
      'The operation (PENDING, RUNNING, FAIL with errors, or a finished non-copy operation); its kind is `operation_type`',
    content: {
      [JSONAPI_MEDIA_TYPE]: {
        ...JSONAPI_DOCUMENT_CONTENT[JSONAPI_MEDIA_TYPE],
        examples: { running: { value: QUEUED_COPY_OPERATION } },
      },
    },
  })
  @ApiResponse({
    status: 303,
    description: 'The copy succeeded; Location names the new task',
    headers: { Location: { schema: { type: 'string' } } },
  })
  @JsonApiErrors(404)
  async get(
    @CurrentAccount() account: AuthenticatedAccount,
    @Param('id') id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const operation = await this.operations.get(account.id, id);
    const log = operation.status === 'FAIL' ? await this.operations.log(account.id, id) : [];
    const resource = operationResource(operation, log);
    const taskId = operation.details?.task_id;
    if (operation.type === TASK_COPY && operation.status === 'SUCCESS' && typeof taskId === 'string') {
      reply.status(303).header('location', `/api/v2/tasks/${taskId}`);
    }
    return compoundDocument(resource);
  }
}
