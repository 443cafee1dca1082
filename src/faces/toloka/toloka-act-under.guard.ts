import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { AuthenticatedRequest } from '../../auth/auth.decorators';
import { DomainError } from '../../common/domain-error';
import { firstHeader } from '../../common/headers';

/**
 * `X-Act-Under-Account-ID` (docs/v1.md#authentication): the token owner's own id is as good as no
 * header; any other account is refused with 403 ACCESS_DENIED, since accounts share nothing in
 * this service. Runs after the global AuthGuard, so the account is known.
 */
@Injectable()
export class TolokaActUnderGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const value = firstHeader(request.headers, 'x-act-under-account-id')?.trim();
    if (!value || !request.account || value === String(request.account.id)) return true;
    throw new DomainError('REQUEST_ORGANIZATION_MISMATCH', `No shared access to account ${value}`, {
      meta: { header: 'X-Act-Under-Account-ID' },
    });
  }
}
