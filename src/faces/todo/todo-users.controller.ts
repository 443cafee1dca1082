import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import type { AuthenticatedAccount } from '../../accounts/accounts.service';
import { CurrentAccount } from '../../auth/auth.decorators';
import { PeopleService, PersonValues } from '../../tasks/store/people.service';
import { asObject, invalid, Json, parseLabel, parsePathId, tooLarge } from './todo-input';
import { USER_ID_EXAMPLE } from './todo.examples';
import { TodoController, TodoErrors } from './todo.openapi';

const EMPTY = { description: 'Empty object', schema: { type: 'object', example: {} } };
const TAGS_LIMIT = 1000;

interface TodoUser {
  id: number;
  label: string;
  avatar?: string;
  color?: string;
}

@TodoController()
@Controller('todo')
export class TodoUsersController {
  constructor(private readonly people: PeopleService) {}

  @Get('users')
  @ApiOperation({ summary: 'Users', description: '`avatar` and `color` are left out when unset.' })
  @ApiOkResponse({
    description: 'User[]',
    schema: {
      type: 'array',
      items: { type: 'object' },
      example: [
        { id: 1, label: 'Ann Lee', avatar: 'https://example.com/a1.png' },
        { id: 2, label: 'Bo Chen', color: '#0ab169' },
      ],
    },
  })
  async listUsers(@CurrentAccount() account: AuthenticatedAccount): Promise<TodoUser[]> {
    return (await this.people.list(account.id)).map((p) => ({
      id: p.id,
      label: joinLabel(p.firstName, p.lastName),
      ...(p.avatarUrl ? { avatar: p.avatarUrl } : {}),
      ...(p.color ? { color: p.color } : {}),
    }));
  }

  @Post('users')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Create a user (extension)',
    description: 'Not used by the widget, which only reads users.',
  })
  @ApiBody({
    schema: { type: 'object', example: { label: 'Ann Lee', avatar: 'https://example.com/a1.png' } },
  })
  @ApiOkResponse({ description: 'The new id', schema: { type: 'object', example: { id: 1 } } })
  async createUser(
    @CurrentAccount() account: AuthenticatedAccount,
    @Body() raw: unknown,
  ): Promise<{ id: number }> {
    return { id: await this.people.create(account.id, parsePerson(raw)) };
  }

  @Put('users/:id')
  @ApiOperation({ summary: 'Update a user (extension)' })
  @ApiParam({ name: 'id', example: USER_ID_EXAMPLE })
  @ApiBody({ schema: { type: 'object', example: { label: 'Cy Park', color: '#0ab169' } } })
  @ApiOkResponse(EMPTY)
  @TodoErrors(404)
  async updateUser(
    @CurrentAccount() account: AuthenticatedAccount,
    @Param('id') rawId: string,
    @Body() raw: unknown,
  ): Promise<Record<string, never>> {
    await this.people.update(account.id, parsePathId(rawId), parsePerson(raw));
    return {};
  }

  @Delete('users/:id')
  @ApiOperation({
    summary: 'Delete a user (extension)',
    description: 'Also removes them from every task’s `assigned`.',
  })
  @ApiParam({ name: 'id', example: USER_ID_EXAMPLE })
  @ApiOkResponse(EMPTY)
  @TodoErrors(404)
  async deleteUser(
    @CurrentAccount() account: AuthenticatedAccount,
    @Param('id') rawId: string,
  ): Promise<Record<string, never>> {
    await this.people.delete(account.id, parsePathId(rawId));
    return {};
  }

  @Get('tags')
  @ApiOperation({ summary: 'Tags', description: 'Plain strings; the widget adds the leading `#`.' })
  @ApiOkResponse({
    description: 'string[]',
    schema: { type: 'array', items: { type: 'string' }, example: ['urgent', 'later'] },
  })
  listTags(@CurrentAccount() account: AuthenticatedAccount): Promise<string[]> {
    return this.people.listTags(account.id);
  }

  @Put('tags')
  @ApiOperation({ summary: 'Replace the tag list (extension)' })
  @ApiBody({ schema: { type: 'array', items: { type: 'string' }, example: ['urgent', 'later'] } })
  @ApiOkResponse(EMPTY)
  async replaceTags(
    @CurrentAccount() account: AuthenticatedAccount,
    @Body() raw: unknown,
  ): Promise<Record<string, never>> {
    if (!Array.isArray(raw)) throw invalid('body', 'must be an array of strings');
    if (raw.length > TAGS_LIMIT) throw tooLarge('body', TAGS_LIMIT);
    const tags = raw.map((tag: unknown, i: number) => parseLabel(tag, String(i)));
    await this.people.replaceTags(account.id, tags);
    return {};
  }
}

function optionalString(body: Json, key: string, max: number): string | null {
  const value = body[key];
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' || value.length > max)
    throw invalid(key, `must be a string of at most ${max} characters`);
  return value;
}

/** The widget's `label` is stored as first and last name, split at the first space. */
function splitLabel(label: string): { firstName: string; lastName: string } {
  const space = label.indexOf(' ');
  return space < 0
    ? { firstName: label, lastName: '' }
    : { firstName: label.slice(0, space), lastName: label.slice(space + 1) };
}

function joinLabel(firstName: string, lastName: string): string {
  return lastName ? `${firstName} ${lastName}` : firstName;
}

function parsePerson(raw: unknown): PersonValues & { firstName: string } {
  const body = asObject(raw, 'body');
  return {
    ...splitLabel(parseLabel(body.label, 'label')),
    avatarUrl: optionalString(body, 'avatar', 2048),
    color: optionalString(body, 'color', 64),
  };
}
