import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import { ApiExtraModels } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import type { AuthenticatedAccount } from '../../accounts/accounts.service';
import { CurrentAccount } from '../../auth/auth.decorators';
import { POOL_STATUSES } from '../../pools/pool.entity';
import { PoolsService } from '../../pools/pools.service';
import { PoolForm, PoolPatchForm } from './toloka-pools.dto';
import { actionWire, operationWire, pageWire, poolWire } from './toloka-presenter';
import type { Query as QueryParams } from './toloka-query';
import { idempotencyOf, poolFields, poolSearchOf } from './toloka-request';
import { OperationWire, PoolPage, PoolWire } from './toloka-wire';
import {
  CLONE_OPERATION_EXAMPLE,
  OPEN_POOL_ID_EXAMPLE,
  PENDING_CLONE_EXAMPLE,
  POOL_FORM_EXAMPLE,
  POOL_ID_EXAMPLE,
  POOL_REPLACE_EXAMPLE,
  PROJECT_ID_EXAMPLE,
} from './toloka.examples';
import { TolokaController, TolokaRoute, TolokaRouteDocs } from './toloka.openapi';

const IDEMPOTENCY_KEY =
  'Optional (our extension): a repeat with the same key within 24 h returns the first answer ' +
  'without doing the work again or counting against the rate limit; the same key with another request is 409 CONFLICT_STATE.';

const POOL_ID = { description: 'Pool id (numeric string)', example: POOL_ID_EXAMPLE };
const OPEN_POOL_ID = {
  description: 'Pool id (numeric string); the example is OPEN',
  example: OPEN_POOL_ID_EXAMPLE,
};

/** open, close, close-for-update and archive: 202 with a finished operation, or 204. */
function actionDocs(
  summary: string,
  operationType: string,
  already: string,
  operationId: string,
  id = POOL_ID,
): TolokaRouteDocs {
  return {
    summary,
    operationId,
    id,
    responses: [
      {
        status: 202,
        description: `The change is made; a finished ${operationType} operation (submitted = started = finished)`,
        type: OperationWire,
      },
      { status: 204, description: `${already}: nothing to do, empty body` },
    ],
    errors: [404, 409],
  };
}

/** Pools and their actions (docs/v1.md#pools). */
@TolokaController()
@ApiExtraModels(PoolForm, PoolPatchForm)
@Controller('api/v1/pools')
export class TolokaPoolsController {
  constructor(private readonly pools: PoolsService) {}

  @Post()
  @HttpCode(201)
  @TolokaRoute({
    summary: 'Create a pool (status CLOSED)',
    operationId: 'createPool',
    idempotencyKey: IDEMPOTENCY_KEY,
    query: [{ name: 'storage_key', description: 'Accepted and ignored (toloka-kit `tier`)' }],
    body: { type: PoolForm, name: 'pool', example: POOL_FORM_EXAMPLE },
    responses: [{ status: 201, type: PoolWire }],
    errors: [409, 413, 429],
  })
  async create(
    @CurrentAccount() account: AuthenticatedAccount,
    @Body() form: PoolForm,
    @Headers() headers: IncomingHttpHeaders,
  ) {
    const fields = poolFields(form);
    const idempotency = idempotencyOf(headers, 'POST /api/v1/pools', form.project_id, fields);
    return poolWire(
      await this.pools.createPool(account.id, form.project_id, fields, idempotency),
      account.id,
    );
  }

  @Get()
  @TolokaRoute({
    summary: 'Search pools (the caller’s only)',
    operationId: 'searchPools',
    query: [
      { name: 'status', enum: POOL_STATUSES },
      { name: 'project_id', example: PROJECT_ID_EXAMPLE },
      { name: 'id_gt', description: 'Also id_gte, id_lt, id_lte' },
      { name: 'created_gt', description: 'Also created_gte/_lt/_lte; UTC date-time' },
      { name: 'last_started_gt', description: 'Also last_started_gte/_lt/_lte' },
      { name: 'sort', example: 'created,-id', description: 'id, created, last_started; - for descending' },
      { name: 'limit', example: 50, description: '1–300, default 50' },
    ],
    responses: [{ status: 200, type: PoolPage }],
  })
  async search(@CurrentAccount() account: AuthenticatedAccount, @Query() query: QueryParams) {
    const page = await this.pools.searchPools(account.id, poolSearchOf(query));
    return pageWire(page, (pool) => poolWire(pool, account.id));
  }

  @Get(':id')
  @TolokaRoute({
    summary: 'Get a pool',
    operationId: 'getPool',
    id: POOL_ID,
    responses: [{ status: 200, type: PoolWire }],
    errors: [404],
  })
  async get(@CurrentAccount() account: AuthenticatedAccount, @Param('id') id: string) {
    return poolWire(await this.pools.getPool(account.id, id), account.id);
  }

  @Put(':id')
  @TolokaRoute({
    summary: 'Replace every writable field of a CLOSED pool (absent optional fields return to unset)',
    operationId: 'updatePool',
    id: POOL_ID,
    body: { type: PoolForm, name: 'pool', example: POOL_REPLACE_EXAMPLE },
    responses: [{ status: 200, type: PoolWire }],
    errors: [404, 409, 413],
  })
  async replace(
    @CurrentAccount() account: AuthenticatedAccount,
    @Param('id') id: string,
    @Body() form: PoolForm,
  ) {
    return poolWire(
      await this.pools.replacePool(account.id, id, form.project_id, poolFields(form)),
      account.id,
    );
  }

  @Patch(':id')
  @TolokaRoute({
    summary: 'Change the priority of an OPEN or CLOSED pool',
    operationId: 'patchPool',
    id: POOL_ID,
    body: { type: PoolPatchForm, name: 'pool', example: { priority: 10 } },
    responses: [{ status: 200, type: PoolWire }],
    errors: [404, 409],
  })
  async patch(
    @CurrentAccount() account: AuthenticatedAccount,
    @Param('id') id: string,
    @Body() form: PoolPatchForm,
  ) {
    return poolWire(await this.pools.patchPool(account.id, id, { priority: form.priority }), account.id);
  }

  @Post(':id/open')
  @HttpCode(202)
  @TolokaRoute(actionDocs('Open a CLOSED pool', 'POOL.OPEN', 'Already OPEN', 'openPool'))
  async open(
    @CurrentAccount() account: AuthenticatedAccount,
    @Param('id') id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return actionWire(await this.pools.act(account.id, id, 'open'), reply);
  }

  @Post(':id/close')
  @HttpCode(202)
  @TolokaRoute(
    actionDocs(
      'Close an OPEN pool (reason MANUAL)',
      'POOL.CLOSE',
      'Already CLOSED',
      'closePool',
      OPEN_POOL_ID,
    ),
  )
  async close(
    @CurrentAccount() account: AuthenticatedAccount,
    @Param('id') id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return actionWire(await this.pools.act(account.id, id, 'close'), reply);
  }

  @Post(':id/close-for-update')
  @HttpCode(202)
  @TolokaRoute(
    actionDocs(
      'Close an OPEN pool for editing (reason FOR_UPDATE)',
      'POOL.CLOSE',
      'Already CLOSED',
      'closePoolForUpdate',
      OPEN_POOL_ID,
    ),
  )
  async closeForUpdate(
    @CurrentAccount() account: AuthenticatedAccount,
    @Param('id') id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return actionWire(await this.pools.act(account.id, id, 'close-for-update'), reply);
  }

  @Post(':id/archive')
  @HttpCode(202)
  @TolokaRoute(actionDocs('Archive a CLOSED pool', 'POOL.ARCHIVE', 'Already ARCHIVED', 'archivePool'))
  async archive(
    @CurrentAccount() account: AuthenticatedAccount,
    @Param('id') id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return actionWire(await this.pools.act(account.id, id, 'archive'), reply);
  }

  @Post(':id/clone')
  @HttpCode(202)
  @TolokaRoute({
    summary:
      'Clone a pool: a new CLOSED pool with the same parameters, in the same project, made by the job service',
    description:
      'Answers 202 with the POOL.CLONE operation: PENDING; or, when a worker of the instance was free to run it right ' +
      'after the commit, as it is once that run ended (normally SUCCESS with details.pool_id), or RUNNING if that took ' +
      'longer than POOL_CLONE_ANSWER_WAIT_MS; or already finished, for a repeated Idempotency-Key. Until it is SUCCESS, ' +
      'poll GET /api/v1/operations/{id}; then details.pool_id is the new pool. 20 per minute and 100 per day per account.',
    operationId: 'clonePool',
    id: POOL_ID,
    idempotencyKey: IDEMPOTENCY_KEY,
    responses: [
      {
        status: 202,
        type: OperationWire,
        content: {
          'application/json': {
            examples: {
              pending: { summary: 'As submitted', value: PENDING_CLONE_EXAMPLE },
              finished: {
                summary: 'Finished: at rest the POST itself answers so; otherwise GET /operations/{id} later',
                value: CLONE_OPERATION_EXAMPLE,
              },
            },
          },
        },
      },
    ],
    errors: [404, 409, 429],
  })
  async clone(
    @CurrentAccount() account: AuthenticatedAccount,
    @Param('id') id: string,
    @Headers() headers: IncomingHttpHeaders,
  ) {
    const idempotency = idempotencyOf(headers, 'POST /api/v1/pools/{id}/clone', id);
    return operationWire(await this.pools.clonePool(account.id, id, idempotency));
  }
}
