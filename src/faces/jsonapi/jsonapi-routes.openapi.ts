import { applyDecorators, Get, Header, HttpCode, Put } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiQuery,
  ApiResponse,
} from '@nestjs/swagger';
import { RawBody } from '../../common/http-transport';
import { DEMO } from '../../demo/demo-ids';
import { OPERATION_STATUSES } from '../../operations/operation.entity';
import { JSONAPI_MEDIA_TYPE } from './jsonapi-error.mapper';
import { ATTACHMENT_ID_EXAMPLE, QUEUED_COPY_EXAMPLE } from './jsonapi.examples';
import { JSONAPI_DOCUMENT_CONTENT, JsonApiErrors } from './jsonapi.openapi';

// The Swagger description of the v2 routes outside the resources: attachment files, operations
// and the organization. One composite per route.

export const ATTACHMENT_MAX_BYTES = 16 * 1024 * 1024;

const attachmentId = ApiParam({ name: 'id', schema: { type: 'string', example: ATTACHMENT_ID_EXAMPLE } });

export const JsonApiRoutes = {
  uploadContent: () =>
    applyDecorators(
      Put(),
      HttpCode(200),
      RawBody(ATTACHMENT_MAX_BYTES),
      Header('content-type', JSONAPI_MEDIA_TYPE),
      ApiOperation({
        summary: 'Upload the file of an attachment (raw bytes, any media type, up to 16 MiB)',
        description:
          'Content-Type, without its parameters, becomes the attachment’s content_type; one that is not a media type of at most 255 characters is refused (415).',
      }),
      attachmentId,
      ApiConsumes('application/octet-stream'),
      ApiBody({ schema: { type: 'string', format: 'binary' } }),
      ApiOkResponse({ description: 'The attachment with its new size', content: JSONAPI_DOCUMENT_CONTENT }),
      JsonApiErrors(404, 413, 415),
    ),

  downloadContent: () =>
    applyDecorators(
      Get(),
      ApiOperation({ summary: 'Download the file of an attachment' }),
      attachmentId,
      ApiProduces('application/octet-stream'),
      ApiOkResponse({
        description: 'The bytes, with the attachment’s content type',
        headers: {
          'Content-Disposition': {
            description:
              'attachment; filename="<ASCII fallback>"; filename*=UTF-8\'\'<the exact name, percent-encoded> (RFC 6266, RFC 8187)',
            schema: {
              type: 'string',
              example: 'attachment; filename="__.txt"; filename*=UTF-8\'\'%E6%97%A5%E6%9C%AC.txt',
            },
          },
        },
      }),
      JsonApiErrors(404),
    ),

  listOperations: () =>
    applyDecorators(
      Get(),
      Header('content-type', JSONAPI_MEDIA_TYPE),
      ApiOperation({
        summary: 'List the organization’s operations, newest first',
        description: 'Filter: status.',
      }),
      ApiQuery({ name: 'filter[status]', required: false, enum: OPERATION_STATUSES }),
      ApiQuery({
        name: 'page[size]',
        required: false,
        schema: { type: 'integer', minimum: 1, maximum: 200 },
      }),
      ApiOkResponse({ description: 'Operations', content: JSONAPI_DOCUMENT_CONTENT }),
    ),

  getOperation: () =>
    applyDecorators(
      Get(':id'),
      Header('content-type', JSONAPI_MEDIA_TYPE),
      ApiOperation({
        summary:
          'Poll an operation: 200 while it runs, 303 See Other to the new task once a TASK.COPY succeeded',
      }),
      ApiParam({ name: 'id', schema: { type: 'string', format: 'uuid', example: DEMO.v1.operation } }),
      ApiOkResponse({
        description:
          'The operation (PENDING, RUNNING, FAIL with errors, or a finished non-copy operation); its kind is `operation_type`',
        content: {
          [JSONAPI_MEDIA_TYPE]: {
            ...JSONAPI_DOCUMENT_CONTENT[JSONAPI_MEDIA_TYPE],
            examples: { queued: { value: QUEUED_COPY_EXAMPLE } },
          },
        },
      }),
      ApiResponse({
        status: 303,
        description: 'The copy succeeded; Location names the new task',
        headers: { Location: { schema: { type: 'string' } } },
      }),
      JsonApiErrors(404),
    ),

  listOrganizations: () =>
    applyDecorators(
      Get(),
      Header('content-type', JSONAPI_MEDIA_TYPE),
      ApiOperation({ summary: 'The organization (account) of the token', operationId: 'listOrganizations' }),
      ApiOkResponse({
        content: {
          [JSONAPI_MEDIA_TYPE]: {
            example: {
              data: [{ type: 'organizations', id: '1', attributes: { name: 'default' } }],
              meta: { total_count: 1 },
            },
          },
        },
      }),
    ),
};
