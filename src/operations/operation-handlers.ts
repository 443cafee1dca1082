import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** What a handler sees of the operation it runs. */
export interface RunningOperation {
  id: string;
  accountId: number;
  type: string;
  parameters: Record<string, unknown>;
  /** 1 on the first claim; more after a crash or a transient failure. */
  attempt: number;
}

export interface OperationContext {
  /**
   * The transaction that will also write SUCCESS: every effect of the handler goes through it, so
   * the effect and the SUCCESS commit together or not at all (a retry never doubles the effect).
   */
  manager: EntityManager;
  operation: RunningOperation;
  /**
   * 0–100; stored outside the handler's transaction where the dialect allows. The handler goes on
   * at once: the job service stores the values in the order told, and writes the outcome only
   * once every one is stored (a failed write fails the run).
   */
  reportProgress(percent: number): void;
}

/**
 * Runs one operation type. Return the operation's `details` (or undefined for none). Throw a
 * DomainError or a PermanentOperationError to end it as FAIL at once; any other error is retried
 * up to JOBS_MAX_ATTEMPTS, then FAILs.
 */
export interface OperationHandler {
  readonly type: string;
  run(context: OperationContext): Promise<Record<string, unknown> | undefined>;
  /**
   * Optional: runs several claimed operations of this type in one transaction (the one that also
   * writes their SUCCESS), returning each one's `details` in the order given. Any error rolls the
   * whole batch back. Throw OperationsRefused to name the operations that cannot run: the runner
   * runs each of those alone and the others as a batch again. After any other error it runs each
   * operation on its own through `run`, so a bad operation fails alone. The statements it sends
   * must not grow with the number of operations.
   */
  runBatch?(
    operations: RunningOperation[],
    manager: EntityManager,
  ): Promise<Array<Record<string, unknown> | undefined>>;
}

/**
 * Thrown by a handler's runBatch before it writes anything: the operations of the batch (by their
 * index in it) that cannot run. Each of them runs alone, through `run`, where it fails with its own
 * error; the others run as a batch again.
 */
export class OperationsRefused extends Error {
  constructor(readonly indexes: number[]) {
    super(`${indexes.length} operation(s) of the batch cannot run`);
    this.name = 'OperationsRefused';
  }
}

/** A failure that retrying cannot fix; the message goes into the operation log. */
export class PermanentOperationError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PermanentOperationError';
  }
}

/**
 * Handlers by operation type. Modules that own the work register in their onModuleInit
 * (PoolsModule: POOL.CLONE), so the Operations module never imports them.
 */
@Injectable()
export class OperationHandlers {
  private readonly handlers = new Map<string, OperationHandler>();

  register(handler: OperationHandler): void {
    if (this.handlers.has(handler.type))
      throw new Error(`A handler for ${handler.type} is already registered`);
    this.handlers.set(handler.type, handler);
  }

  get(type: string): OperationHandler | undefined {
    return this.handlers.get(type);
  }

  types(): string[] {
    return [...this.handlers.keys()];
  }
}
