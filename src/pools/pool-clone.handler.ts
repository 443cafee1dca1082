import { Injectable } from '@nestjs/common';
import { OperationContext, OperationHandler } from '../operations/operation-handlers';
import { POOL_CLONE, PoolsService } from './pools.service';

/**
 * POOL.CLONE on the job service: the new pool is written in the operation's own transaction,
 * which also writes SUCCESS with details.pool_id — no half-made pool, never two.
 * A source pool gone or a project archived meanwhile is a DomainError: FAIL, no retry.
 */
@Injectable()
export class PoolCloneHandler implements OperationHandler {
  readonly type = POOL_CLONE;

  constructor(private readonly pools: PoolsService) {}

  async run({ manager, operation }: OperationContext): Promise<Record<string, unknown>> {
    const created = await this.pools.cloneInTransaction(
      manager,
      operation.accountId,
      String(operation.parameters.pool_id),
    );
    return { pool_id: created.id };
  }
}
