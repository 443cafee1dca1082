import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import { Database } from '../../database/database';
import type { Queryable } from '../../database/sql';
import { OperationsService } from '../../operations/operations.service';
import { Task } from '../store/task.entity';
import { isDuplicatePrimaryKey, TaskIdAllocator } from '../store/task-ids';
import { StoreWrite, TaskWriteGateway } from '../store/write-gateway';
import { CopyIds, ReserveIds } from './copy-ids';
import { ClaimWorker, CopySubmissions, SubmitKey, Submitted } from './copy-submissions';
import { checkSize, CopyInput, loadCopy, loadSource, loadTarget } from './task-copy-source';
import { type CopySource, type CopyTarget, type ReadTarget, selectCopiedSet } from './task-copy-plan';
import { CopyProgress, CopyResult, TaskCopyWriter } from './task-copy-writer';
import { COPY_OPERATION_TYPES, TASK_COPY, taskCopyParameters } from './task-copy.operation';

export type { CopyInput } from './task-copy-source';
export type { CopyResult } from './task-copy-writer';
export type { CopyFlags } from './task-copy-plan';
export { COPY_FLAG_NAMES } from './task-copy-plan';
export { PROJECT_COPY, TASK_COPY, TASK_LIST_COPY } from './task-copy.operation';

/** How a copy request ended: copied in the request (201), or queued as a TASK.COPY operation (202). */
export type CopyOutcome = Submitted<CopyResult>;

const IDEMPOTENCY_SCOPE = 'TASK_COPY';

/**
 * Copies a task with what its flags select: validates in the refusal order, reads the source
 * subtree and everything the flags select under one snapshot, plans the copy in memory, and
 * writes it in one transaction (TaskCopyWriter).
 */
@Injectable()
export class TaskCopyService {
  constructor(
    private readonly gateway: TaskWriteGateway,
    private readonly writer: TaskCopyWriter,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly operations: OperationsService,
    private readonly submissions: CopySubmissions,
    private readonly copyIds: CopyIds,
    private readonly ids: TaskIdAllocator,
    private readonly db: Database,
  ) {}

  /**
   * The route's whole decision: validates, then copies in the request when the copied set is
   * small, or queues a TASK.COPY operation in the same transaction when it is large or the client
   * asked for async; at most once per Idempotency-Key (CopySubmissions).
   */
  submit(
    accountId: number,
    input: CopyInput,
    options: { async: boolean } & SubmitKey,
  ): Promise<CopyOutcome & { replayed: boolean }> {
    const attempt = (fromBlock: boolean) =>
      this.submissions.submit(
        accountId,
        IDEMPOTENCY_SCOPE,
        options,
        (w, claim) => this.copyOrQueue(w, input, options.async, fromBlock, claim),
        (result) => ({ entity: Task, id: result.taskId }),
      );
    // Ids from the process's block may include one a To Do create claimed meanwhile: the INSERT
    // then fails on the primary key, the whole write rolls back (and frees its key), and it runs
    // once more with ids allocated inside its transaction (TaskIdAllocator).
    return attempt(true).catch((error: unknown) => {
      if (!isDuplicatePrimaryKey(this.db.sql, error)) throw error;
      this.ids.dropBlock();
      return attempt(false);
    });
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
    return this.copyIds.join(m, accountId, (w, reserve) => this.copyIn(w, input, progress, reserve));
  }

  /**
   * Reads and checks source and target once: a copied set over COPY_SYNC_MAX_TASKS (or a client
   * that asked for async) is queued, as TASK.COPY with the request, before the rows around the
   * source are read; any other is copied at once from what was read. A copy made at once reads
   * and checks its target in the write's first round trip, with the destination's lock
   * (ReadTarget): its size is known from the source already, and a refusal rolls back the lock.
   */
  private async copyOrQueue(
    w: StoreWrite,
    input: CopyInput,
    async: boolean,
    fromBlock: boolean,
    claim: ClaimWorker,
  ): Promise<CopyOutcome> {
    const source = await loadSource(w.m, w.accountId, input, !async);
    const count = selectCopiedSet(source, input.flags).length;
    if (!async && count <= Math.min(this.config.COPY_SYNC_MAX_TASKS, this.config.COPY_MAX_TASKS)) {
      // Where rows lock, ids the process reserved ahead spare the copy its id statement (usually).
      const reserved = fromBlock && w.sql.rowLocks ? this.ids.takeReady(count) : undefined;
      const target = (first: Queryable) => loadTarget(w.m, w.accountId, input, source, first);
      return { kind: 'copied', result: await this.write(w, input, source, target, undefined, reserved) };
    }
    // Refused in order: the target's problems first, then the size.
    await loadTarget(w.m, w.accountId, input, source);
    checkSize(source, input.flags, this.config.COPY_MAX_TASKS);
    const operation = await this.operations.enqueueWithin(
      w.m,
      { accountId: w.accountId, type: TASK_COPY, parameters: taskCopyParameters(input) },
      { types: COPY_OPERATION_TYPES, max: this.config.COPY_MAX_CONCURRENT_PER_ACCOUNT },
      // Written RUNNING under a free worker's lease where there is one: it starts at the commit.
      claim(),
    );
    return { kind: 'queued', operation };
  }

  private async copyIn(
    w: StoreWrite,
    input: CopyInput,
    progress?: CopyProgress,
    reserve?: ReserveIds,
  ): Promise<CopyResult> {
    const { source, target } = await loadCopy(w.m, w.accountId, input);
    const count = checkSize(source, input.flags, this.config.COPY_MAX_TASKS);
    // Plain reads so far: the write has locked no row yet.
    const reserved = await reserve?.(count);
    return this.write(w, input, source, target, progress, reserved);
  }

  private write(
    w: StoreWrite,
    input: CopyInput,
    source: CopySource,
    target: CopyTarget | ReadTarget,
    progress?: CopyProgress,
    reserved?: number[],
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
    return this.writer.write(w, dest, source, target, request, progress, reserved);
  }
}
