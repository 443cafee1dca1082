import { applyDecorators, Delete, Get, Header, HttpCode, Patch, Post, Type, UseGuards } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProperty,
  ApiPropertyOptional,
  ApiQuery,
  ApiResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { OrganizationTokenSecurity } from '../../auth/auth.openapi';
import { KnownError, UnexpectedError } from '../../common/face-error';
import { RequestValidationError } from '../../common/request-validation.error';
import { errorExample } from '../error-examples';
import { JSONAPI_MEDIA_TYPE, toJsonApiError } from './jsonapi-error.mapper';
import { MAX_PAGE_NUMBER, MAX_PAGE_SIZE } from './jsonapi-query';
import { JsonApiRateLimitGuard } from './jsonapi-rate-limit.guard';
import { DomainError } from '../../common/domain-error';
import { RequestError } from '../../common/request.errors';
import { TasksError } from '../../tasks/tasks.errors';

export const JSONAPI_TAG = 'v2 · JSON:API';

class JsonApiErrorSource {
  @ApiPropertyOptional({ example: '/data/attributes/title' })
  pointer?: string;
  @ApiPropertyOptional({ example: 'include' })
  parameter?: string;
  @ApiPropertyOptional({ example: 'X-Organization-Id' })
  header?: string;
}

export class JsonApiErrorObjectView {
  @ApiProperty({ example: '422', description: 'HTTP status as a string' })
  status: string;
  @ApiProperty({ example: 'task_private_not_allowed' })
  code: string;
  @ApiProperty({ example: 'Invalid Attribute' })
  title: string;
  @ApiProperty({ example: 'A private copy cannot include subtasks.' })
  detail: string;
  @ApiPropertyOptional({ type: JsonApiErrorSource })
  source?: JsonApiErrorSource;
}

class ResourceObjectView {
  @ApiProperty({ example: 'tasks' })
  type: string;
  @ApiProperty({ example: '19', description: 'Always a string' })
  id: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { title: 'Onboarding checklist — Acme' },
  })
  attributes: Record<string, unknown>;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: {
      project: { data: { type: 'projects', id: '3' } },
      subtasks: { meta: { included: false } },
    },
    description: 'to-one: data (linkage or null); to-many: data when included, else meta.included = false',
  })
  relationships?: Record<string, unknown>;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { self: '/api/v2/tasks/19' },
  })
  links?: Record<string, string>;
}

/** Every v2 success document: primary data, the resources `include` reached, and meta. */
export class JsonApiDocumentView {
  @ApiProperty({
    oneOf: [
      { $ref: getSchemaPath(ResourceObjectView) },
      { type: 'array', items: { $ref: getSchemaPath(ResourceObjectView) } },
    ],
  })
  data: ResourceObjectView | ResourceObjectView[];
  @ApiPropertyOptional({ type: [ResourceObjectView] })
  included?: ResourceObjectView[];
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Paging (total_count, …) on lists; copy (task_id_map, counts, skipped) on tasks/copy',
  })
  meta?: Record<string, unknown>;
}

/** The `content` of a v2 success response. */
export const JSONAPI_DOCUMENT_CONTENT = {
  [JSONAPI_MEDIA_TYPE]: { schema: { $ref: getSchemaPath(JsonApiDocumentView) } },
};

export class JsonApiErrorDocument {
  @ApiProperty({ type: [JsonApiErrorObjectView] })
  errors: JsonApiErrorObjectView[];
}

const DESCRIPTIONS: Record<number, string> = {
  400: 'invalid_document (also a body that is not UTF-8), organization_required, unsupported filter/sort/include, invalid_preflight (OPTIONS without Origin and Access-Control-Request-Method)',
  401: 'unauthenticated',
  403: 'access_denied: X-Organization-Id is not the token’s organization',
  404: 'record_not_found',
  406: 'not_acceptable',
  409: 'type_mismatch, request_in_progress',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'Invalid Attribute: one error object per problem, each with a pointer (invalid_reference for an id the organization has no object with)',
  429: 'rate_limited: over the requests a token may make (Retry-After says when to retry)',
  500: 'server_error',
  503: 'service_unavailable: the database is unreachable or did not answer in time (Retry-After: 2)',
};

// One error of each documented status, as this face renders it: the status's example document.
const EXAMPLE_ERRORS: Record<number, KnownError> = {
  400: new RequestError('REQUEST_ORGANIZATION_REQUIRED', 'The X-Organization-Id header is required', {
    meta: { header: 'X-Organization-Id' },
  }),
  401: new RequestError('REQUEST_UNAUTHENTICATED', 'A valid API token is required'),
  403: new RequestError('REQUEST_ORGANIZATION_MISMATCH', 'The token has no access to this organization', {
    meta: { header: 'X-Organization-Id' },
  }),
  404: new TasksError('TASK_NOT_FOUND', 'No task 99'),
  406: new RequestError(
    'REQUEST_NOT_ACCEPTABLE',
    'Accept allows application/vnd.api+json only with parameters',
  ),
  409: new RequestError('REQUEST_TYPE_MISMATCH', 'data.type must be "tasks"', { field: 'data.type' }),
  413: new RequestError('REQUEST_BODY_TOO_LARGE', 'The request body is larger than this route accepts'),
  415: new RequestError('REQUEST_UNSUPPORTED_MEDIA_TYPE', 'Send application/vnd.api+json'),
  422: new RequestValidationError([
    {
      path: 'data.attributes.title',
      constraint: 'isDefined',
      message: 'title should not be null or undefined',
      missing: true,
    },
    {
      path: 'data.attributes.project_id',
      constraint: 'isInt',
      message: 'project_id must be an id (a positive integer)',
    },
  ]),
  429: new RequestError('REQUEST_RATE_LIMITED', 'Over 100 requests in 10 seconds'),
  500: new UnexpectedError(new Error('example')),
  503: new RequestError('REQUEST_SERVICE_UNAVAILABLE', 'The database is unavailable; retry later'),
};

/** Tags a v2 controller with its auth headers, its request limits and the errors every v2 route can answer. */
export function JsonApiController() {
  return applyDecorators(
    ApiTags(JSONAPI_TAG),
    OrganizationTokenSecurity(),
    ApiExtraModels(JsonApiErrorDocument, JsonApiDocumentView, ResourceObjectView),
    JsonApiErrors(400, 401, 403, 406, 415, 429, 500, 503),
    UseGuards(JsonApiRateLimitGuard),
  );
}

export function JsonApiErrors(...statuses: number[]) {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: DESCRIPTIONS[status] ?? 'Error',
        content: {
          [JSONAPI_MEDIA_TYPE]: {
            schema: { $ref: getSchemaPath(JsonApiErrorDocument) },
            example: errorExample(toJsonApiError, status, EXAMPLE_ERRORS[status]),
          },
        },
      }),
    ),
  );
}

/**
 * The 429 of a route that may queue a copy operation: the request limit as everywhere, or the
 * organization's limit of unfinished copy operations (docs/v2.md#copy-limit), one example each.
 */
export function JsonApiCopyLimitErrors() {
  const copyLimit = new DomainError(
    'OPERATION_LIMIT_REACHED',
    'The organization already runs 5 copies; try again when one has finished',
    { meta: { limit: 5 } },
  );
  return ApiResponse({
    status: 429,
    description: `${DESCRIPTIONS[429]}; copy_limit_reached: the organization already has COPY_MAX_CONCURRENT_PER_ACCOUNT copy operations PENDING or RUNNING (meta.limit; Retry-After: 5)`,
    content: {
      [JSONAPI_MEDIA_TYPE]: {
        schema: { $ref: getSchemaPath(JsonApiErrorDocument) },
        examples: {
          rate_limited: { value: errorExample(toJsonApiError, 429, EXAMPLE_ERRORS[429]) },
          copy_limit_reached: { value: errorExample(toJsonApiError, 429, copyLimit) },
        },
      },
    },
  });
}

/** The optional `Idempotency-Key` of every copy route (docs/v2.md#idempotency). */
export function JsonApiIdempotencyKey() {
  return ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'A retry with the same key gets the first result (24 h; keys belong to the organization and the token); another body with it → 422; while the first runs → 409',
  });
}

/** The body of a create (or, with `update`, a PATCH) of one resource of `type`. */
export function documentBody(type: string, attributes: Type<unknown>, update = false) {
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

const document = (description: string) => ({ description, content: JSONAPI_DOCUMENT_CONTENT });
const pathId = (example: unknown) =>
  ApiParam({ name: 'id', schema: { type: 'string', example: String(example) } });

/** GET of a list: a page of documents. */
export function JsonApiListRoute(summary: string, description: string, answer: string) {
  return applyDecorators(
    Get(),
    Header('content-type', JSONAPI_MEDIA_TYPE),
    ApiOperation({ summary, description }),
    ApiOkResponse(document(answer)),
  );
}

/** GET of one resource by id. */
export function JsonApiGetRoute(summary: string, example: unknown, answer: string, description?: string) {
  return applyDecorators(
    Get(':id'),
    Header('content-type', JSONAPI_MEDIA_TYPE),
    ApiOperation({ summary, description }),
    pathId(example),
    ApiOkResponse(document(answer)),
    JsonApiErrors(404),
  );
}

/** POST of one resource (201, Location). */
export function JsonApiCreateRoute(
  summary: string,
  body: { type: string; attributes: Type<unknown>; example: unknown },
  errors: number[],
  answer = 'The new resource; Location names it',
) {
  return applyDecorators(
    Post(),
    Header('content-type', JSONAPI_MEDIA_TYPE),
    ApiOperation({ summary }),
    ApiConsumes(JSONAPI_MEDIA_TYPE),
    ApiBody({
      schema: documentBody(body.type, body.attributes),
      examples: { [body.type]: { value: body.example } },
    }),
    ApiCreatedResponse(document(answer)),
    JsonApiErrors(...errors),
  );
}

/** PATCH of one resource by id. */
export function JsonApiUpdateRoute(
  summary: string,
  example: unknown,
  body: { type: string; attributes: Type<unknown>; example: unknown },
  answer = 'The changed resource',
  description?: string,
) {
  return applyDecorators(
    Patch(':id'),
    Header('content-type', JSONAPI_MEDIA_TYPE),
    ApiOperation({ summary, description }),
    pathId(example),
    ApiConsumes(JSONAPI_MEDIA_TYPE),
    ApiBody({
      schema: documentBody(body.type, body.attributes, true),
      examples: { [body.type]: { value: body.example } },
    }),
    ApiOkResponse(document(answer)),
    JsonApiErrors(404, 409, 422),
  );
}

/** DELETE of one resource by id (204). */
export function JsonApiDeleteRoute(summary: string, example: unknown) {
  return applyDecorators(
    Delete(':id'),
    HttpCode(204),
    ApiOperation({ summary }),
    pathId(example),
    ApiNoContentResponse({ description: 'Deleted' }),
    JsonApiErrors(404),
  );
}

/** The paging, sort and sparse fieldset parameters of a list of `type`. */
export function PageQueries(type: string) {
  return applyDecorators(
    ApiQuery({
      name: 'page[number]',
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE_NUMBER, default: 1 },
    }),
    ApiQuery({
      name: 'page[size]',
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: 30 },
    }),
    ApiQuery({ name: 'sort', required: false, schema: { type: 'string' } }),
    ApiQuery({ name: `fields[${type}]`, required: false, schema: { type: 'string' } }),
  );
}
