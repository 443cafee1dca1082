import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { AuthenticatedAccount } from '../accounts/accounts.service';

export const PUBLIC_ROUTE = 'cloneworks:public';
export const REQUIRES_ORGANIZATION_HEADER = 'cloneworks:requires-organization-header';

/** The route needs no token (health, docs). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** The face names the account in `X-Organization-Id`, which must match the token's account (v2). */
export const RequiresOrganizationHeader = () => SetMetadata(REQUIRES_ORGANIZATION_HEADER, true);

export interface AuthenticatedRequest extends FastifyRequest {
  account?: AuthenticatedAccount;
  /** The SHA-256 of the request's token, computed once by the authentication guard. */
  tokenHash?: string;
}

/** The account the request's token resolved to; every domain call is scoped by its id. */
export const CurrentAccount = createParamDecorator((_data: unknown, ctx: ExecutionContext) => {
  const request = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!request.account) throw new Error('CurrentAccount used on a route without authentication');
  return request.account;
});

/** The hash of the request's token (what keys per-token state, such as request limits). */
export const CurrentTokenHash = createParamDecorator((_data: unknown, ctx: ExecutionContext) => {
  const request = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!request.tokenHash) throw new Error('CurrentTokenHash used on a route without authentication');
  return request.tokenHash;
});
