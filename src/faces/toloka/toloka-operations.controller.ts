import { Controller, Get, Param, Query } from '@nestjs/common';
import type { AuthenticatedAccount } from '../../accounts/accounts.service';
import { CurrentAccount } from '../../auth/auth.decorators';
import { OPERATION_STATUSES } from '../../operations/operation.entity';
import { OperationsService } from '../../operations/operations.service';
import { operationLogWire, operationWire, pageWire } from './toloka-presenter';
import type { Query as QueryParams } from './toloka-query';
import { operationSearchOf } from './toloka-request';
import { OperationLogWire, OperationPage, OperationWire } from './toloka-wire';
import { CLONE_OPERATION_EXAMPLE, OPERATION_ID_EXAMPLE } from './toloka.examples';
import { TolokaController, TolokaRoute } from './toloka.openapi';

const OPERATION_ID = { description: 'Operation id (UUID)', example: OPERATION_ID_EXAMPLE };

/** Asynchronous operations; the v2 face's TASK.COPY operations show here too (docs/v1.md#operations). */
@TolokaController()
@Controller('api/v1/operations')
export class TolokaOperationsController {
  constructor(private readonly operations: OperationsService) {}

  @Get()
  @TolokaRoute({
    summary: 'Search operations (the caller’s only)',
    operationId: 'searchOperations',
    query: [
      { name: 'type', example: 'POOL.CLONE' },
      { name: 'status', enum: OPERATION_STATUSES },
      {
        name: 'id_gt',
        description: 'Also id_gte, id_lt, id_lte (string order; printable ASCII only, else 400)',
      },
      { name: 'submitted_gt', description: 'Also submitted_gte/_lt/_lte' },
      { name: 'finished_gt', description: 'Also finished_gte/_lt/_lte' },
      { name: 'sort', example: '-submitted', description: 'id, submitted, finished' },
      { name: 'limit', example: 50, description: '1–500, default 50' },
    ],
    responses: [{ status: 200, type: OperationPage }],
  })
  async search(@CurrentAccount() account: AuthenticatedAccount, @Query() query: QueryParams) {
    return pageWire(await this.operations.search(account.id, operationSearchOf(query)), operationWire);
  }

  @Get(':id')
  @TolokaRoute({
    summary: 'Get an operation (poll it until SUCCESS or FAIL)',
    operationId: 'getOperation',
    id: OPERATION_ID,
    responses: [
      {
        status: 200,
        type: OperationWire,
        content: { 'application/json': { example: CLONE_OPERATION_EXAMPLE } },
      },
    ],
    errors: [404],
  })
  async get(@CurrentAccount() account: AuthenticatedAccount, @Param('id') id: string) {
    return operationWire(await this.operations.get(account.id, id));
  }

  @Get(':id/log')
  @TolokaRoute({
    summary: 'The operation log: [] for a successful operation, one failed entry on FAIL',
    operationId: 'getOperationLog',
    id: OPERATION_ID,
    responses: [{ status: 200, type: [OperationLogWire] }],
    errors: [404],
  })
  async log(@CurrentAccount() account: AuthenticatedAccount, @Param('id') id: string) {
    return operationLogWire(await this.operations.log(account.id, id));
  }
}
