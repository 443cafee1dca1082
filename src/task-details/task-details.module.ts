import { Module } from '@nestjs/common';
import { TaskDetailsService } from './task-details.service';
import { StoreReadModel, TaskReadModel } from './task-read-model';

/**
 * What surrounds a task in the v2 face — workflows and statuses, task lists, memberships, custom
 * fields, todos, comments, attachments, subscribers, dependencies, templates — and which the
 * copy flags of POST /api/v2/tasks/copy select (tasks-copy.md §3).
 */
@Module({
  providers: [TaskDetailsService, TaskReadModel, StoreReadModel],
  exports: [TaskDetailsService, TaskReadModel, StoreReadModel],
})
export class TaskDetailsModule {}
