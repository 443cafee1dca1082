import { Module } from '@nestjs/common';
import { OperationsModule } from '../../operations/operations.module';
import { PoolsModule } from '../../pools/pools.module';
import { TolokaOperationsController } from './toloka-operations.controller';
import { TolokaPoolsController } from './toloka-pools.controller';
import { TolokaProjectsController } from './toloka-projects.controller';
import { TolokaRequesterController } from './toloka-requester.controller';

/** The Toloka-compatible requester API under /api/v1 (docs/v1.md). */
@Module({
  imports: [PoolsModule, OperationsModule],
  controllers: [
    TolokaRequesterController,
    TolokaProjectsController,
    TolokaPoolsController,
    TolokaOperationsController,
  ],
})
export class TolokaModule {}
