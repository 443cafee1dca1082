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
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import type { AuthenticatedAccount } from '../../accounts/accounts.service';
import { CurrentAccount } from '../../auth/auth.decorators';
import { POOL_STATUSES, PoolStatus } from '../../pools/pool.entity';
import { PoolsService } from '../../pools/pools.service';
import { PoolForm, PoolPatchForm } from './toloka-pools.dto';
import {
  OPEN_POOL_ID_EXAMPLE,
  POOL_FORM_EXAMPLE,
  POOL_ID_EXAMPLE,
  POOL_REPLACE_EXAMPLE,
  PROJECT_ID_EXAMPLE,
} from './toloka.examples';
import { Query as QueryParams, QueryReader } from './toloka-query';
import { idempotencyOf, poolFields } from './toloka-request';
import {
  CLONE_OPERATION_EXAMPLE,
  OperationWire,
  operationWire,
  PENDING_CLONE_EXAMPLE,
  PoolPage,
  PoolWire,
  poolWire,
} from './toloka-wire';
import { TolokaController, TolokaErrors } from './toloka.openapi';

const IDEMPOTENCY_HEADER = ApiHeader({
  name: 'Idempotency-Key',
  required: false,
  description:
    'Optional (our extension): a repeat with the same key within 24 h returns the first answer ' +
    'without doing the work again or counting against the rate limit; the same key with another request is 409 CONFLICT_STATE.',
});

const poolId = (example: string, note = '') =>
  ApiParam({ name: 'id', description: `Pool id (numeric string)${note}`, example });
const POOL_ID = poolId(POOL_ID_EXAMPLE);

const poolBody = (type: typeof PoolForm | typeof PoolPatchForm, value: object) =>
  ApiBody({ schema: { $ref: getSchemaPath(type) }, examples: { pool: { value } } });

function actionDocs(
  summary: string,
  operationType: string,
  already: string,
  operationId: string,
  example = POOL_ID,
) {
  return [
    ApiOperation({ summary, operationId }),
    example,
    ApiAcceptedResponse({
      description: `The change is made; a finished ${operationType} operation (submitted = started = finished)`,
      type: OperationWire,
    }),
    ApiNoContentResponse({ description: `${already}: nothing to do, empty body` }),
    TolokaErrors(404, 409),
  ];
}

function applyAll(decorators: MethodDecorator[]): MethodDecorator {
  return (target, key, descriptor) => {
    for (const decorator of decorators) decorator(target, key, descriptor);
  };
}

/** Pools and their actions. */
@TolokaController()
@ApiExtraModels(PoolForm, PoolPatchForm)
@Controller('api/v1/pools')
export class TolokaPoolsController {
  constructor(private readonly pools: PoolsService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a pool (status CLOSED)', operationId: 'createPool' })
  @IDEMPOTENCY_HEADER
  @ApiQuery({ name: 'storage_key', required: false, description: 'Accepted and ignored (toloka-kit `tier`)' })
  @poolBody(PoolForm, POOL_FORM_EXAMPLE)
  @ApiCreatedResponse({ type: PoolWire })
  @TolokaErrors(409, 413, 429)
  async create(
    @CurrentAccount() account: AuthenticatedAccount,
    @Body() form: PoolForm,
    @Headers() headers: IncomingHttpHeaders,
  ) {
    const fields = poolFields(form);
    const idempotency = idempotencyOf(headers, 'POST /api/v1/pools', form.project_id, fields);
    const pool = await this.pools.createPool(account.id, form.project_id, fields, idempotency);
    return poolWire(pool, account.id);
  }

  @Get()
  @ApiOperation({ summary: 'Search pools (the caller’s only)', operationId: 'searchPools' })
  @ApiQuery({ name: 'status', required: false, enum: POOL_STATUSES })
  @ApiQuery({ name: 'project_id', required: false, example: PROJECT_ID_EXAMPLE })
  @ApiQuery({ name: 'id_gt', required: false, description: 'Also id_gte, id_lt, id_lte' })
  @ApiQuery({ name: 'created_gt', required: false, description: 'Also created_gte/_lt/_lte; UTC date-time' })
  @ApiQuery({ name: 'last_started_gt', required: false, description: 'Also last_started_gte/_lt/_lte' })
  @ApiQuery({
    name: 'sort',
    required: false,
    example: 'created,-id',
    description: 'id, created, last_started; - for descending',
  })
  @ApiQuery({ name: 'limit', required: false, example: 50, description: '1–300, default 50' })
  @ApiOkResponse({ type: PoolPage })
  async search(@CurrentAccount() account: AuthenticatedAccount, @Query() query: QueryParams) {
    const q = new QueryReader(query);
    const search = {
      status: q.oneOf<PoolStatus>('status', POOL_STATUSES),
      projectId: q.string('project_id'),
      id: q.idRange(),
      created: q.dateRange('created'),
      lastStarted: q.dateRange('last_started'),
      sort: q.sort(['id', 'created', 'last_started'] as const),
      limit: q.limit(300),
    };
    q.done();
    const page = await this.pools.searchPools(account.id, search);
    return { items: page.items.map((p) => poolWire(p, account.id)), has_more: page.hasMore };
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a pool', operationId: 'getPool' })
  @POOL_ID
  @ApiOkResponse({ type: PoolWire })
  @TolokaErrors(404)
  async get(@CurrentAccount() account: AuthenticatedAccount, @Param('id') id: string) {
    return poolWire(await this.pools.getPool(account.id, id), account.id);
  }

  @Put(':id')
  @ApiOperation({
    summary: 'Replace every writable field of a CLOSED pool (absent optional fields return to unset)',
    operationId: 'updatePool',
  })
  @POOL_ID
  @poolBody(PoolForm, POOL_REPLACE_EXAMPLE)
  @ApiOkResponse({ type: PoolWire })
  @TolokaErrors(404, 409, 413)
  async replace(
    @CurrentAccount() account: AuthenticatedAccount,
    @Param('id') id: string,
    @Body() form: PoolForm,
  ) {
    const pool = await this.pools.replacePool(account.id, id, form.project_id, poolFields(form));
    return poolWire(pool, account.id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change the priority of an OPEN or CLOSED pool', operationId: 'patchPool' })
  @POOL_ID
  @poolBody(PoolPatchForm, { priority: 10 })
  @ApiOkResponse({ type: PoolWire })
  @TolokaErrors(404, 409)
  async patch(
    @CurrentAccount() account: AuthenticatedAccount,
    @Param('id') id: string,
    @Body() form: PoolPatchForm,
  ) {
    return poolWire(await this.pools.patchPool(account.id, id, { priority: form.priority }), account.id);
  }

  @Post(':id/open')
  @HttpCode(202)
  @applyAll(actionDocs('Open a CLOSED pool', 'POOL.OPEN', 'Already OPEN', 'openPool'))
  open(
    @CurrentAccount() account: AuthenticatedAccount,
    @Param('id') id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.act(account, id, 'open', reply);
  }

  @Post(':id/close')
  @HttpCode(202)
  @applyAll(
    actionDocs(
      'Close an OPEN pool (reason MANUAL)',
      'POOL.CLOSE',
      'Already CLOSED',
      'closePool',
      poolId(OPEN_POOL_ID_EXAMPLE, '; the example is OPEN'),
    ),
  )
  close(
    @CurrentAccount() account: AuthenticatedAccount,
    @Param('id') id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.act(account, id, 'close', reply);
  }

  @Post(':id/close-for-update')
  @HttpCode(202)
  @applyAll(
    actionDocs(
      'Close an OPEN pool for editing (reason FOR_UPDATE)',
      'POOL.CLOSE',
      'Already CLOSED',
      'closePoolForUpdate',
      poolId(OPEN_POOL_ID_EXAMPLE, '; the example is OPEN'),
    ),
  )
  closeForUpdate(
    @CurrentAccount() account: AuthenticatedAccount,
    @Param('id') id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.act(account, id, 'close-for-update', reply);
  }

  @Post(':id/archive')
  @HttpCode(202)
  @applyAll(actionDocs('Archive a CLOSED pool', 'POOL.ARCHIVE', 'Already ARCHIVED', 'archivePool'))
  archive(
    @CurrentAccount() account: AuthenticatedAccount,
    @Param('id') id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.act(account, id, 'archive', reply);
  }

  @Post(':id/clone')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Clone a pool: a new CLOSED pool with the same parameters, in the same project, made by the job service',
    description:
      'Answers 202 with the POOL.CLONE operation (PENDING, or already finished); poll GET /api/v1/operations/{id} ' +
      'until SUCCESS, then details.pool_id is the new pool. 20 per minute and 100 per day per account.',
    operationId: 'clonePool',
  })
  @POOL_ID
  @IDEMPOTENCY_HEADER
  @ApiAcceptedResponse({
    type: OperationWire,
    content: {
      'application/json': {
        examples: {
          pending: { summary: 'As submitted', value: PENDING_CLONE_EXAMPLE },
          finished: { summary: 'Once finished (GET /operations/{id})', value: CLONE_OPERATION_EXAMPLE },
        },
      },
    },
  })
  @TolokaErrors(404, 409, 429)
  async clone(
    @CurrentAccount() account: AuthenticatedAccount,
    @Param('id') id: string,
    @Headers() headers: IncomingHttpHeaders,
  ) {
    const idempotency = idempotencyOf(headers, 'POST /api/v1/pools/{id}/clone', id);
    return operationWire(await this.pools.clonePool(account.id, id, idempotency));
  }

  private async act(
    account: AuthenticatedAccount,
    id: string,
    action: 'open' | 'close' | 'close-for-update' | 'archive',
    reply: FastifyReply,
  ) {
    const operation = await this.pools.act(account.id, id, action);
    if (!operation) {
      // Already in that state: 204 with an empty body is how toloka-kit tells.
      reply.status(204);
      return undefined;
    }
    return operationWire(operation);
  }
}
