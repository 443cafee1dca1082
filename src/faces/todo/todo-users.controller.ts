import { Body, Controller, Param } from '@nestjs/common';
import type { AuthenticatedAccount } from '../../accounts/accounts.service';
import { CurrentAccount } from '../../auth/auth.decorators';
import { PeopleService, PersonValues } from '../../tasks/store/people.service';
import { invalid, parseLabel, parsePathId, tooLarge } from './todo-input';
import { TodoUserBody } from './todo.dto';
import { TodoController } from './todo.openapi';
import { TodoUser, toTodoUser } from './todo.presenter';
import { TodoRoutes } from './todo.routes';

const TAGS_LIMIT = 1000;

@TodoController()
@Controller('todo')
export class TodoUsersController {
  constructor(private readonly people: PeopleService) {}

  @TodoRoutes.listUsers()
  async listUsers(@CurrentAccount() account: AuthenticatedAccount): Promise<TodoUser[]> {
    return (await this.people.list(account.id)).map(toTodoUser);
  }

  @TodoRoutes.createUser()
  async createUser(
    @CurrentAccount() account: AuthenticatedAccount,
    @Body() body: TodoUserBody,
  ): Promise<{ id: number }> {
    return { id: await this.people.create(account.id, personOf(body)) };
  }

  @TodoRoutes.updateUser()
  async updateUser(
    @CurrentAccount() account: AuthenticatedAccount,
    @Param('id') id: string,
    @Body() body: TodoUserBody,
  ): Promise<Record<string, never>> {
    await this.people.update(account.id, parsePathId(id), personOf(body));
    return {};
  }

  @TodoRoutes.deleteUser()
  async deleteUser(
    @CurrentAccount() account: AuthenticatedAccount,
    @Param('id') id: string,
  ): Promise<Record<string, never>> {
    await this.people.delete(account.id, parsePathId(id));
    return {};
  }

  @TodoRoutes.listTags()
  listTags(@CurrentAccount() account: AuthenticatedAccount): Promise<string[]> {
    return this.people.listTags(account.id);
  }

  @TodoRoutes.replaceTags()
  async replaceTags(
    @CurrentAccount() account: AuthenticatedAccount,
    @Body() raw: unknown,
  ): Promise<Record<string, never>> {
    // Read by hand: the body is a bare array, which the DTO pipe does not take.
    if (!Array.isArray(raw)) throw invalid('body', 'must be an array of strings');
    if (raw.length > TAGS_LIMIT) throw tooLarge('body', TAGS_LIMIT);
    await this.people.replaceTags(
      account.id,
      raw.map((tag: unknown, i: number) => parseLabel(tag, String(i))),
    );
    return {};
  }
}

/** The widget's `label` is stored as first and last name, split at the first space. */
function personOf(body: TodoUserBody): PersonValues & { firstName: string } {
  const space = body.label.indexOf(' ');
  return {
    firstName: space < 0 ? body.label : body.label.slice(0, space),
    lastName: space < 0 ? '' : body.label.slice(space + 1),
    avatarUrl: body.avatar ?? null,
    color: body.color ?? null,
  };
}
