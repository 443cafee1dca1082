import { Module, OnModuleInit } from '@nestjs/common';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { OperationHandlers } from '../operations/operation-handlers';
import { OperationsModule } from '../operations/operations.module';
import { RateLimitsModule } from '../rate-limits/rate-limits.module';
import { CrowdProjectsService } from './crowd-projects.service';
import { PoolCloneHandler } from './pool-clone.handler';
import { PoolsService } from './pools.service';

/** Toloka-style crowd projects and pools (the /api/v1 face's domain). */
@Module({
  imports: [OperationsModule, RateLimitsModule, IdempotencyModule],
  providers: [CrowdProjectsService, PoolsService, PoolCloneHandler],
  exports: [CrowdProjectsService, PoolsService],
})
export class PoolsModule implements OnModuleInit {
  constructor(
    private readonly handlers: OperationHandlers,
    private readonly cloneHandler: PoolCloneHandler,
  ) {}

  onModuleInit(): void {
    this.handlers.register(this.cloneHandler);
  }
}
