import { Controller, Get } from '@nestjs/common';
import type { AuthenticatedAccount } from '../../accounts/accounts.service';
import { CurrentAccount } from '../../auth/auth.decorators';
import { requesterWire } from './toloka-presenter';
import { RequesterView } from './toloka-wire';
import { TolokaController, TolokaRoute } from './toloka.openapi';

/** The requester: the account the token belongs to, which AuthGuard has already read. */
@TolokaController()
@Controller('api/v1/requester')
export class TolokaRequesterController {
  @Get()
  @TolokaRoute({
    summary: 'The requester (account) the token belongs to',
    operationId: 'getRequester',
    responses: [{ status: 200, type: RequesterView }],
  })
  get(@CurrentAccount() account: AuthenticatedAccount): RequesterView {
    return requesterWire(account);
  }
}
