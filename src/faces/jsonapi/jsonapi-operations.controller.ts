import { Controller, Param, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { AuthenticatedAccount } from '../../accounts/accounts.service';
import { CurrentAccount, RequiresOrganizationHeader } from '../../auth/auth.decorators';
import { OPERATION_STATUSES, OperationStatus } from '../../operations/operation.entity';
import { OperationsService } from '../../operations/operations.service';
import { compoundDocument } from './jsonapi-document';
import { JsonApiController } from './jsonapi.openapi';
import { JsonApiRoutes } from './jsonapi-routes.openapi';
import { copyLocation, operationResource } from './jsonapi-operation.presenter';
import { RequestError } from '../../common/request.errors';

@JsonApiController()
@RequiresOrganizationHeader()
@Controller('api/v2/operations')
export class JsonApiOperationsController {
  constructor(private readonly operations: OperationsService) {}

  @JsonApiRoutes.listOperations()
  async list(@CurrentAccount() account: AuthenticatedAccount, @Query() query: Record<string, string>) {
    const status = query['filter[status]'];
    if (status !== undefined && !OPERATION_STATUSES.includes(status as OperationStatus)) {
      throw new RequestError(
        'REQUEST_UNSUPPORTED_FILTER',
        `filter[status] is one of ${OPERATION_STATUSES.join(', ')}`,
        {
          meta: { parameter: 'filter[status]' },
        },
      );
    }
    const size = query['page[size]'] === undefined ? 30 : Number(query['page[size]']);
    if (!Number.isInteger(size) || size < 1 || size > 200) {
      throw new RequestError('REQUEST_INVALID_QUERY', 'page[size] must be 1 to 200', {
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

  @JsonApiRoutes.getOperation()
  async get(
    @CurrentAccount() account: AuthenticatedAccount,
    @Param('id') id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const operation = await this.operations.get(account.id, id);
    const log = operation.status === 'FAIL' ? await this.operations.log(account.id, id) : [];
    const resource = operationResource(operation, log);
    const location = copyLocation(operation);
    if (location) reply.status(303).header('location', location);
    return compoundDocument(resource);
  }
}
