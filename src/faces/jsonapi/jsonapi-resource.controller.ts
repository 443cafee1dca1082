import { Body, Controller, Param, Query, Res, Type } from '@nestjs/common';
import { ApiExtraModels } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AuthenticatedAccount } from '../../accounts/accounts.service';
import { CurrentAccount, RequiresOrganizationHeader } from '../../auth/auth.decorators';
import { Clock } from '../../common/clock';
import { isIdOrZeroText } from '../../common/ids';
import {
  RecordCondition,
  RecordFilter,
  RecordKindName,
  RecordOf,
  TaskDetailsService,
} from '../../tasks/details/task-details.service';
import { parseJsonApiBody } from './jsonapi-body';
import { compoundDocument, pageMeta, ResourceObject } from './jsonapi-document';
import { FilterCondition, FilterGroup, MAX_PAGE_SIZE, parseJsonApiQuery } from './jsonapi-query';
import { JsonApiResource } from './jsonapi-resource';
import {
  JsonApiController,
  JsonApiCreateRoute,
  JsonApiDeleteRoute,
  JsonApiGetRoute,
  JsonApiListRoute,
  JsonApiUpdateRoute,
  PageQueries,
} from './jsonapi.openapi';
import { RequestError } from '../../common/request.errors';
import { TasksError } from '../../tasks/tasks.errors';

type AnyResource = JsonApiResource<RecordKindName, object, object>;

/** Applies a route's decorators only when the resource supports the route (read-only ones have none). */
const when = (supported: boolean, decorators: () => MethodDecorator): MethodDecorator =>
  supported ? decorators() : () => undefined;

/** A path id that is not a positive integer names nothing: the same 404 as a missing object. */
export function parseResourceId(raw: string, noun: string): number {
  if (!/^\d{1,10}$/.test(raw) || Number(raw) < 1 || Number(raw) > 2147483647) {
    throw new TasksError('TASK_DETAIL_NOT_FOUND', `No ${noun} ${raw}`);
  }
  return Number(raw);
}

function toRecordFilter(group: FilterGroup, resource: AnyResource): RecordFilter {
  return {
    op: group.op,
    operands: group.operands.map((operand) => {
      if ('operands' in operand) return toRecordFilter(operand, resource);
      const condition = operand as FilterCondition;
      const definition = resource.filters![condition.attribute];
      let value: string | number = condition.value;
      if (definition.value === 'int') {
        if (!isIdOrZeroText(condition.value)) {
          throw new RequestError('REQUEST_UNSUPPORTED_FILTER', `filter[${condition.attribute}] takes an id`, {
            meta: { parameter: `filter[${condition.attribute}]` },
          });
        }
        value = Number(condition.value);
      }
      return { property: definition.property, op: condition.op, value } satisfies RecordCondition;
    }),
  };
}

function resourceObject(resource: AnyResource, record: RecordOf<RecordKindName>): ResourceObject {
  return {
    type: resource.type,
    id: String(record.id),
    attributes: resource.attributes(record),
    relationships: resource.relationships(record),
    links: { self: `/api/v2/${resource.type}/${record.id}` },
  };
}

/**
 * Builds the controller of one v2 resource: list (paging, filters, sort, sparse fieldsets), get,
 * create (201 + Location), update (PATCH) and delete (204), documented in Swagger under the
 * JSON:API media type. Each resource is its own class, so Swagger shows its own paths and ids.
 */
// eslint-disable-next-line max-lines-per-function -- a class per resource: its routes are declared inside
export function jsonApiResourceController(resource: AnyResource): Type<unknown> {
  const { type, noun, examples } = resource;
  const Create = resource.createAttributes;
  const Update = resource.updateAttributes;
  const extraModels = [Create, Update].filter((c): c is new () => object => Boolean(c));
  const querySpec = {
    type,
    filters: Object.fromEntries(Object.entries(resource.filters ?? {}).map(([name, f]) => [name, f.ops])),
    sorts: Object.keys(resource.sorts ?? {}),
  };
  const sortProperty = (field: string) => resource.sorts![field];

  @JsonApiController()
  @RequiresOrganizationHeader()
  @ApiExtraModels(...extraModels)
  @Controller(`api/v2/${type}`)
  class ResourceController {
    constructor(
      readonly details: TaskDetailsService,
      readonly clock: Clock,
    ) {}

    @JsonApiListRoute(
      `List ${type}`,
      `Filters: ${Object.keys(resource.filters ?? {}).join(', ') || 'none'}. Sort: ${Object.keys(resource.sorts ?? {}).join(', ') || 'id'}.`,
      `A page of ${type}`,
    )
    @PageQueries(type)
    async list(@CurrentAccount() account: AuthenticatedAccount, @Query() query: Record<string, string>) {
      const parsed = parseJsonApiQuery(query, querySpec);
      const page = await this.details.list(resource.kind, account.id, {
        filter: toRecordFilter(parsed.filter, resource),
        order: parsed.sort.map((s) => ({ property: sortProperty(s.field), descending: s.descending })),
        offset: (parsed.page.number - 1) * parsed.page.size,
        limit: parsed.page.size,
      });
      return compoundDocument(
        page.items.map((r) => resourceObject(resource, r)),
        [],
        { fields: parsed.fields, meta: pageMeta(page.total, parsed.page, MAX_PAGE_SIZE) },
      );
    }

    @JsonApiGetRoute(`Get one ${noun}`, examples.id, `The ${noun}`)
    async get(
      @CurrentAccount() account: AuthenticatedAccount,
      @Param('id') id: string,
      @Query() query: Record<string, string>,
    ) {
      const parsed = parseJsonApiQuery(query, querySpec);
      const record = await this.details.get(resource.kind, account.id, parseResourceId(id, noun));
      return compoundDocument(resourceObject(resource, record), [], { fields: parsed.fields });
    }

    @when(Boolean(Create), () =>
      JsonApiCreateRoute(
        `Create a ${noun}`,
        { type, attributes: Create!, example: examples.create },
        [404, 409, 413, 422],
        `The new ${noun}; Location names it`,
      ),
    )
    async create(
      @CurrentAccount() account: AuthenticatedAccount,
      @Body() body: unknown,
      @Res({ passthrough: true }) reply: FastifyReply,
    ) {
      const [attributes] = parseJsonApiBody(body, Create!, {
        type,
        relationshipAttributes: resource.relationshipAttributes,
      });
      const record = await this.details.create(
        resource.kind,
        account.id,
        resource.toValues(attributes, this.clock.now()),
      );
      reply.status(201).header('location', `/api/v2/${type}/${record.id}`);
      return compoundDocument(resourceObject(resource, record));
    }

    @when(Boolean(Update), () =>
      JsonApiUpdateRoute(
        `Change a ${noun}`,
        examples.id,
        {
          type,
          attributes: Update!,
          example: { data: { type, id: String(examples.id), attributes: examples.update } },
        },
        `The changed ${noun}`,
        'Absent attributes stay as they are; a document without any changes nothing (200).',
      ),
    )
    async update(
      @CurrentAccount() account: AuthenticatedAccount,
      @Param('id') id: string,
      @Body() body: unknown,
    ) {
      const recordId = parseResourceId(id, noun);
      const [attributes] = parseJsonApiBody(body, Update!, { type, id: String(recordId) });
      const record = await this.details.update(
        resource.kind,
        account.id,
        recordId,
        resource.toValues(attributes, this.clock.now()),
      );
      return compoundDocument(resourceObject(resource, record));
    }

    @when(Boolean(Create), () => JsonApiDeleteRoute(`Delete a ${noun}`, examples.deleteId ?? examples.id))
    async remove(@CurrentAccount() account: AuthenticatedAccount, @Param('id') id: string): Promise<void> {
      const recordId = parseResourceId(id, noun);
      await this.details.remove(resource.kind, account.id, recordId);
    }
  }

  const name = type.replace(/(^|_)(\w)/g, (_m, _s, c: string) => c.toUpperCase());
  Object.defineProperty(ResourceController, 'name', { value: `JsonApi${name}Controller` });
  return ResourceController;
}
