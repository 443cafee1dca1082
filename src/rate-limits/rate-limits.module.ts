import { Module } from '@nestjs/common';
import { RateLimitsService } from './rate-limits.service';

/** Per-account request limits counted in the database (pools-and-operations.md §10). */
@Module({
  providers: [RateLimitsService],
  exports: [RateLimitsService],
})
export class RateLimitsModule {}
