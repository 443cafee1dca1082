import type { AccountsErrorCode } from '../accounts/accounts.errors';
import type { RequestErrorCode } from '../common/request.errors';
import type { IdempotencyErrorCode } from '../idempotency/idempotency.errors';
import type { OperationsErrorCode } from '../operations/operations.errors';
import type { PoolsErrorCode } from '../pools/pools.errors';
import type { TasksErrorCode } from '../tasks/tasks.errors';

/**
 * Every stable error code the modules and the transport raise, made of each module's own union.
 * A face maps the codes of the modules it serves; the docs checks walk all of them.
 */
export type DomainErrorCode =
  | RequestErrorCode
  | AccountsErrorCode
  | TasksErrorCode
  | PoolsErrorCode
  | OperationsErrorCode
  | IdempotencyErrorCode;
