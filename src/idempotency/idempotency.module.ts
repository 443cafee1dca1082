import { Module } from '@nestjs/common';
import { IdempotencyService } from './idempotency.service';

/**
 * `Idempotency-Key` support for any face's create-like routes (docs/v1.md#idempotency-key,
 * docs/v2.md#idempotency).
 */
@Module({
  providers: [IdempotencyService],
  exports: [IdempotencyService],
})
export class IdempotencyModule {}
