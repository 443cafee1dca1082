import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import { Database, InsertedRow } from '../../database/database';
import { IdempotencyRequest, IdempotencyService } from '../../idempotency/idempotency.service';
import { Operation } from '../../operations/operation.entity';
import { OperationRunner } from '../../operations/operation-runner';
import { OperationsService, OperationView } from '../../operations/operations.service';
import { Task } from '../store/task.entity';
import { StoreWrite, TaskWriteGateway } from '../store/write-gateway';
import { checkSize, CopyInput, loadCopy } from './task-copy-source';
import type { CopySource, CopyTarget } from './task-copy-plan';
import { CopyProgress, CopyResult, TaskCopyWriter } from './task-copy-writer';
import { COPY_OPERATION_TYPES, TASK_COPY, taskCopyParameters } from './task-copy.operation';

export type { CopyInput } from './task-copy-source';
export type { CopyResult } from './task-copy-writer';
export type { CopyFlags } from './task-copy-plan';
export { COPY_FLAG_NAMES } from './task-copy-plan';
export { PROJECT_COPY, TASK_COPY, TASK_LIST_COPY } from './task-copy.operation';

type StoredOutcome = { result: CopyResult } | { operation_id: string };

/** How a copy request ended: copied in the request (201), or queued as a TASK.COPY operation (202). */
export type CopyOutcome =
  | { kind: 'copied'; result: CopyResult }
  | { kind: 'queued'; operation: OperationView };

const IDEMPOTENCY_SCOPE = 'TASK_COPY';

/**
 * Copies a task with what its flags select: validates in the refusal order, reads the source
 * subtree and everything the flags select under one snapshot, plans the copy in memory, and
 * writes it in one transaction (TaskCopyWriter).
 */
@Injectable()
export class TaskCopyService {
  constructor(
    private readonly db: Database,
    private readonly gateway: TaskWriteGateway,
    private readonly writer: TaskCopyWriter,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly operations: OperationsService,
    private readonly runner: OperationRunner,
    private readonly idempotency: IdempotencyService,
  ) {}

  /**
   * The route's whole decision: validates, then copies in the request when the copied set is
   * small, or queues a TASK.COPY operation in the same transaction when it is large or the client
   * asked for async. With an Idempotency-Key, a repeat gets the first outcome again; the same key
   * with another request is refused, and so is a repeat while the first is still being processed.
   */
  async submit(
    accountId: number,
    input: CopyInput,
    options: {
      async: boolean;
      idempotency?: IdempotencyRequest;
      /** Who holds the key within the account (the v2 face passes its token's hash). */
      holder?: string;
    },
  ): Promise<CopyOutcome & { replayed: boolean }> {
    const key = options.idempotency;
    const scope = options.holder ? `${IDEMPOTENCY_SCOPE}:${options.holder.slice(0, 16)}` : IDEMPOTENCY_SCOPE;
    if (key) {
      // The key is taken in a transaction of its own, so a concurrent repeat sees it in progress.
      const stored = await this.db.transaction((m) => this.idempotency.begin(m, key, accountId, scope));
      if (stored) return { ...(await this.replay(accountId, stored.body as StoredOutcome)), replayed: true };
    }
    let made: InsertedRow | undefined;
    try {
      const outcome = await this.gateway.write(
        accountId,
        async (w): Promise<CopyOutcome> => {
          made = undefined;
          const result = await this.copyOrQueue(w, input, options.async);
          made =
            result.kind === 'copied'
              ? { entity: Task, id: result.result.taskId }
              : { entity: Operation, id: result.operation.id };
          if (key) {
            const body: StoredOutcome =
              result.kind === 'copied' ? { result: result.result } : { operation_id: result.operation.id };
            await this.idempotency.complete(w.m, key, accountId, scope, {
              status: result.kind === 'copied' ? 201 : 202,
              body,
            });
          }
          return result;
        },
        // A client may retry a 5xx: after a lost COMMIT the new operation or root task says
        // whether the request took effect, so that a retry never copies twice.
        { inserted: () => made },
      );
      if (outcome.kind === 'queued') this.runner.wake();
      return { ...outcome, replayed: false };
    } catch (error) {
      if (key) await this.db.transaction((m) => this.idempotency.abandon(m, key, accountId, scope));
      throw error;
    }
  }

  /** The whole copy in its own transaction. */
  copy(accountId: number, input: CopyInput): Promise<CopyResult> {
    return this.gateway.write(accountId, (w) => this.copyIn(w, input));
  }

  /** The whole copy inside a job's transaction (the TASK.COPY job commits it with its SUCCESS). */
  copyInJob(
    m: EntityManager,
    accountId: number,
    input: CopyInput,
    progress?: CopyProgress,
  ): Promise<CopyResult> {
    return this.gateway.join(m, accountId, (w) => this.copyIn(w, input, progress));
  }

  private async replay(accountId: number, stored: StoredOutcome): Promise<CopyOutcome> {
    if ('result' in stored) return { kind: 'copied', result: stored.result };
    return { kind: 'queued', operation: await this.operations.get(accountId, stored.operation_id) };
  }

  /**
   * Reads and checks source and target once: a copied set over COPY_SYNC_MAX_TASKS (or a client
   * that asked for async) is queued, as TASK.COPY with the request, before the rows around the
   * source are read; any other is copied at once from what was read.
   */
  private async copyOrQueue(w: StoreWrite, input: CopyInput, async: boolean): Promise<CopyOutcome> {
    const { source, target } = await loadCopy(w.m, w.accountId, input);
    const count = checkSize(source, input.flags, this.config.COPY_MAX_TASKS);
    if (async || count > this.config.COPY_SYNC_MAX_TASKS) {
      const operation = await this.operations.enqueueWithin(
        w.m,
        { accountId: w.accountId, type: TASK_COPY, parameters: taskCopyParameters(input) },
        { types: COPY_OPERATION_TYPES, max: this.config.COPY_MAX_CONCURRENT_PER_ACCOUNT },
      );
      return { kind: 'queued', operation };
    }
    return { kind: 'copied', result: await this.write(w, input, source, target) };
  }

  private async copyIn(w: StoreWrite, input: CopyInput, progress?: CopyProgress): Promise<CopyResult> {
    const { source, target } = await loadCopy(w.m, w.accountId, input);
    checkSize(source, input.flags, this.config.COPY_MAX_TASKS);
    return this.write(w, input, source, target, progress);
  }

  private write(
    w: StoreWrite,
    input: CopyInput,
    source: CopySource,
    target: CopyTarget,
    progress?: CopyProgress,
  ): Promise<CopyResult> {
    const now = this.clock.now();
    const request = {
      title: input.title,
      private: input.private,
      templateDescription: input.templateDescription,
      flags: input.flags,
      now,
      shift: input.shift,
      titlePrefix: input.titlePrefix,
      assigneeMap: input.assigneeMap,
    };
    const dest = {
      projectId: input.projectId,
      parentTaskId: input.parentTaskId,
      taskListId: input.taskListId,
      template: input.flags.copy_as_task_template
        ? { name: input.title, description: input.templateDescription }
        : null,
    };
    return this.writer.write(w, dest, source, target, request, progress);
  }
}
