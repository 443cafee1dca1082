import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiQuery } from '@nestjs/swagger';
import type { AuthenticatedAccount } from '../../accounts/accounts.service';
import { CurrentAccount } from '../../auth/auth.decorators';
import { OPERATION_STATUSES, OperationStatus } from '../../operations/operation.entity';
import { OperationsService } from '../../operations/operations.service';
import { Query as QueryParams, QueryReader } from './toloka-query';
import {
  CLONE_OPERATION_EXAMPLE,
  OperationLogWire,
  operationLogWire,
  OperationPage,
  OperationWire,
  operationWire,
} from './toloka-wire';
import { OPERATION_ID_EXAMPLE } from './toloka.examples';
import { TolokaController, TolokaErrors } from './toloka.openapi';

const OPERATION_ID = ApiParam({
  name: 'id',
  description: 'Operation id (UUID)',
  example: OPERATION_ID_EXAMPLE,
});

/** Asynchronous operations; the v2 face's TASK.COPY operations show here too. */
@TolokaController()
@Controller('api/v1/operations')
export class TolokaOperationsController {
  constructor(private readonly operations: OperationsService) {}

  @Get()
  @ApiOperation({ summary: 'Search operations (the caller’s only)', operationId: 'searchOperations' })
  @ApiQuery({ name: 'type', required: false, example: 'POOL.CLONE' })
  @ApiQuery({ name: 'status', required: false, enum: OPERATION_STATUSES })
  @ApiQuery({
    name: 'id_gt',
    required: false,
    description: 'Also id_gte, id_lt, id_lte (string order; printable ASCII only, else 400)',
  })
  @ApiQuery({ name: 'submitted_gt', required: false, description: 'Also submitted_gte/_lt/_lte' })
  @ApiQuery({ name: 'finished_gt', required: false, description: 'Also finished_gte/_lt/_lte' })
  @ApiQuery({ name: 'sort', required: false, example: '-submitted', description: 'id, submitted, finished' })
  @ApiQuery({ name: 'limit', required: false, example: 50, description: '1–500, default 50' })
  @ApiOkResponse({ type: OperationPage })
  async search(@CurrentAccount() account: AuthenticatedAccount, @Query() query: QueryParams) {
    const q = new QueryReader(query);
    const search = {
      type: q.string('type'),
      status: q.oneOf<OperationStatus>('status', OPERATION_STATUSES),
      id: q.asciiRange('id'),
      submitted: q.dateRange('submitted'),
      finished: q.dateRange('finished'),
      sort: q.sort(['id', 'submitted', 'finished'] as const),
      limit: q.limit(500),
    };
    q.done();
    const page = await this.operations.search(account.id, search);
    return { items: page.items.map(operationWire), has_more: page.hasMore };
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get an operation (poll it until SUCCESS or FAIL)', operationId: 'getOperation' })
  @OPERATION_ID
  @ApiOkResponse({
    type: OperationWire,
    content: { 'application/json': { example: CLONE_OPERATION_EXAMPLE } },
  })
  @TolokaErrors(404)
  async get(@CurrentAccount() account: AuthenticatedAccount, @Param('id') id: string) {
    return operationWire(await this.operations.get(account.id, id));
  }

  @Get(':id/log')
  @ApiOperation({
    summary: 'The operation log: [] for a successful operation, one failed entry on FAIL',
    operationId: 'getOperationLog',
  })
  @OPERATION_ID
  @ApiOkResponse({ type: [OperationLogWire] })
  @TolokaErrors(404)
  async log(@CurrentAccount() account: AuthenticatedAccount, @Param('id') id: string) {
    return operationLogWire(await this.operations.log(account.id, id));
  }
}
