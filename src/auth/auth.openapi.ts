import { applyDecorators } from '@nestjs/common';
import { ApiSecurity, DocumentBuilder } from '@nestjs/swagger';

type SecuritySchemeObject = Parameters<DocumentBuilder['addSecurity']>[1];

// Swagger UI's "Authorize" fields, one per header the service reads a token from. Each takes the
// bare token: an apiKey field is sent exactly as typed, and the service accepts `Authorization`
// with or without its OAuth/ApiKey/Bearer scheme (a `bearer` scheme would add nothing but a second
// field for the same header).
export const SECURITY_SCHEMES: Record<string, SecuritySchemeObject> = {
  XAuthToken: {
    type: 'apiKey',
    in: 'header',
    name: 'X-Auth-Token',
    description: 'The token itself. Accepted by all three faces.',
  },
  OrganizationId: {
    type: 'apiKey',
    in: 'header',
    name: 'X-Organization-Id',
    description: 'v2 only: the account id of the token (1 for the account made at first start).',
  },
  Authorization: {
    type: 'apiKey',
    in: 'header',
    name: 'Authorization',
    description: 'The token itself, or `OAuth <token>` as toloka-kit sends it. Accepted by all three faces.',
  },
  RemoteToken: {
    type: 'apiKey',
    in: 'header',
    name: 'Remote-Token',
    description: 'The token itself, as the To Do widget sends it. Accepted by all three faces.',
  },
};

/** To Do and v1 routes take the token in any of its headers: each is an alternative requirement. */
export function AnyTokenSecurity() {
  return applyDecorators(ApiSecurity('XAuthToken'), ApiSecurity('Authorization'), ApiSecurity('RemoteToken'));
}

/** v2 routes need the token and the organization together: one requirement with both. */
export function OrganizationTokenSecurity() {
  return ApiSecurity({ XAuthToken: [], OrganizationId: [] });
}
