import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  getSchemaPath,
  PartialType,
} from '@nestjs/swagger';
import { IsEmail, ValidateIf } from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AuthenticatedAccount } from '../../accounts/accounts.service';
import { CurrentAccount, RequiresOrganizationHeader } from '../../auth/auth.decorators';
import { StoreWriteService } from '../../tasks/details/store-write.service';
import { StoreReadModel } from '../../tasks/read/task-read-model';
import { PeopleService } from '../../tasks/store/people.service';
import { ProjectsService } from '../../tasks/store/projects.service';
import { parseJsonApiBody } from './jsonapi-body';
import { compoundDocument, pageMeta } from './jsonapi-document';
import { JSONAPI_MEDIA_TYPE } from './jsonapi-error.mapper';
import { JsonApiGraph } from './jsonapi-graph';
import { MAX_PAGE_SIZE, parseJsonApiQuery } from './jsonapi-query';
import { parseResourceId } from './jsonapi-resource.controller';
import {
  DELETED_PERSON_ID_EXAMPLE,
  PERSON_CREATE_EXAMPLE,
  PERSON_ID_EXAMPLE,
  PERSON_UPDATE_EXAMPLE,
  PROJECT_CREATE_EXAMPLE,
  PROJECT_ID_EXAMPLE,
  PROJECT_UPDATE_EXAMPLE,
} from './jsonapi.examples';
import { JSONAPI_DOCUMENT_CONTENT, JsonApiController, JsonApiErrors } from './jsonapi.openapi';
import { BooleanAttribute, IdAttribute, IdListAttribute, TextAttribute } from './jsonapi.validators';
import { TasksError } from '../../tasks/tasks.errors';

export class ProjectAttributes {
  @TextAttribute(255, { required: true, example: 'Acme onboarding' })
  name: string;

  @IdAttribute({ nullable: true, description: 'The status set of the project’s tasks' })
  workflow_id?: number | null;

  @IdListAttribute({
    nullable: true,
    description:
      'Task custom fields of the organization enabled for tasks of this project (at most 1,000); null (the default) enables them all',
  })
  task_custom_fields_ids?: number[] | null;
}

export class ProjectUpdateAttributes extends PartialType(ProjectAttributes, { skipNullProperties: false }) {}

export class PersonAttributes {
  @TextAttribute(255, { required: true, example: 'Ann' })
  first_name: string;

  @TextAttribute(255, { example: 'Lee' })
  last_name?: string;

  @ApiPropertyOptional({ example: 'ann@example.com', nullable: true })
  @ValidateIf((_o, v) => v !== undefined && v !== null)
  @IsEmail()
  email?: string | null;

  @TextAttribute(2048, { nullable: true, example: 'https://example.com/a.png' })
  avatar_url?: string | null;
}

export class PersonUpdateAttributes extends PartialType(PersonAttributes, { skipNullProperties: false }) {
  @BooleanAttribute({
    description: 'true deactivates the person: copies then drop them as assignee or subscriber',
  })
  deactivated?: boolean;
}

const body = (type: string, attributes: new () => object, example: object, update = false) => ({
  schema: {
    type: 'object',
    required: ['data'],
    properties: {
      data: {
        type: 'object',
        properties: {
          type: { type: 'string', enum: [type] },
          ...(update ? { id: { type: 'string', description: 'Optional; the id in the URL when sent' } } : {}),
          attributes: { $ref: getSchemaPath(attributes) },
        },
      },
    },
  },
  examples: { [type]: { value: example } },
});
const ok = (description: string) => ({
  description,
  content: JSONAPI_DOCUMENT_CONTENT,
});

@JsonApiController()
@RequiresOrganizationHeader()
@ApiExtraModels(ProjectAttributes, ProjectUpdateAttributes)
@Controller('api/v2/projects')
export class JsonApiProjectsController {
  constructor(
    private readonly read: StoreReadModel,
    private readonly graph: JsonApiGraph,
    private readonly writes: StoreWriteService,
    private readonly projects: ProjectsService,
  ) {}

  private async one(accountId: number, id: number) {
    const [project] = await this.read.read((m) => this.graph.byIds(m, accountId, 'projects', [id]));
    if (!project) throw new TasksError('TASK_DETAIL_NOT_FOUND', `No project ${id}`);
    return compoundDocument(project);
  }

  @Get()
  @Header('content-type', JSONAPI_MEDIA_TYPE)
  @ApiOperation({
    summary: 'List projects (the /todo face’s projects too)',
    description: 'Filter: name (eq).',
  })
  @ApiOkResponse(ok('A page of projects'))
  list(@CurrentAccount() account: AuthenticatedAccount, @Query() query: Record<string, string>) {
    const parsed = parseJsonApiQuery(query, { type: 'projects', filters: { name: ['eq'] } });
    const name = parsed.filter.operands.find((o) => 'attribute' in o && o.attribute === 'name') as
      | { value: string }
      | undefined;
    return this.read.read(async (m) => {
      const page = await this.read.listIds(
        m,
        'projects',
        account.id,
        name ? { column: 'name', value: name.value } : null,
        {
          offset: (parsed.page.number - 1) * parsed.page.size,
          limit: parsed.page.size,
        },
      );
      const data = await this.graph.byIds(m, account.id, 'projects', page.ids);
      return compoundDocument(data, [], {
        fields: parsed.fields,
        meta: pageMeta(page.total, parsed.page, MAX_PAGE_SIZE),
      });
    });
  }

  @Get(':id')
  @Header('content-type', JSONAPI_MEDIA_TYPE)
  @ApiOperation({ summary: 'Get one project' })
  @ApiParam({ name: 'id', schema: { type: 'string', example: PROJECT_ID_EXAMPLE } })
  @ApiOkResponse(ok('The project'))
  @JsonApiErrors(404)
  get(@CurrentAccount() account: AuthenticatedAccount, @Param('id') id: string) {
    return this.one(account.id, parseResourceId(id, 'project'));
  }

  @Post()
  @Header('content-type', JSONAPI_MEDIA_TYPE)
  @ApiOperation({ summary: 'Create a project' })
  @ApiConsumes(JSONAPI_MEDIA_TYPE)
  @ApiBody(body('projects', ProjectAttributes, PROJECT_CREATE_EXAMPLE))
  @ApiCreatedResponse(ok('The new project; Location names it'))
  @JsonApiErrors(409, 422)
  async create(
    @CurrentAccount() account: AuthenticatedAccount,
    @Body() payload: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const [a] = parseJsonApiBody(payload, ProjectAttributes, {
      type: 'projects',
      relationshipAttributes: { workflow: 'workflow_id' },
    });
    const id = await this.writes.createProject(account.id, {
      name: a.name.trim(),
      workflowId: a.workflow_id,
      taskCustomFieldsIds: a.task_custom_fields_ids,
    });
    reply.status(201).header('location', `/api/v2/projects/${id}`);
    return this.one(account.id, id);
  }

  @Patch(':id')
  @Header('content-type', JSONAPI_MEDIA_TYPE)
  @ApiOperation({ summary: 'Change a project' })
  @ApiParam({ name: 'id', schema: { type: 'string', example: PROJECT_ID_EXAMPLE } })
  @ApiConsumes(JSONAPI_MEDIA_TYPE)
  @ApiBody(body('projects', ProjectUpdateAttributes, PROJECT_UPDATE_EXAMPLE, true))
  @ApiOkResponse(ok('The changed project'))
  @JsonApiErrors(404, 409, 422)
  async update(
    @CurrentAccount() account: AuthenticatedAccount,
    @Param('id') id: string,
    @Body() payload: unknown,
  ) {
    const projectId = parseResourceId(id, 'project');
    const [a] = parseJsonApiBody(payload, ProjectUpdateAttributes, {
      type: 'projects',
      id: String(projectId),
    });
    await this.writes.updateProject(account.id, projectId, {
      name: a.name?.trim(),
      workflowId: a.workflow_id,
      taskCustomFieldsIds: a.task_custom_fields_ids,
    });
    return this.one(account.id, projectId);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a project; its tasks move to No project, keeping their hierarchy' })
  @ApiParam({ name: 'id', schema: { type: 'string', example: PROJECT_ID_EXAMPLE } })
  @ApiNoContentResponse({ description: 'Deleted' })
  @JsonApiErrors(404)
  async remove(@CurrentAccount() account: AuthenticatedAccount, @Param('id') id: string): Promise<void> {
    await this.projects.deleteProject(account.id, parseResourceId(id, 'project'));
  }
}

@JsonApiController()
@RequiresOrganizationHeader()
@ApiExtraModels(PersonAttributes, PersonUpdateAttributes)
@Controller('api/v2/people')
export class JsonApiPeopleController {
  constructor(
    private readonly read: StoreReadModel,
    private readonly graph: JsonApiGraph,
    private readonly writes: StoreWriteService,
    private readonly people: PeopleService,
  ) {}

  private async one(accountId: number, id: number) {
    const [person] = await this.read.read((m) => this.graph.byIds(m, accountId, 'people', [id]));
    if (!person) throw new TasksError('TASK_DETAIL_NOT_FOUND', `No person ${id}`);
    return compoundDocument(person);
  }

  @Get()
  @Header('content-type', JSONAPI_MEDIA_TYPE)
  @ApiOperation({ summary: 'List people (the /todo face’s users too)', description: 'Filter: email (eq).' })
  @ApiOkResponse(ok('A page of people'))
  list(@CurrentAccount() account: AuthenticatedAccount, @Query() query: Record<string, string>) {
    const parsed = parseJsonApiQuery(query, { type: 'people', filters: { email: ['eq'] } });
    const email = parsed.filter.operands.find((o) => 'attribute' in o && o.attribute === 'email') as
      | { value: string }
      | undefined;
    return this.read.read(async (m) => {
      const page = await this.read.listIds(
        m,
        'people',
        account.id,
        email ? { column: 'email', value: email.value } : null,
        {
          offset: (parsed.page.number - 1) * parsed.page.size,
          limit: parsed.page.size,
        },
      );
      const data = await this.graph.byIds(m, account.id, 'people', page.ids);
      return compoundDocument(data, [], {
        fields: parsed.fields,
        meta: pageMeta(page.total, parsed.page, MAX_PAGE_SIZE),
      });
    });
  }

  @Get(':id')
  @Header('content-type', JSONAPI_MEDIA_TYPE)
  @ApiOperation({ summary: 'Get one person' })
  @ApiParam({ name: 'id', schema: { type: 'string', example: PERSON_ID_EXAMPLE } })
  @ApiOkResponse(ok('The person'))
  @JsonApiErrors(404)
  get(@CurrentAccount() account: AuthenticatedAccount, @Param('id') id: string) {
    return this.one(account.id, parseResourceId(id, 'person'));
  }

  @Post()
  @Header('content-type', JSONAPI_MEDIA_TYPE)
  @ApiOperation({ summary: 'Create a person' })
  @ApiConsumes(JSONAPI_MEDIA_TYPE)
  @ApiBody(body('people', PersonAttributes, PERSON_CREATE_EXAMPLE))
  @ApiCreatedResponse(ok('The new person; Location names it'))
  @JsonApiErrors(409, 422)
  async create(
    @CurrentAccount() account: AuthenticatedAccount,
    @Body() payload: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const [a] = parseJsonApiBody(payload, PersonAttributes, { type: 'people' });
    const id = await this.writes.createPerson(account.id, {
      firstName: a.first_name.trim(),
      lastName: a.last_name,
      email: a.email,
      avatarUrl: a.avatar_url,
    });
    reply.status(201).header('location', `/api/v2/people/${id}`);
    return this.one(account.id, id);
  }

  @Patch(':id')
  @Header('content-type', JSONAPI_MEDIA_TYPE)
  @ApiOperation({ summary: 'Change a person (or deactivate them)' })
  @ApiParam({ name: 'id', schema: { type: 'string', example: PERSON_ID_EXAMPLE } })
  @ApiConsumes(JSONAPI_MEDIA_TYPE)
  @ApiBody(body('people', PersonUpdateAttributes, PERSON_UPDATE_EXAMPLE, true))
  @ApiOkResponse(ok('The changed person'))
  @JsonApiErrors(404, 409, 422)
  async update(
    @CurrentAccount() account: AuthenticatedAccount,
    @Param('id') id: string,
    @Body() payload: unknown,
  ) {
    const personId = parseResourceId(id, 'person');
    const [a] = parseJsonApiBody(payload, PersonUpdateAttributes, { type: 'people', id: String(personId) });
    await this.writes.updatePerson(account.id, personId, {
      firstName: a.first_name?.trim(),
      lastName: a.last_name,
      email: a.email,
      avatarUrl: a.avatar_url,
      deactivated: a.deactivated,
    });
    return this.one(account.id, personId);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a person; they leave every task’s assignees' })
  @ApiParam({ name: 'id', schema: { type: 'string', example: DELETED_PERSON_ID_EXAMPLE } })
  @ApiNoContentResponse({ description: 'Deleted' })
  @JsonApiErrors(404)
  async remove(@CurrentAccount() account: AuthenticatedAccount, @Param('id') id: string): Promise<void> {
    await this.people.deletePerson(account.id, parseResourceId(id, 'person'));
  }
}
