import type { IncomingHttpHeaders } from 'node:http';
import { Body, Controller, Headers, Param, Query, Res } from '@nestjs/common';
import { ApiExtraModels } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AuthenticatedAccount } from '../../accounts/accounts.service';
import { CurrentAccount, CurrentTokenHash, RequiresOrganizationHeader } from '../../auth/auth.decorators';
import { ProjectCopyService } from '../../tasks/copy/project-copy.service';
import { ProjectsService } from '../../tasks/store/projects.service';
import { ApiCopyProject } from './jsonapi-copies.openapi';
import { listFlagsOf } from './jsonapi-copy.mapper';
import { compoundDocument } from './jsonapi-document';
import { copyKeyOf } from './jsonapi-idempotency';
import { operationResource } from './jsonapi-operation.presenter';
import { ProjectCopyAttributes } from './jsonapi-project-copy.dto';
import { parseJsonApiBody } from './jsonapi-body';
import { JsonApiDocuments } from './jsonapi-documents';
import { ProjectAttributes, ProjectUpdateAttributes, projectValuesOf } from './jsonapi-people-projects.dto';
import { parseJsonApiQuery } from './jsonapi-query';
import { parseResourceId } from './jsonapi-resource.controller';
import { PROJECT_CREATE_EXAMPLE, PROJECT_ID_EXAMPLE, PROJECT_UPDATE_EXAMPLE } from './jsonapi.examples';
import {
  JsonApiController,
  JsonApiCreateRoute,
  JsonApiDeleteRoute,
  JsonApiGetRoute,
  JsonApiListRoute,
  JsonApiUpdateRoute,
} from './jsonapi.openapi';

/** v2 `projects`: the To Do face's projects too. */
@JsonApiController()
@RequiresOrganizationHeader()
@ApiExtraModels(ProjectAttributes, ProjectUpdateAttributes, ProjectCopyAttributes)
@Controller('api/v2/projects')
export class JsonApiProjectsController {
  constructor(
    private readonly projects: ProjectsService,
    private readonly documents: JsonApiDocuments,
    private readonly copies: ProjectCopyService,
  ) {}

  @JsonApiListRoute(
    'List projects (the /todo face’s projects too)',
    'Filter: name (eq).',
    'A page of projects',
  )
  list(@CurrentAccount() account: AuthenticatedAccount, @Query() query: Record<string, string>) {
    const parsed = parseJsonApiQuery(query, { type: 'projects', filters: { name: ['eq'] } });
    return this.documents.page('projects', account.id, parsed, 'name');
  }

  @JsonApiGetRoute('Get one project', PROJECT_ID_EXAMPLE, 'The project')
  get(@CurrentAccount() account: AuthenticatedAccount, @Param('id') id: string) {
    return this.documents.one('projects', account.id, parseResourceId(id, 'project'));
  }

  @JsonApiCreateRoute(
    'Create a project',
    { type: 'projects', attributes: ProjectAttributes, example: PROJECT_CREATE_EXAMPLE },
    [409, 422],
    'The new project; Location names it',
  )
  async create(
    @CurrentAccount() account: AuthenticatedAccount,
    @Body() payload: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const [a] = parseJsonApiBody(payload, ProjectAttributes, {
      type: 'projects',
      relationshipAttributes: { workflow: 'workflow_id' },
    });
    const id = await this.projects.create(account.id, { ...projectValuesOf(a), name: a.name.trim() });
    reply.status(201).header('location', `/api/v2/projects/${id}`);
    return this.documents.one('projects', account.id, id);
  }

  @ApiCopyProject()
  async copy(
    @CurrentAccount() account: AuthenticatedAccount,
    @CurrentTokenHash() tokenHash: string,
    @Body() payload: unknown,
    @Headers() headers: IncomingHttpHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const [a] = parseJsonApiBody(payload, ProjectCopyAttributes, { type: 'projects' });
    const input = {
      name: a.name,
      templateId: a.template_id,
      copyMemberships: a.copy_memberships === true,
      ...listFlagsOf(a),
    };
    const key = copyKeyOf(headers, tokenHash, 'POST /api/v2/projects/copy', payload);
    const operation = await this.copies.submit(account.id, input, key);
    reply.status(202).header('content-location', `/api/v2/operations/${operation.id}`);
    return compoundDocument(operationResource(operation));
  }

  @JsonApiUpdateRoute(
    'Change a project',
    PROJECT_ID_EXAMPLE,
    { type: 'projects', attributes: ProjectUpdateAttributes, example: PROJECT_UPDATE_EXAMPLE },
    'The changed project',
  )
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
    await this.projects.update(account.id, projectId, projectValuesOf(a));
    return this.documents.one('projects', account.id, projectId);
  }

  @JsonApiDeleteRoute(
    'Delete a project; its tasks move to No project, keeping their hierarchy',
    PROJECT_ID_EXAMPLE,
  )
  async remove(@CurrentAccount() account: AuthenticatedAccount, @Param('id') id: string): Promise<void> {
    await this.projects.delete(account.id, parseResourceId(id, 'project'));
  }
}
