import {
  applyDecorators,
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
  Type,
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
  ApiQuery,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AuthenticatedAccount } from '../../accounts/accounts.service';
import { CurrentAccount, RequiresOrganizationHeader } from '../../auth/auth.decorators';
import { Clock } from '../../common/clock';
import { DomainError } from '../../common/domain-error';
import { isIdOrZeroText } from '../../common/ids';
import type { RecordCondition, RecordFilter } from '../../task-details/record-query';
import { RecordKindName, RecordOf, TaskDetailsService } from '../../task-details/task-details.service';
import { parseJsonApiBody } from './jsonapi-body';
import { compoundDocument, pageMeta, ResourceObject } from './jsonapi-document';
import { JSONAPI_MEDIA_TYPE } from './jsonapi-error.mapper';
import {
  FilterCondition,
  FilterGroup,
  MAX_PAGE_NUMBER,
  MAX_PAGE_SIZE,
  parseJsonApiQuery,
} from './jsonapi-query';
import { JsonApiResource } from './jsonapi-resource';
import { JSONAPI_DOCUMENT_CONTENT, JsonApiController, JsonApiErrors } from './jsonapi.openapi';

type AnyResource = JsonApiResource<RecordKindName, object, object>;

/** Applies route decorators only when the resource supports the route (read-only ones have none). */
const when = (supported: boolean, ...decorators: Array<MethodDecorator>): MethodDecorator =>
  supported ? applyDecorators(...decorators) : () => undefined;

/** A path id that is not a positive integer names nothing: the same 404 as a missing object. */
export function parseResourceId(raw: string, noun: string): number {
  if (!/^\d{1,10}$/.test(raw) || Number(raw) < 1 || Number(raw) > 2147483647) {
    throw new DomainError('TASK_DETAIL_NOT_FOUND', `No ${noun} ${raw}`);
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
          throw new DomainError('REQUEST_UNSUPPORTED_FILTER', `filter[${condition.attribute}] takes an id`, {
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

function documentSchema(type: string, attributes: Type<unknown>, update = false) {
  return {
    type: 'object',
    required: ['data'],
    properties: {
      data: {
        type: 'object',
        required: ['type', 'attributes'],
        properties: {
          type: { type: 'string', enum: [type] },
          ...(update ? { id: { type: 'string', description: 'Optional; the id in the URL when sent' } } : {}),
          attributes: { $ref: getSchemaPath(attributes) },
        },
      },
    },
  };
}

/**
 * Builds the controller of one v2 resource: list (paging, filters, sort, sparse fieldsets), get,
 * create (201 + Location), update (PATCH) and delete (204), documented in Swagger under the
 * JSON:API media type. Each resource is its own class, so Swagger shows its own paths and ids.
 */
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

    @Get()
    @Header('content-type', JSONAPI_MEDIA_TYPE)
    @ApiOperation({
      summary: `List ${type}`,
      description: `Filters: ${Object.keys(resource.filters ?? {}).join(', ') || 'none'}. Sort: ${Object.keys(resource.sorts ?? {}).join(', ') || 'id'}.`,
    })
    @ApiQuery({
      name: 'page[number]',
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE_NUMBER, default: 1 },
    })
    @ApiQuery({
      name: 'page[size]',
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: 30 },
    })
    @ApiQuery({ name: 'sort', required: false, schema: { type: 'string' } })
    @ApiQuery({ name: `fields[${type}]`, required: false, schema: { type: 'string' } })
    @ApiOkResponse({
      description: `A page of ${type}`,
      content: JSONAPI_DOCUMENT_CONTENT,
    })
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

    @Get(':id')
    @Header('content-type', JSONAPI_MEDIA_TYPE)
    @ApiOperation({ summary: `Get one ${noun}` })
    @ApiParam({ name: 'id', schema: { type: 'string', example: String(examples.id) } })
    @ApiOkResponse({
      description: `The ${noun}`,
      content: JSONAPI_DOCUMENT_CONTENT,
    })
    @JsonApiErrors(404)
    async get(
      @CurrentAccount() account: AuthenticatedAccount,
      @Param('id') id: string,
      @Query() query: Record<string, string>,
    ) {
      const parsed = parseJsonApiQuery(query, querySpec);
      const record = await this.details.get(resource.kind, account.id, parseResourceId(id, noun));
      return compoundDocument(resourceObject(resource, record), [], { fields: parsed.fields });
    }

    @when(
      Boolean(Create),
      Post(),
      Header('content-type', JSONAPI_MEDIA_TYPE),
      ApiOperation({ summary: `Create a ${noun}` }),
      ApiConsumes(JSONAPI_MEDIA_TYPE),
      ApiBody({
        schema: Create ? documentSchema(type, Create) : {},
        examples: { example: { value: examples.create } },
      }),
      ApiCreatedResponse({
        description: `The new ${noun}; Location names it`,
        content: JSONAPI_DOCUMENT_CONTENT,
      }),
      JsonApiErrors(404, 409, 413, 422),
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

    @when(
      Boolean(Update),
      Patch(':id'),
      Header('content-type', JSONAPI_MEDIA_TYPE),
      ApiOperation({
        summary: `Change a ${noun}`,
        description: 'Absent attributes stay as they are; a document without any changes nothing (200).',
      }),
      ApiParam({ name: 'id', schema: { type: 'string', example: String(examples.id) } }),
      ApiConsumes(JSONAPI_MEDIA_TYPE),
      ApiBody({
        schema: Update ? documentSchema(type, Update, true) : {},
        examples: {
          example: { value: { data: { type, id: String(examples.id), attributes: examples.update } } },
        },
      }),
      ApiOkResponse({
        description: `The changed ${noun}`,
        content: JSONAPI_DOCUMENT_CONTENT,
      }),
      JsonApiErrors(404, 409, 422),
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

    @when(
      Boolean(Create),
      Delete(':id'),
      HttpCode(204),
      ApiOperation({ summary: `Delete a ${noun}` }),
      ApiParam({ name: 'id', schema: { type: 'string', example: String(examples.deleteId ?? examples.id) } }),
      ApiNoContentResponse({ description: 'Deleted' }),
      JsonApiErrors(404),
    )
    async remove(@CurrentAccount() account: AuthenticatedAccount, @Param('id') id: string): Promise<void> {
      const recordId = parseResourceId(id, noun);
      await this.details.remove(resource.kind, account.id, recordId);
    }
  }

  const name = type.replace(/(^|_)(\w)/g, (_m, _s, c: string) => c.toUpperCase());
  Object.defineProperty(ResourceController, 'name', { value: `JsonApi${name}Controller` });
  return ResourceController;
}
