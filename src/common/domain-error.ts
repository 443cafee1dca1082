import type { AccountsErrorCode } from '../accounts/accounts.errors';
import type { IdempotencyErrorCode } from '../idempotency/idempotency.errors';
import type { OperationsErrorCode } from '../operations/operations.errors';
import type { PoolsErrorCode } from '../pools/pools.errors';
import type { TasksErrorCode } from '../tasks/tasks.errors';
import type { RequestErrorCode } from './request.errors';

/**
 * Every stable error code the domain and the transport can raise. Each face maps every one of them
 * with an exhaustive switch, so adding a code here fails the build until every face has decided
 * its status and body. Modules add their own union (TasksErrorCode, PoolsErrorCode, …) here.
 */
export type DomainErrorCode =
  | RequestErrorCode
  | AccountsErrorCode
  | TasksErrorCode
  | PoolsErrorCode
  | OperationsErrorCode
  | IdempotencyErrorCode;

export interface DomainErrorOptions {
  /** The input field the error is about, as a dotted path (`batch.3.parent`). */
  field?: string;
  /** Structured facts a face may render (allowed statuses, limits, counts). */
  meta?: Record<string, unknown>;
  cause?: unknown;
}

/** Thrown by services for a condition the caller caused or must know about; never an HttpException. */
export class DomainError extends Error {
  readonly field?: string;
  readonly meta?: Record<string, unknown>;

  constructor(
    readonly code: DomainErrorCode,
    message: string,
    options: DomainErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DomainError';
    this.field = options.field;
    this.meta = options.meta;
  }
}

export function assertNever(value: never): never {
  throw new Error(`Unhandled case: ${JSON.stringify(value)}`);
}
