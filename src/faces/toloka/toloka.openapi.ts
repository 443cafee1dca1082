import { applyDecorators, UseGuards } from '@nestjs/common';
import { TolokaActUnderGuard } from './toloka-request';
import {
  ApiExtraModels,
  ApiHeader,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  ApiSecurity,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';

export const TOLOKA_TAG = 'v1 · Toloka-compatible';

export class TolokaErrorBody {
  @ApiProperty({ example: '0b6f7c1e-2d4a-4e55-9a57-3c8e1f2b9d10', description: 'Also sent as X-Request-Id' })
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
  400: 'VALIDATION_ERROR: invalid body, query or malformed JSON',
  401: 'AUTHENTICATION_ERROR: missing or unknown token',
  403: 'ACCESS_DENIED: X-Act-Under-Account-ID names another account',
  404: 'DOES_NOT_EXIST: unknown id, or an object of another account',
  409: 'A state conflict: INAPPROPRIATE_STATUS (payload.appropriate_statuses), PROJECT_INAPPROPRIATE_STATUS, UNARCHIVED_POOLS_CONFLICT, CONFLICT_STATE (Idempotency-Key reused)',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS (no Retry-After header, by design)',
  500: 'INTERNAL_ERROR, with the request id',
  503: 'REMOTE_SERVICE_UNAVAILABLE: the database is unreachable or did not answer in time (no Retry-After header, by design)',
};

/** Tags a v1 controller, its auth schemes, and the error responses common to every v1 route. */
export function TolokaController() {
  return applyDecorators(
    ApiTags(TOLOKA_TAG),
    ApiSecurity('OAuth'),
    ApiSecurity('ApiKey'),
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
        content: { 'application/json': { schema: { $ref: getSchemaPath(TolokaErrorBody) } } },
      }),
    ),
  );
}
