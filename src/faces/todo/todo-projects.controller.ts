import { Body, Controller, Param } from '@nestjs/common';
import type { AuthenticatedAccount } from '../../accounts/accounts.service';
import { CurrentAccount } from '../../auth/auth.decorators';
import { ProjectsService } from '../../tasks/store/projects.service';
import { invalid, isObject, parsePathId } from './todo-input';
import { parseRequestedId } from './todo-task.mapper';
import { TodoProjectBody, TodoProjectRenameBody } from './todo.dto';
import { TodoController } from './todo.openapi';
import { toTodoProjects } from './todo.presenter';
import { TodoRoutes } from './todo.routes';

@TodoController()
@Controller('todo/projects')
export class TodoProjectsController {
  constructor(private readonly projects: ProjectsService) {}

  @TodoRoutes.listProjects()
  async list(
    @CurrentAccount() account: AuthenticatedAccount,
  ): Promise<Array<{ id: number | null; label: string }>> {
    return toTodoProjects(await this.projects.list(account.id));
  }

  @TodoRoutes.createProject()
  async create(
    @CurrentAccount() account: AuthenticatedAccount,
    @Body() body: TodoProjectBody,
  ): Promise<{ id: number }> {
    const nested = isObject(body.project) ? (body.project as TodoProjectBody['project']) : undefined;
    const name = (nested ?? body).label!;
    const requestedId = parseRequestedId(body.id !== undefined ? body.id : nested?.id);
    return { id: await this.projects.create(account.id, { name, requestedId }) };
  }

  @TodoRoutes.renameProject()
  async rename(
    @CurrentAccount() account: AuthenticatedAccount,
    @Param('id') id: string,
    @Body() body: TodoProjectRenameBody,
  ): Promise<Record<string, never>> {
    const name = (isObject(body.project) ? body.project : body).label!;
    await this.projects.update(account.id, projectPathId(id), { name });
    return {};
  }

  @TodoRoutes.deleteProject()
  async remove(
    @CurrentAccount() account: AuthenticatedAccount,
    @Param('id') id: string,
  ): Promise<Record<string, never>> {
    await this.projects.delete(account.id, projectPathId(id));
    return {};
  }
}

function projectPathId(raw: string): number {
  const id = parsePathId(raw);
  if (id === 0) throw invalid('id', 'No project cannot be renamed or deleted');
  return id;
}
