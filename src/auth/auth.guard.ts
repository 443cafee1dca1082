import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AccountsService, hashToken } from '../accounts/accounts.service';
import { DomainError } from '../common/domain-error';
import { AuthenticatedRequest, PUBLIC_ROUTE, REQUIRES_ORGANIZATION_HEADER } from './auth.decorators';
import { extractToken, organizationHeader } from './token-extractor';

/** Global guard: every route needs a valid token unless marked @Public(). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly accounts: AccountsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = extractToken(request.headers);
    // Hashed once per request: the faces key per-token state by this hash.
    const tokenHash = token ? hashToken(token) : undefined;
    const account = tokenHash ? await this.accounts.authenticate(tokenHash) : null;
    if (!account) throw new DomainError('REQUEST_UNAUTHENTICATED', 'A valid API token is required');

    if (this.reflector.getAllAndOverride<boolean>(REQUIRES_ORGANIZATION_HEADER, targets)) {
      const organization = organizationHeader(request.headers);
      if (!organization) {
        throw new DomainError('REQUEST_ORGANIZATION_REQUIRED', 'The X-Organization-Id header is required', {
          meta: { header: 'X-Organization-Id' },
        });
      }
      if (organization !== String(account.id)) {
        throw new DomainError(
          'REQUEST_ORGANIZATION_MISMATCH',
          'The token has no access to this organization',
          {
            meta: { header: 'X-Organization-Id' },
          },
        );
      }
    }
    request.account = account;
    request.tokenHash = tokenHash;
    return true;
  }
}
