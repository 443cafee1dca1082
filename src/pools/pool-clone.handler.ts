import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { Database } from '../database/database';
import {
  OperationContext,
  OperationHandler,
  OperationsRefused,
  RunningOperation,
} from '../operations/operation-handlers';
import { cloneMany } from './pool-batch-clone';
import { POOL_CLONE, PoolsService } from './pools.service';

/**
 * POOL.CLONE on the job service: the new pool is written in the operation's own transaction,
 * which also writes SUCCESS with details.pool_id — no half-made pool, never two.
 * A source pool gone or a project archived meanwhile is a DomainError: FAIL, no retry.
 * Several clones run in one transaction (runBatch) when the job service has a backlog of them; a
 * batch names those of its clones that cannot be made (OperationsRefused), and each fails alone.
 */
@Injectable()
export class PoolCloneHandler implements OperationHandler {
  readonly type = POOL_CLONE;

  constructor(
    private readonly pools: PoolsService,
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  async run({ manager, operation }: OperationContext): Promise<Record<string, unknown>> {
    const created = await this.pools.cloneInTransaction(
      manager,
      operation.accountId,
      String(operation.parameters.pool_id),
    );
    return { pool_id: created.id };
  }

  async runBatch(
    operations: RunningOperation[],
    manager: EntityManager,
  ): Promise<Array<Record<string, unknown>>> {
    const cloned = await cloneMany(
      this.db,
      this.clock,
      manager,
      operations.map((op) => ({ accountId: op.accountId, sourceId: String(op.parameters.pool_id) })),
    );
    if ('refused' in cloned) throw new OperationsRefused(cloned.refused);
    return cloned.ids.map((id) => ({ pool_id: id }));
  }
}
