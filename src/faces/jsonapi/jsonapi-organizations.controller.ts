import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { AuthenticatedAccount } from '../../accounts/accounts.service';
import { CurrentAccount, RequiresOrganizationHeader } from '../../auth/auth.decorators';
import { JSONAPI_MEDIA_TYPE } from './jsonapi-error.mapper';
import { JsonApiController } from './jsonapi.openapi';

function organizationResource(account: AuthenticatedAccount) {
  return { type: 'organizations', id: String(account.id), attributes: { name: account.name } };
}

@JsonApiController()
@RequiresOrganizationHeader()
@Controller('api/v2/organizations')
export class JsonApiOrganizationsController {
  @Get()
  @Header('content-type', JSONAPI_MEDIA_TYPE)
  @ApiOperation({ summary: 'The organization (account) of the token', operationId: 'listOrganizations' })
  @ApiOkResponse({
    content: {
      [JSONAPI_MEDIA_TYPE]: {
        example: {
          data: [{ type: 'organizations', id: '1', attributes: { name: 'default' } }],
          meta: { total_count: 1 },
        },
      },
    },
  })
  list(@CurrentAccount() account: AuthenticatedAccount) {
    return { data: [organizationResource(account)], meta: { total_count: 1 } };
  }
}
