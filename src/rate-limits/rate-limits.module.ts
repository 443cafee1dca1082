import { Module } from '@nestjs/common';
import { RateLimitsService } from './rate-limits.service';

/** The v1 face's per-account request limits, counted in the database (docs/v1.md#rate-limits). */
@Module({
  providers: [RateLimitsService],
  exports: [RateLimitsService],
})
export class RateLimitsModule {}
