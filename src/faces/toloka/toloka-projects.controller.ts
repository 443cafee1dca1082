import { Body, Controller, Get, Headers, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  getSchemaPath,
} from '@nestjs/swagger';
import type { IncomingHttpHeaders } from 'node:http';
import type { AuthenticatedAccount } from '../../accounts/accounts.service';
import { CurrentAccount } from '../../auth/auth.decorators';
import type { CrowdProjectStatus } from '../../pools/crowd-project.entity';
import { CrowdProjectsService } from '../../pools/crowd-projects.service';
import { ProjectForm } from './toloka-projects.dto';
import {
  ARCHIVABLE_PROJECT_ID_EXAMPLE,
  PROJECT_FORM_EXAMPLE,
  PROJECT_ID_EXAMPLE,
  PROJECT_REPLACE_EXAMPLE,
} from './toloka.examples';
import { Query as QueryParams, QueryReader } from './toloka-query';
import { idempotencyOf, projectFields } from './toloka-request';
import { OperationWire, operationWire, ProjectPage, ProjectWire, projectWire } from './toloka-wire';
import { TolokaController, TolokaErrors } from './toloka.openapi';

const PROJECT_ID = ApiParam({
  name: 'id',
  description: 'Project id (numeric string)',
  example: PROJECT_ID_EXAMPLE,
});

const projectBody = (value: object) =>
  ApiBody({ schema: { $ref: getSchemaPath(ProjectForm) }, examples: { project: { value } } });

/** v1 projects, stored as crowd projects. */
@TolokaController()
@ApiExtraModels(ProjectForm)
@Controller('api/v1/projects')
export class TolokaProjectsController {
  constructor(private readonly projects: CrowdProjectsService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a project (status ACTIVE)', operationId: 'createProject' })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Optional: a repeat with the same key within 24 h returns the same project',
  })
  @projectBody(PROJECT_FORM_EXAMPLE)
  @ApiCreatedResponse({ type: ProjectWire })
  @TolokaErrors(409, 413, 429)
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
  @ApiOperation({ summary: 'Search projects (the caller’s only)', operationId: 'searchProjects' })
  @ApiQuery({ name: 'status', required: false, enum: ['ACTIVE', 'ARCHIVED'] })
  @ApiQuery({ name: 'id_gt', required: false, description: 'Also id_gte, id_lt, id_lte' })
  @ApiQuery({ name: 'created_gt', required: false, description: 'Also created_gte/_lt/_lte; UTC date-time' })
  @ApiQuery({
    name: 'sort',
    required: false,
    example: '-created',
    description: 'id, created, public_name, private_comment; - for descending',
  })
  @ApiQuery({ name: 'limit', required: false, example: 50, description: '1–300, default 50' })
  @ApiOkResponse({ type: ProjectPage })
  async search(@CurrentAccount() account: AuthenticatedAccount, @Query() query: QueryParams) {
    const q = new QueryReader(query);
    const search = {
      status: q.oneOf<CrowdProjectStatus>('status', ['ACTIVE', 'ARCHIVED']),
      id: q.idRange(),
      created: q.dateRange('created'),
      sort: q.sort(['id', 'created', 'public_name', 'private_comment'] as const),
      limit: q.limit(300),
    };
    q.done();
    const page = await this.projects.searchProjects(account.id, search);
    return { items: page.items.map((p) => projectWire(p, account.id)), has_more: page.hasMore };
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a project (archived ones too)', operationId: 'getProject' })
  @PROJECT_ID
  @ApiOkResponse({ type: ProjectWire })
  @TolokaErrors(404)
  async get(@CurrentAccount() account: AuthenticatedAccount, @Param('id') id: string) {
    return projectWire(await this.projects.getProject(account.id, id), account.id);
  }

  @Put(':id')
  @ApiOperation({
    summary: 'Replace every writable field of an ACTIVE project',
    operationId: 'updateProject',
  })
  @PROJECT_ID
  @projectBody(PROJECT_REPLACE_EXAMPLE)
  @ApiOkResponse({ type: ProjectWire })
  @TolokaErrors(404, 409, 413)
  async replace(
    @CurrentAccount() account: AuthenticatedAccount,
    @Param('id') id: string,
    @Body() form: ProjectForm,
  ) {
    return projectWire(await this.projects.updateProject(account.id, id, projectFields(form)), account.id);
  }

  @Post(':id/archive')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Archive a project whose pools are all archived',
    description:
      'Always 202 with a finished PROJECT.ARCHIVE operation, also when already archived (never 204).',
    operationId: 'archiveProject',
  })
  @ApiParam({
    name: 'id',
    description: 'Project id (numeric string); the example’s pools are all archived',
    example: ARCHIVABLE_PROJECT_ID_EXAMPLE,
  })
  @ApiAcceptedResponse({ type: OperationWire })
  @TolokaErrors(404, 409)
  async archive(@CurrentAccount() account: AuthenticatedAccount, @Param('id') id: string) {
    return operationWire(await this.projects.archiveProject(account.id, id));
  }
}
