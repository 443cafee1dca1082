import { Module } from '@nestjs/common';
import { SecretsModule } from '../../secrets/secrets.module';
import { TasksModule } from '../../tasks/tasks.module';
import { TodoProjectsController } from './todo-projects.controller';
import { TodoStructureController } from './todo-structure.controller';
import { TodoTaskListCache } from './todo-task-list.cache';
import { TodoTasksController } from './todo-tasks.controller';
import { TodoUsersController } from './todo-users.controller';
import { LiveController } from './live/live.controller';
import { LiveHub } from './live/live-hub';

/** The DHTMLX To Do List widget's REST backend under /todo (docs/todo.md). */
@Module({
  imports: [TasksModule, SecretsModule],
  controllers: [
    TodoTasksController,
    TodoStructureController,
    TodoProjectsController,
    TodoUsersController,
    LiveController,
  ],
  providers: [TodoTaskListCache, LiveHub],
})
export class TodoModule {}
