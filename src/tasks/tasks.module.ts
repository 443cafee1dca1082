import { Module, OnModuleInit } from '@nestjs/common';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { OperationHandlers } from '../operations/operation-handlers';
import { OperationsModule } from '../operations/operations.module';
import { CopyIds } from './copy/copy-ids';
import { CopySubmissions } from './copy/copy-submissions';
import { TaskCopyHandler } from './copy/task-copy.handler';
import { TaskCopyService } from './copy/task-copy.service';
import { TaskCopyWriter } from './copy/task-copy-writer';
import { ProjectCopyHandler } from './copy/project-copy.handler';
import { ProjectCopyService } from './copy/project-copy.service';
import { TaskListCopyHandler } from './copy/task-list-copy.handler';
import { TaskListCopyService } from './copy/task-list-copy.service';
import { AttachmentContentService } from './details/attachment-content.service';
import { TaskDetailsService } from './details/task-details.service';
import { TaskRecordsService } from './details/task-records.service';
import { TaskReadModel } from './read/task-read-model.service';
import { TaskTreeReader } from './read/task-tree-reader.service';
import { CloneEngine } from './store/clone-engine';
import { PeopleService } from './store/people.service';
import { ProjectsService } from './store/projects.service';
import { TaskChangeFeed } from './store/task-changes.service';
import { TaskIdAllocator } from './store/task-ids';
import { TasksService } from './store/tasks.service';
import { TaskWriteGateway } from './store/write-gateway';

const TASK_STORE = [
  TaskChangeFeed,
  TaskWriteGateway,
  TaskIdAllocator,
  CloneEngine,
  TasksService,
  TaskTreeReader,
  ProjectsService,
  PeopleService,
  TaskDetailsService,
  AttachmentContentService,
  TaskReadModel,
  TaskCopyService,
  TaskListCopyService,
  ProjectCopyService,
  TaskRecordsService,
];

/**
 * The one task store, shared by the /todo and /api/v2 faces: tasks, projects and people, the
 * records around tasks (workflows, task lists, todos, comments, attachments, …), the clone engine
 * and task copies (TASK.COPY runs on the job service).
 */
@Module({
  imports: [OperationsModule, IdempotencyModule],
  providers: [
    ...TASK_STORE,
    CopySubmissions,
    CopyIds,
    TaskCopyWriter,
    TaskCopyHandler,
    TaskListCopyHandler,
    ProjectCopyHandler,
  ],
  exports: TASK_STORE,
})
export class TasksModule implements OnModuleInit {
  constructor(
    private readonly handlers: OperationHandlers,
    private readonly copyHandler: TaskCopyHandler,
    private readonly listCopyHandler: TaskListCopyHandler,
    private readonly projectCopyHandler: ProjectCopyHandler,
  ) {}

  onModuleInit(): void {
    this.handlers.register(this.copyHandler);
    this.handlers.register(this.listCopyHandler);
    this.handlers.register(this.projectCopyHandler);
  }
}
