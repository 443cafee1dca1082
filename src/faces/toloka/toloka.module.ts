import { Module } from '@nestjs/common';
import { TolokaRequesterController } from './toloka-requester.controller';

/** The Toloka-compatible requester API under /api/v1 (shared/specs/pools-and-operations.md). */
@Module({
  controllers: [TolokaRequesterController],
})
export class TolokaModule {}
