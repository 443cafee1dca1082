import { Body, Controller, Param, StreamableFile } from '@nestjs/common';
import type { AuthenticatedAccount } from '../../accounts/accounts.service';
import { CurrentAccount } from '../../auth/auth.decorators';
import { AppConfig } from '../../config/app-config';
import { TasksService } from '../../tasks/store/tasks.service';
import { parsePathId, parsePathProject } from './todo-input';
import { createTaskOf, deletedIdsOf, updatesOf } from './todo-task.mapper';
import { listReply } from './todo-list-reply';
import { TodoTaskListCache } from './todo-task-list.cache';
import { TodoController } from './todo.openapi';
import { TodoRoutes } from './todo.routes';

@TodoController()
@Controller('todo/tasks')
export class TodoTasksController {
  constructor(
    private readonly tasks: TasksService,
    private readonly lists: TodoTaskListCache,
    private readonly config: AppConfig,
  ) {}

  @TodoRoutes.listTasks()
  async list(@CurrentAccount() account: AuthenticatedAccount): Promise<Buffer | StreamableFile> {
    return listReply(await this.lists.list(account.id));
  }

  @TodoRoutes.listProjectTasks()
  async listProject(
    @CurrentAccount() account: AuthenticatedAccount,
    @Param('id') id: string,
  ): Promise<Buffer | StreamableFile> {
    return listReply(await this.lists.list(account.id, parsePathProject(id)));
  }

  @TodoRoutes.createTask()
  async create(
    @CurrentAccount() account: AuthenticatedAccount,
    @Body() raw: unknown,
  ): Promise<{ id: number }> {
    const input = createTaskOf(raw, this.config);
    return {
      id: await this.tasks.createTask(account.id, input, (id) => this.lists.projectOf(account.id, id)),
    };
  }

  @TodoRoutes.updateTasks()
  async update(
    @CurrentAccount() account: AuthenticatedAccount,
    @Param('id') id: string,
    @Body() raw: unknown,
  ): Promise<Record<string, never>> {
    await this.tasks.updateTasks(account.id, updatesOf(parsePathId(id), raw, this.config));
    return {};
  }

  @TodoRoutes.deleteTask()
  async remove(
    @CurrentAccount() account: AuthenticatedAccount,
    @Param('id') id: string,
    @Body() raw: unknown,
  ): Promise<Record<string, never>> {
    await this.tasks.deleteTasks(account.id, deletedIdsOf(parsePathId(id), raw, this.config));
    return {};
  }

  @TodoRoutes.deleteTasks()
  async removeBatch(
    @CurrentAccount() account: AuthenticatedAccount,
    @Body() raw: unknown,
  ): Promise<Record<string, never>> {
    await this.tasks.deleteTasks(account.id, deletedIdsOf(0, raw, this.config));
    return {};
  }
}
