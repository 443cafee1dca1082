import { Controller } from '@nestjs/common';
import type { AuthenticatedAccount } from '../../accounts/accounts.service';
import { CurrentAccount, RequiresOrganizationHeader } from '../../auth/auth.decorators';
import { JsonApiController } from './jsonapi.openapi';
import { JsonApiRoutes } from './jsonapi-routes.openapi';

function organizationResource(account: AuthenticatedAccount) {
  return { type: 'organizations', id: String(account.id), attributes: { name: account.name } };
}

@JsonApiController()
@RequiresOrganizationHeader()
@Controller('api/v2/organizations')
export class JsonApiOrganizationsController {
  @JsonApiRoutes.listOrganizations()
  list(@CurrentAccount() account: AuthenticatedAccount) {
    return { data: [organizationResource(account)], meta: { total_count: 1 } };
  }
}
