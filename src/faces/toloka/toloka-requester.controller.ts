import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty } from '@nestjs/swagger';
import type { AuthenticatedAccount } from '../../accounts/accounts.service';
import { CurrentAccount } from '../../auth/auth.decorators';
import { TolokaController } from './toloka.openapi';

class RequesterView {
  @ApiProperty({ example: '1' })
  id: string;

  @ApiProperty({ example: { EN: 'default' } })
  public_name: Record<string, string>;

  @ApiProperty({ example: 0, description: 'This service handles no money; always 0' })
  balance: number;
}

@TolokaController()
@Controller('api/v1/requester')
export class TolokaRequesterController {
  @Get()
  @ApiOperation({ summary: 'The requester (account) the token belongs to', operationId: 'getRequester' })
  @ApiOkResponse({ type: RequesterView })
  get(@CurrentAccount() account: AuthenticatedAccount): RequesterView {
    return { id: String(account.id), public_name: { EN: account.name }, balance: 0 };
  }
}
