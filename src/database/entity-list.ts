import { Account } from '../accounts/account.entity';
import { ApiToken } from '../accounts/api-token.entity';

// Every TypeORM entity of the service. Modules append theirs here.
export const ALL_ENTITIES = [Account, ApiToken];
