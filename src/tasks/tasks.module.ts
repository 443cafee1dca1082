import { Module, OnModuleInit } from '@nestjs/common';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { OperationHandlers } from '../operations/operation-handlers';
import { OperationsModule } from '../operations/operations.module';
import { TaskCopyHandler } from './copy/task-copy.handler';
import { TaskCopyService } from './copy/task-copy.service';
import { StoreWriteService } from './details/store-write.service';
import { TaskDetailsService } from './details/task-details.service';
import { TaskWriteService } from './details/task-write.service';
import { StoreReadModel, TaskReadModel } from './read/task-read-model';
import { TaskTreeReader } from './read/task-tree-reader';
import { CloneEngine } from './store/clone-engine';
import { PeopleService } from './store/people.service';
import { ProjectsService } from './store/projects.service';
import { TaskChangeFeed } from './store/task-change-feed';
import { TaskIdAllocator } from './store/task-ids';
import { TasksService } from './store/tasks.service';

const TASK_STORE = [
  TaskChangeFeed,
  TaskIdAllocator,
  CloneEngine,
  TasksService,
  TaskTreeReader,
  ProjectsService,
  PeopleService,
  TaskDetailsService,
  TaskReadModel,
  StoreReadModel,
  TaskCopyService,
  TaskWriteService,
  StoreWriteService,
];

/**
 * The one task store, shared by the /todo and /api/v2 faces: tasks, projects and people, the
 * records around tasks (workflows, task lists, todos, comments, attachments, …), the clone engine
 * and task copies (TASK.COPY runs on the job service).
 */
@Module({
  imports: [OperationsModule, IdempotencyModule],
  providers: [...TASK_STORE, TaskCopyHandler],
  exports: TASK_STORE,
})
export class TasksModule implements OnModuleInit {
  constructor(
    private readonly handlers: OperationHandlers,
    private readonly copyHandler: TaskCopyHandler,
  ) {}

  onModuleInit(): void {
    this.handlers.register(this.copyHandler);
  }
}
