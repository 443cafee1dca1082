import { applyDecorators, UseGuards } from '@nestjs/common';
import { AnyTokenSecurity } from '../../auth/auth.openapi';
import { DomainError } from '../../common/domain-error';
import { KnownError, UnexpectedError } from '../../common/face-error';
import { errorExample, EXAMPLE_REQUEST_ID } from '../error-examples';
import { toTolokaError } from './toloka-error.mapper';
import { TolokaActUnderGuard } from './toloka-request';
import {
  ApiExtraModels,
  ApiHeader,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';

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
