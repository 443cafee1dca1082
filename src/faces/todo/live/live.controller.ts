import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { AuthenticatedAccount } from '../../../accounts/accounts.service';
import { CurrentAccount } from '../../../auth/auth.decorators';
import { TodoController } from '../todo.openapi';
import { LiveHub } from './live-hub';

export const LIVE_PATH = '/todo/api/v1';

const PROTOCOL = [
  'The To Do widget’s live channel (`new RemoteEvents(url + "/api/v1", token)`).',
  'Answers a short-lived socket `key` bound to the account. Then open a WebSocket on this same path with',
  '`?token=<key>&ws=1`; the server sends `{"action":"start","body":<client id>}`; send',
  '`{"action":"subscribe","name":"tasks"}` and `{"action":"subscribe","name":"projects"}`; every committed',
  'write of the account (To Do or v2 face, any instance) arrives as',
  '`{"action":"event","body":{"name":"tasks"|"projects","value":{"type","id","data"}}}` in commit order,',
  'with the types add-task, update-task, delete-task, move-task, clone-task, set-sort, add-project,',
  'update-project, delete-project, and `resync` (events were missed: read tasks and projects again).',
  'A REST call with header `Remote-Client: <client id>` is not echoed to that socket.',
  'Close codes: 4401 key invalid, 4403 key expired, 4408 too slow, 1007 malformed message.',
  'With LIVE_UPDATES=false the answer has `"websocket": false` and no key.',
].join(' ');

@TodoController()
@Controller('todo/api/v1')
export class LiveController {
  constructor(private readonly hub: LiveHub) {}

  @Get()
  @ApiOperation({ summary: 'Live updates: socket key and protocol', description: PROTOCOL })
  @ApiOkResponse({
    description: 'The remote API description with the socket key',
    schema: {
      type: 'object',
      example: { api: {}, data: {}, websocket: true, key: 'eyJhIjoxLCJlIjoxNzAwMDAzNjAwMDAwfQ.c2ln' },
    },
  })
  describe(@CurrentAccount() account: AuthenticatedAccount): Record<string, unknown> {
    if (!this.hub.enabled) return { api: {}, data: {}, websocket: false };
    return { api: {}, data: {}, websocket: true, key: this.hub.tickets.issue(account.id) };
  }
}
