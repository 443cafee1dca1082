import { Module } from '@nestjs/common';
import { OperationHandlers } from './operation-handlers';
import { OperationRunner } from './operation-runner';
import { OperationsService } from './operations.service';

/**
 * Long-running work: the operations table, its state machine and the job service that runs it.
 * Modules that own work register their handlers in OperationHandlers (Operations imports none).
 */
@Module({
  providers: [OperationsService, OperationHandlers, OperationRunner],
  exports: [OperationsService, OperationHandlers, OperationRunner],
})
export class OperationsModule {}
