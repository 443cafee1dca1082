import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import type { AuthenticatedAccount } from '../../accounts/accounts.service';
import { CurrentAccount } from '../../auth/auth.decorators';
import { ProjectsService } from '../../tasks/store/projects.service';
import { asObject, invalid, isObject, parseLabel, parsePathId } from './todo-input';
import { parseRequestedId } from './todo-tasks.controller';
import { RENAMED_PROJECT_ID_EXAMPLE } from './todo.examples';
import { TodoController, TodoErrors } from './todo.openapi';

const EMPTY = { description: 'Empty object', schema: { type: 'object', example: {} } };

@TodoController()
@Controller('todo/projects')
export class TodoProjectsController {
  constructor(private readonly projects: ProjectsService) {}

  @Get()
  @ApiOperation({
    summary: 'Projects',
    description: 'The synthetic `{id: null, label: "No project"}` first, then by id.',
  })
  @ApiOkResponse({
    description: 'Project[]',
    schema: {
      type: 'array',
      items: { type: 'object' },
      example: [
        { id: null, label: 'No project' },
        { id: 1, label: 'Personal' },
      ],
    },
  })
  async list(
    @CurrentAccount() account: AuthenticatedAccount,
  ): Promise<Array<{ id: number | null; label: string }>> {
    return [
      { id: null, label: 'No project' },
      ...(await this.projects.list(account.id)).map((p) => ({ id: p.id, label: p.name })),
    ];
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Create a project',
    description:
      'A numeric `id` is honoured if free and below 100,000,000 or below the highest project id ' +
      'given out; otherwise 409 CONFLICT.',
  })
  @ApiBody({ schema: { type: 'object', example: { id: 'temp://1700000000200', label: 'Holidays' } } })
  @ApiOkResponse({ description: 'The new id', schema: { type: 'object', example: { id: 3 } } })
  @TodoErrors(409)
  async create(
    @CurrentAccount() account: AuthenticatedAccount,
    @Body() raw: unknown,
  ): Promise<{ id: number }> {
    const body = asObject(raw, 'body');
    const source = isObject(body.project) ? body.project : body;
    const label = parseLabel(source.label, isObject(body.project) ? 'project.label' : 'label');
    const requestedId = parseRequestedId('id' in body ? body.id : source.id);
    return { id: await this.projects.create(account.id, { name: label, requestedId }) };
  }

  @Put(':id')
  @ApiOperation({ summary: 'Rename a project' })
  @ApiParam({ name: 'id', example: RENAMED_PROJECT_ID_EXAMPLE })
  @ApiBody({ schema: { type: 'object', example: { label: 'Trip to Porto ✈️' } } })
  @ApiOkResponse(EMPTY)
  @TodoErrors(404)
  async rename(
    @CurrentAccount() account: AuthenticatedAccount,
    @Param('id') rawId: string,
    @Body() raw: unknown,
  ): Promise<Record<string, never>> {
    const id = projectPathId(rawId);
    const body = asObject(raw, 'body');
    const source = isObject(body.project) ? body.project : body;
    await this.projects.update(account.id, id, { name: parseLabel(source.label, 'label') });
    return {};
  }

  @Delete(':id')
  @ApiOperation({
    summary: 'Delete a project',
    description: 'Its tasks move to No project with their hierarchy, roots appended in their order.',
  })
  @ApiParam({ name: 'id', example: RENAMED_PROJECT_ID_EXAMPLE })
  @ApiOkResponse(EMPTY)
  @TodoErrors(404)
  async remove(
    @CurrentAccount() account: AuthenticatedAccount,
    @Param('id') rawId: string,
  ): Promise<Record<string, never>> {
    await this.projects.delete(account.id, projectPathId(rawId));
    return {};
  }
}

function projectPathId(raw: string): number {
  const id = parsePathId(raw);
  if (id === 0) throw invalid('id', 'No project cannot be renamed or deleted');
  return id;
}
