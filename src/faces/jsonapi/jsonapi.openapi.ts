import { applyDecorators, UseGuards } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  ApiSecurity,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { JSONAPI_MEDIA_TYPE } from './jsonapi-error.mapper';
import { JsonApiRateLimitGuard } from './jsonapi-rate-limit.guard';

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
  @ApiProperty({ example: '9001', description: 'Always a string' })
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
      project: { data: { type: 'projects', id: '31002' } },
      subtasks: { meta: { included: false } },
    },
    description: 'to-one: data (linkage or null); to-many: data when included, else meta.included = false',
  })
  relationships?: Record<string, unknown>;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { self: '/api/v2/tasks/9001' },
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
  400: 'invalid_document, organization_required, unsupported filter/sort/include',
  401: 'unauthenticated',
  403: 'access_denied: X-Organization-Id is not the token’s organization',
  404: 'record_not_found',
  406: 'not_acceptable',
  409: 'type_mismatch, request_in_progress',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'Invalid Attribute: one error object per problem, each with a pointer',
  429: 'rate_limited: over the requests a token may make (Retry-After says when to retry)',
  500: 'server_error',
  503: 'service_unavailable: the database is unreachable or did not answer in time (Retry-After: 2)',
};

/** Tags a v2 controller with its auth headers, its request limits and the errors every v2 route can answer. */
export function JsonApiController() {
  return applyDecorators(
    ApiTags(JSONAPI_TAG),
    // Both headers together: one requirement object (two would read as "either one").
    ApiSecurity({ XAuthToken: [], OrganizationId: [] }),
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
        content: { [JSONAPI_MEDIA_TYPE]: { schema: { $ref: getSchemaPath(JsonApiErrorDocument) } } },
      }),
    ),
  );
}
