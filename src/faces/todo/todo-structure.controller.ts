import { Body, Controller, Param } from '@nestjs/common';
import type { AuthenticatedAccount } from '../../accounts/accounts.service';
import { CurrentAccount } from '../../auth/auth.decorators';
import { AppConfig } from '../../config/app-config';
import { TasksService } from '../../tasks/store/tasks.service';
import { parsePathId, parsePathProject } from './todo-input';
import { cloneAnswerBytes } from './todo-clone-answer';
import { cloneOf, moveOf } from './todo-task.mapper';
import { TodoTaskListCache } from './todo-task-list.cache';
import { TODO_SORTS, TodoSortBody } from './todo.dto';
import { TodoController } from './todo.openapi';
import { TodoRoutes } from './todo.routes';

/** Structural routes: move, sort and clone. */
@TodoController()
@Controller('todo')
export class TodoStructureController {
  constructor(
    private readonly tasks: TasksService,
    private readonly config: AppConfig,
    private readonly lists: TodoTaskListCache,
  ) {}

  @TodoRoutes.move()
  async move(
    @CurrentAccount() account: AuthenticatedAccount,
    @Param('id') id: string,
    @Body() raw: unknown,
  ): Promise<Record<string, never>> {
    await this.tasks.moveTasks(account.id, moveOf(parsePathId(id), raw, this.config));
    return {};
  }

  @TodoRoutes.sortAll()
  async sortAll(
    @CurrentAccount() account: AuthenticatedAccount,
    @Body() body: TodoSortBody,
  ): Promise<Record<string, never>> {
    await this.tasks.sortTasks(account.id, TODO_SORTS[body.by], body.dir);
    return {};
  }

  @TodoRoutes.sortProject()
  async sortProject(
    @CurrentAccount() account: AuthenticatedAccount,
    @Param('id') id: string,
    @Body() body: TodoSortBody,
  ): Promise<Record<string, never>> {
    await this.tasks.sortTasks(account.id, TODO_SORTS[body.by], body.dir, parsePathProject(id));
    return {};
  }

  @TodoRoutes.clone()
  async clone(@CurrentAccount() account: AuthenticatedAccount, @Body() raw: unknown): Promise<Buffer> {
    const { nodes, placement } = cloneOf(raw, this.config);
    // A widget pastes into a list it has read: where that list shows the target groups the clone
    // without a read before its transaction.
    const ids = await this.tasks.cloneTasks(account.id, nodes, placement, (id) =>
      this.lists.projectOf(account.id, id),
    );
    // Already JSON bytes (the route's Content-Type says so).
    return cloneAnswerBytes(
      nodes.map((node) => node.key),
      ids,
    );
  }
}
