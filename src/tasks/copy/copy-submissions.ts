import { Injectable } from '@nestjs/common';
import { Database, InsertedRow } from '../../database/database';
import { IdempotencyRequest, IdempotencyService } from '../../idempotency/idempotency.service';
import { Operation } from '../../operations/operation.entity';
import { OperationRunner, ReservedWorker } from '../../operations/operation-runner';
import { OperationClaim, OperationsService, OperationView } from '../../operations/operations.service';
import { StoreWrite, TaskWriteGateway } from '../store/write-gateway';

/** How a copy request ended: copied in the request (201), or queued as an operation (202). */
export type Submitted<R> = { kind: 'copied'; result: R } | { kind: 'queued'; operation: OperationView };

/** The Idempotency-Key a copy request came with, if any (docs/v2.md#idempotency). */
export interface SubmitKey {
  idempotency?: IdempotencyRequest;
  /** Who holds the key within the account (the v2 face passes its token's hash). */
  holder?: string;
}

/**
 * For a route about to enqueue: a worker of this instance set aside for the operation (pass it to
 * `OperationsService.enqueue*`), or undefined (enqueue PENDING). Asked for only once the route
 * knows it queues, so that a copy made in the request holds no worker.
 */
export type ClaimWorker = () => OperationClaim | undefined;

/** What a key keeps of a copy's outcome: its result, or the operation that makes it. */
type StoredOutcome<R> = { result: R } | { operation_id: string };

/**
 * The request side of every copy route (tasks, task lists, projects): runs the route's checks and
 * its copy or enqueue in one write, at most once per Idempotency-Key. A repeat of the key gets the
 * first outcome again; the same key with another request is refused, and so is a repeat while the
 * first is still being processed; a refused copy frees its key.
 */
@Injectable()
export class CopySubmissions {
  constructor(
    private readonly db: Database,
    private readonly gateway: TaskWriteGateway,
    private readonly idempotency: IdempotencyService,
    private readonly operations: OperationsService,
    private readonly runner: OperationRunner,
  ) {}

  /**
   * `scope` names the route among the account's keys; `made` names the row a copy made in the
   * request inserted (after a lost COMMIT it tells whether the request took effect, so that a
   * retry never copies twice). An operation enqueued with `claim`'s worker is written RUNNING
   * under its lease and runs right after the commit, with no claim transaction in between and no
   * wait for a wake-up (as a v1 pool clone, docs/v1.md#clone); the answer does not wait for it.
   */
  async submit<R>(
    accountId: number,
    scope: string,
    key: SubmitKey,
    work: (w: StoreWrite, claim: ClaimWorker) => Promise<Submitted<R>>,
    made: (result: R) => InsertedRow,
  ): Promise<Submitted<R> & { replayed: boolean }> {
    const request = key.idempotency;
    const held = key.holder ? `${scope}:${key.holder.slice(0, 16)}` : scope;
    if (request) {
      // The key is taken in a transaction of its own, so a concurrent repeat sees it in progress.
      const stored = await this.db.transaction((m) => this.idempotency.begin(m, request, accountId, held));
      if (stored)
        return { ...(await this.replay(accountId, stored.body as StoredOutcome<R>)), replayed: true };
    }
    let inserted: InsertedRow | undefined;
    // Null: asked for and none free. The same worker if the write runs its work again.
    let worker: ReservedWorker | null | undefined;
    const claim: ClaimWorker = () => {
      if (worker === undefined) worker = this.runner.reserve();
      return worker ?? undefined;
    };
    try {
      const outcome = await this.gateway.write(
        accountId,
        async (w) => {
          inserted = undefined;
          const outcome = await work(w, claim);
          inserted =
            outcome.kind === 'copied'
              ? made(outcome.result)
              : { entity: Operation, id: outcome.operation.id };
          if (request) {
            const body: StoredOutcome<R> =
              outcome.kind === 'copied' ? { result: outcome.result } : { operation_id: outcome.operation.id };
            await this.idempotency.complete(w.m, request, accountId, held, {
              status: outcome.kind === 'copied' ? 201 : 202,
              body,
            });
          }
          return outcome;
        },
        { inserted: () => inserted },
      );
      if (outcome.kind === 'queued') {
        // Settles once the run has (it never rejects); the answer goes out now.
        if (worker) void worker.start();
        else this.runner.wake();
      }
      return { ...outcome, replayed: false };
    } catch (error) {
      if (request) await this.db.transaction((m) => this.idempotency.abandon(m, request, accountId, held));
      throw error;
    } finally {
      worker?.cancel();
    }
  }

  /** A route that always queues (projects/copy): the operation, the first one again for a repeated key. */
  async queue(
    accountId: number,
    scope: string,
    key: SubmitKey,
    enqueue: (w: StoreWrite, claim: ClaimWorker) => Promise<OperationView>,
  ): Promise<OperationView> {
    const outcome = await this.submit<never>(
      accountId,
      scope,
      key,
      async (w, claim) => ({ kind: 'queued', operation: await enqueue(w, claim) }),
      (nothing) => nothing,
    );
    return outcome.kind === 'queued' ? outcome.operation : outcome.result;
  }

  private async replay<R>(accountId: number, stored: StoredOutcome<R>): Promise<Submitted<R>> {
    if ('result' in stored) return { kind: 'copied', result: stored.result };
    return { kind: 'queued', operation: await this.operations.get(accountId, stored.operation_id) };
  }
}
