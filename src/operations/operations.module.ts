import { Module } from '@nestjs/common';

/** Long-running work: the operations table, its state machine and the job service that runs it. */
@Module({})
export class OperationsModule {}
