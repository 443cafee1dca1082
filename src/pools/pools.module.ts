import { Module } from '@nestjs/common';

/** Toloka-style crowd projects and pools (the /api/v1 face's domain). */
@Module({})
export class PoolsModule {}
