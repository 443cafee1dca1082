import { applyDecorators, Type, UseGuards } from '@nestjs/common';
import {
  ApiBody,
  ApiExtraModels,
  ApiHeader,
  ApiOperation,
  ApiParam,
  ApiProperty,
  ApiPropertyOptional,
  ApiQuery,
  ApiQueryOptions,
  ApiResponse,
  ApiResponseOptions,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { AnyTokenSecurity } from '../../auth/auth.openapi';
import { DomainError } from '../../common/domain-error';
import { KnownError, UnexpectedError } from '../../common/face-error';
import { errorExample, EXAMPLE_REQUEST_ID } from '../error-examples';
import { TolokaActUnderGuard } from './toloka-act-under.guard';
import { toTolokaError } from './toloka-error.mapper';

export const TOLOKA_TAG = 'v1 · Toloka-compatible';

export class TolokaErrorBody {
  @ApiProperty({ example: EXAMPLE_REQUEST_ID, description: 'Also sent as X-Request-Id' })
  request_id: string;

  @ApiProperty({
    example: 'DOES_NOT_EXIST',
    description: 'Machine code; toloka-kit picks its exception from it',
  })
  code: string;

  @ApiProperty({ example: 'Object not found' })
  message: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { private_name: { code: 'VALUE_REQUIRED', message: 'Field is required' } },
    description: 'Per code: VALIDATION_ERROR maps each dotted field path to {code, message, params?}',
  })
  payload?: Record<string, unknown>;
}

const DESCRIPTIONS: Record<number, string> = {
  400: 'VALIDATION_ERROR: invalid body, query, malformed JSON or a body that is not UTF-8',
  401: 'AUTHENTICATION_ERROR: missing or unknown token',
  403: 'ACCESS_DENIED: X-Act-Under-Account-ID names another account',
  404: 'DOES_NOT_EXIST: unknown id, or an object of another account',
  409: 'A state conflict: INAPPROPRIATE_STATUS (payload.appropriate_statuses), PROJECT_INAPPROPRIATE_STATUS, UNARCHIVED_POOLS_CONFLICT, CONFLICT_STATE (Idempotency-Key reused)',
  413: 'PAYLOAD_TOO_LARGE: a body over its limit, or parameters over 7 MiB of JSON',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS (no Retry-After header, by design)',
  500: 'INTERNAL_ERROR, with the request id',
  503: 'REMOTE_SERVICE_UNAVAILABLE: the database is unreachable or did not answer in time (no Retry-After header, by design)',
};

// One error of each documented status, as the v1 face renders it: the status's example body.
const EXAMPLE_ERRORS: Record<number, KnownError> = {
  400: new DomainError('POOL_PROJECT_INVALID', 'Project 99 does not exist', { field: 'project_id' }),
  401: new DomainError('REQUEST_UNAUTHENTICATED', 'A valid API token is required'),
  403: new DomainError('REQUEST_ORGANIZATION_MISMATCH', 'No shared access to account 2', {
    meta: { header: 'X-Act-Under-Account-ID' },
  }),
  404: new DomainError('POOL_NOT_FOUND', 'Pool 99 does not exist'),
  409: new DomainError('POOL_INAPPROPRIATE_STATUS', 'Cannot open a pool in status ARCHIVED', {
    meta: { appropriate_statuses: ['CLOSED'] },
  }),
  413: new DomainError('REQUEST_BODY_TOO_LARGE', 'The request body is larger than this route accepts'),
  415: new DomainError('REQUEST_UNSUPPORTED_MEDIA_TYPE', 'Unsupported Content-Type: text/plain'),
  429: new DomainError('REQUEST_RATE_LIMITED', 'Pool clone limit exceeded: 20 requests per minute', {
    meta: { limit: 20, period: 'MINUTE', scope: 'POOL_CLONE' },
  }),
  500: new UnexpectedError(new Error('example')),
  503: new DomainError('REQUEST_SERVICE_UNAVAILABLE', 'The database is unavailable; retry later'),
};

/** Tags a v1 controller, its auth schemes, and the error responses common to every v1 route. */
export function TolokaController() {
  return applyDecorators(
    ApiTags(TOLOKA_TAG),
    AnyTokenSecurity(),
    ApiExtraModels(TolokaErrorBody),
    TolokaErrors(400, 401, 403, 500, 503),
    UseGuards(TolokaActUnderGuard),
    ApiHeader({
      name: 'X-Act-Under-Account-ID',
      required: false,
      description: 'toloka-kit act_under_account_id: the token’s own account id, or 403 ACCESS_DENIED',
    }),
  );
}

export function TolokaErrors(...statuses: number[]) {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: DESCRIPTIONS[status] ?? 'Error',
        content: {
          'application/json': {
            schema: { $ref: getSchemaPath(TolokaErrorBody) },
            example: errorExample(toTolokaError, status, EXAMPLE_ERRORS[status]),
          },
        },
      }),
    ),
  );
}

/** How one v1 route is documented; TolokaRoute turns it into the Swagger decorators. */
export interface TolokaRouteDocs {
  summary: string;
  operationId: string;
  description?: string;
  /** The `id` path parameter. */
  id?: { description: string; example: string };
  /** Optional query parameters, in the order Swagger UI lists them. */
  query?: ApiQueryOptions[];
  /** The route takes an optional `Idempotency-Key`; this says what a repeat answers. */
  idempotencyKey?: string;
  /** A JSON body: its DTO (listed in the controller's ApiExtraModels) and one named example. */
  body?: { type: Type<unknown>; name: string; example: object };
  /** Each successful answer, with its status. */
  responses: ApiResponseOptions[];
  /** Error statuses beyond those every v1 route has (TolokaController). */
  errors?: number[];
}

/** The whole Swagger description of one v1 route. */
export function TolokaRoute(docs: TolokaRouteDocs) {
  const { body } = docs;
  // In the order the equivalent stack of decorators would apply (bottom up), which is the order
  // Swagger lists parameters in.
  return applyDecorators(
    TolokaErrors(...(docs.errors ?? [])),
    ...[...docs.responses].reverse().map((response) => ApiResponse(response)),
    ...(body
      ? [
          ApiBody({
            schema: { $ref: getSchemaPath(body.type) },
            examples: { [body.name]: { value: body.example } },
          }),
        ]
      : []),
    ...[...(docs.query ?? [])].reverse().map((query) => ApiQuery({ required: false, ...query })),
    ...(docs.idempotencyKey
      ? [ApiHeader({ name: 'Idempotency-Key', required: false, description: docs.idempotencyKey })]
      : []),
    ...(docs.id ? [ApiParam({ name: 'id', ...docs.id })] : []),
    ApiOperation({ summary: docs.summary, operationId: docs.operationId, description: docs.description }),
  );
}
