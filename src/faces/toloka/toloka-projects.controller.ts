import { Body, Controller, Get, Headers, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiExtraModels } from '@nestjs/swagger';
import type { IncomingHttpHeaders } from 'node:http';
import type { AuthenticatedAccount } from '../../accounts/accounts.service';
import { CurrentAccount } from '../../auth/auth.decorators';
import { CrowdProjectsService } from '../../pools/crowd-projects.service';
import { ProjectForm } from './toloka-projects.dto';
import { operationWire, pageWire, projectWire } from './toloka-presenter';
import type { Query as QueryParams } from './toloka-query';
import { idempotencyOf, projectFields, projectSearchOf } from './toloka-request';
import { OperationWire, ProjectPage, ProjectWire } from './toloka-wire';
import {
  ARCHIVABLE_PROJECT_ID_EXAMPLE,
  PROJECT_FORM_EXAMPLE,
  PROJECT_ID_EXAMPLE,
  PROJECT_REPLACE_EXAMPLE,
} from './toloka.examples';
import { TolokaController, TolokaRoute } from './toloka.openapi';

const PROJECT_ID = { description: 'Project id (numeric string)', example: PROJECT_ID_EXAMPLE };

/** v1 projects, stored as crowd projects (docs/v1.md#projects). */
@TolokaController()
@ApiExtraModels(ProjectForm)
@Controller('api/v1/projects')
export class TolokaProjectsController {
  constructor(private readonly projects: CrowdProjectsService) {}

  @Post()
  @HttpCode(201)
  @TolokaRoute({
    summary: 'Create a project (status ACTIVE)',
    operationId: 'createProject',
    idempotencyKey: 'Optional: a repeat with the same key within 24 h returns the same project',
    body: { type: ProjectForm, name: 'project', example: PROJECT_FORM_EXAMPLE },
    responses: [{ status: 201, type: ProjectWire }],
    errors: [409, 413, 429],
  })
  async create(
    @CurrentAccount() account: AuthenticatedAccount,
    @Body() form: ProjectForm,
    @Headers() headers: IncomingHttpHeaders,
  ) {
    const fields = projectFields(form);
    const idempotency = idempotencyOf(headers, 'POST /api/v1/projects', fields);
    return projectWire(await this.projects.createProject(account.id, fields, idempotency), account.id);
  }

  @Get()
  @TolokaRoute({
    summary: 'Search projects (the caller’s only)',
    operationId: 'searchProjects',
    query: [
      { name: 'status', enum: ['ACTIVE', 'ARCHIVED'] },
      { name: 'id_gt', description: 'Also id_gte, id_lt, id_lte' },
      { name: 'created_gt', description: 'Also created_gte/_lt/_lte; UTC date-time' },
      {
        name: 'sort',
        example: '-created',
        description: 'id, created, public_name, private_comment; - for descending',
      },
      { name: 'limit', example: 50, description: '1–300, default 50' },
    ],
    responses: [{ status: 200, type: ProjectPage }],
  })
  async search(@CurrentAccount() account: AuthenticatedAccount, @Query() query: QueryParams) {
    const page = await this.projects.searchProjects(account.id, projectSearchOf(query));
    return pageWire(page, (project) => projectWire(project, account.id));
  }

  @Get(':id')
  @TolokaRoute({
    summary: 'Get a project (archived ones too)',
    operationId: 'getProject',
    id: PROJECT_ID,
    responses: [{ status: 200, type: ProjectWire }],
    errors: [404],
  })
  async get(@CurrentAccount() account: AuthenticatedAccount, @Param('id') id: string) {
    return projectWire(await this.projects.getProject(account.id, id), account.id);
  }

  @Put(':id')
  @TolokaRoute({
    summary: 'Replace every writable field of an ACTIVE project',
    operationId: 'updateProject',
    id: PROJECT_ID,
    body: { type: ProjectForm, name: 'project', example: PROJECT_REPLACE_EXAMPLE },
    responses: [{ status: 200, type: ProjectWire }],
    errors: [404, 409, 413],
  })
  async replace(
    @CurrentAccount() account: AuthenticatedAccount,
    @Param('id') id: string,
    @Body() form: ProjectForm,
  ) {
    return projectWire(await this.projects.updateProject(account.id, id, projectFields(form)), account.id);
  }

  @Post(':id/archive')
  @HttpCode(202)
  @TolokaRoute({
    summary: 'Archive a project whose pools are all archived',
    description:
      'Always 202 with a finished PROJECT.ARCHIVE operation, also when already archived (never 204).',
    operationId: 'archiveProject',
    id: {
      description: 'Project id (numeric string); the example’s pools are all archived',
      example: ARCHIVABLE_PROJECT_ID_EXAMPLE,
    },
    responses: [{ status: 202, type: OperationWire }],
    errors: [404, 409],
  })
  async archive(@CurrentAccount() account: AuthenticatedAccount, @Param('id') id: string) {
    return operationWire(await this.projects.archiveProject(account.id, id));
  }
}
