import { Body, Controller, Param, Query, Res } from '@nestjs/common';
import { ApiExtraModels } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AuthenticatedAccount } from '../../accounts/accounts.service';
import { CurrentAccount, RequiresOrganizationHeader } from '../../auth/auth.decorators';
import { PeopleService } from '../../tasks/store/people.service';
import { parseJsonApiBody } from './jsonapi-body';
import { JsonApiDocuments } from './jsonapi-documents';
import { PersonAttributes, personChangesOf, PersonUpdateAttributes } from './jsonapi-people-projects.dto';
import { parseJsonApiQuery } from './jsonapi-query';
import { parseResourceId } from './jsonapi-resource.controller';
import {
  DELETED_PERSON_ID_EXAMPLE,
  PERSON_CREATE_EXAMPLE,
  PERSON_ID_EXAMPLE,
  PERSON_UPDATE_EXAMPLE,
} from './jsonapi.examples';
import {
  JsonApiController,
  JsonApiCreateRoute,
  JsonApiDeleteRoute,
  JsonApiGetRoute,
  JsonApiListRoute,
  JsonApiUpdateRoute,
} from './jsonapi.openapi';

/** v2 `people`: the To Do face's users too. */
@JsonApiController()
@RequiresOrganizationHeader()
@ApiExtraModels(PersonAttributes, PersonUpdateAttributes)
@Controller('api/v2/people')
export class JsonApiPeopleController {
  constructor(
    private readonly people: PeopleService,
    private readonly documents: JsonApiDocuments,
  ) {}

  @JsonApiListRoute('List people (the /todo face’s users too)', 'Filter: email (eq).', 'A page of people')
  list(@CurrentAccount() account: AuthenticatedAccount, @Query() query: Record<string, string>) {
    const parsed = parseJsonApiQuery(query, { type: 'people', filters: { email: ['eq'] } });
    return this.documents.page('people', account.id, parsed, 'email');
  }

  @JsonApiGetRoute('Get one person', PERSON_ID_EXAMPLE, 'The person')
  get(@CurrentAccount() account: AuthenticatedAccount, @Param('id') id: string) {
    return this.documents.one('people', account.id, parseResourceId(id, 'person'));
  }

  @JsonApiCreateRoute(
    'Create a person',
    { type: 'people', attributes: PersonAttributes, example: PERSON_CREATE_EXAMPLE },
    [409, 422],
    'The new person; Location names it',
  )
  async create(
    @CurrentAccount() account: AuthenticatedAccount,
    @Body() payload: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const [a] = parseJsonApiBody(payload, PersonAttributes, { type: 'people' });
    const id = await this.people.create(account.id, {
      ...personChangesOf(a),
      firstName: a.first_name.trim(),
    });
    reply.status(201).header('location', `/api/v2/people/${id}`);
    return this.documents.one('people', account.id, id);
  }

  @JsonApiUpdateRoute(
    'Change a person (or deactivate them)',
    PERSON_ID_EXAMPLE,
    { type: 'people', attributes: PersonUpdateAttributes, example: PERSON_UPDATE_EXAMPLE },
    'The changed person',
  )
  async update(
    @CurrentAccount() account: AuthenticatedAccount,
    @Param('id') id: string,
    @Body() payload: unknown,
  ) {
    const personId = parseResourceId(id, 'person');
    const [a] = parseJsonApiBody(payload, PersonUpdateAttributes, { type: 'people', id: String(personId) });
    await this.people.update(account.id, personId, personChangesOf(a));
    return this.documents.one('people', account.id, personId);
  }

  @JsonApiDeleteRoute('Delete a person; they leave every task’s assignees', DELETED_PERSON_ID_EXAMPLE)
  async remove(@CurrentAccount() account: AuthenticatedAccount, @Param('id') id: string): Promise<void> {
    await this.people.delete(account.id, parseResourceId(id, 'person'));
  }
}
