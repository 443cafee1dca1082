import { Module, OnModuleInit } from '@nestjs/common';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { OperationHandlers } from '../operations/operation-handlers';
import { OperationsModule } from '../operations/operations.module';
import { TaskCopyHandler } from './task-copy.handler';
import { TasksModule } from '../tasks/tasks.module';
import { TaskCopyService } from './task-copy.service';
import { TaskWriteService } from './task-write.service';
import { StoreWriteService } from './store-write.service';
import { TaskDetailsService } from './task-details.service';
import { StoreReadModel, TaskReadModel } from './task-read-model';

/**
 * What surrounds a task in the v2 face — workflows and statuses, task lists, memberships, custom
 * fields, todos, comments, attachments, subscribers, dependencies, templates — and which the
 * copy flags of POST /api/v2/tasks/copy select (tasks-copy.md §3).
 */
@Module({
  imports: [TasksModule, OperationsModule, IdempotencyModule],
  providers: [
    TaskDetailsService,
    TaskReadModel,
    StoreReadModel,
    TaskCopyService,
    TaskWriteService,
    StoreWriteService,
    TaskCopyHandler,
  ],
  exports: [
    TaskDetailsService,
    TaskReadModel,
    StoreReadModel,
    TaskCopyService,
    TaskWriteService,
    StoreWriteService,
  ],
})
export class TaskDetailsModule implements OnModuleInit {
  constructor(
    private readonly handlers: OperationHandlers,
    private readonly copyHandler: TaskCopyHandler,
  ) {}

  onModuleInit(): void {
    this.handlers.register(this.copyHandler);
  }
}
