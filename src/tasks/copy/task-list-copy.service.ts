import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import { OperationsService } from '../../operations/operations.service';
import { taskListOf } from '../details/project-setup.table';
import { TaskList } from '../details/task-details.entities';
import { TaskDetailsService } from '../details/task-details.service';
import { projectRows } from '../store/projects.table';
import type { StoreWrite } from '../store/write-gateway';
import { CopyViolation, TasksError } from '../tasks.errors';
import { CopyIds } from './copy-ids';
import { ClaimWorker, CopySubmissions, SubmitKey, Submitted } from './copy-submissions';
import { listTarget, loadListsSource, TaskSelection, tasksRequired } from './list-copy-source';

export { LIST_TASK_FLAGS } from './list-copy-source';
import { CopyFlags, CopyShift, CopySource } from './task-copy-plan';
import { assigneeMapViolation, checkSize, refused } from './task-copy-source';
import { CopyProgress, CopyResult, TaskCopyWriter } from './task-copy-writer';
import { COPY_OPERATION_TYPES, TASK_LIST_COPY } from './task-copy.operation';

/** A task list's copy as the domain takes it (docs/v2.md#task-list-copy). */
export interface ListCopyInput {
  name: string;
  /** The source task list. */
  templateId: number;
  projectId: number;
  selection: TaskSelection;
  /** The task flags of tasks/copy, applied to every copied task; never copy_as_task_template. */
  flags: CopyFlags;
  shift?: CopyShift;
  titlePrefix?: string;
  assigneeMap?: Record<string, number>;
}

/** What a copy of task lists made: the lists, their tasks, and what it left out. */
export interface ListsCopyResult {
  taskListIdMap: Record<string, string>;
  taskIdMap: Record<string, string>;
  counts: CopyResult['counts'] & { task_lists: number };
  skipped: CopyResult['skipped'];
}

export interface ListCopyResult extends ListsCopyResult {
  taskListId: number;
  sourceTaskListId: number;
}

export type ListCopyOutcome = Submitted<ListCopyResult>;

const IDEMPOTENCY_SCOPE = 'TASK_LIST_COPY';

/**
 * Copies a task list with its tasks (POST /api/v2/task_lists/copy): validates in the refusal
 * order, then copies in the request when the copied set is small, or queues a TASK_LIST.COPY
 * operation. Either way the new list and all its tasks are written in one transaction.
 */
@Injectable()
export class TaskListCopyService {
  constructor(
    private readonly writer: TaskCopyWriter,
    private readonly details: TaskDetailsService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly operations: OperationsService,
    private readonly submissions: CopySubmissions,
    private readonly copyIds: CopyIds,
  ) {}

  /** Validates, then copies in the request or queues; at most once per Idempotency-Key. */
  submit(
    accountId: number,
    input: ListCopyInput,
    options: { async: boolean } & SubmitKey,
  ): Promise<ListCopyOutcome & { replayed: boolean }> {
    return this.submissions.submit(
      accountId,
      IDEMPOTENCY_SCOPE,
      options,
      (w, claim) => this.copyOrQueue(w, input, options.async, claim),
      (result) => ({ entity: TaskList, id: result.taskListId }),
    );
  }

  /** The whole copy inside a job's transaction (TASK_LIST.COPY commits it with its SUCCESS). */
  copyInJob(
    m: EntityManager,
    accountId: number,
    input: ListCopyInput,
    progress?: CopyProgress,
  ): Promise<ListCopyResult> {
    return this.copyIds.join(m, accountId, async (w, reserve) => {
      const source = await this.check(w, input);
      const count = checkSize(source, input.flags, this.config.COPY_MAX_TASKS);
      // Plain reads so far: the write has locked no row yet.
      const reserved = await reserve(count);
      return this.write(w, input, source, progress, reserved);
    });
  }

  /**
   * Copies the given lists into a project, each into its new list (source → new), in the write's
   * transaction; shared with a project's copy.
   */
  async copyLists(
    w: StoreWrite,
    input: Omit<ListCopyInput, 'name' | 'templateId'>,
    lists: Map<number, number>,
    source: CopySource,
    progress?: CopyProgress,
    /** One per copied task, reserved outside the transaction (CopyIds); else allocated inside. */
    reserved?: number[],
  ): Promise<ListsCopyResult> {
    const [project] = await projectRows(w.m, w.accountId, [input.projectId]);
    const target = await listTarget(w.m, w.accountId, project, [...lists.values()][0] ?? 0);
    const now = this.clock.now();
    const request = {
      title: '',
      private: false,
      templateDescription: null,
      flags: input.flags,
      now,
      shift: input.shift,
      titlePrefix: input.titlePrefix,
      assigneeMap: input.assigneeMap,
      list: true,
    };
    const dest = { projectId: input.projectId, parentTaskId: null, taskListId: 0, lists, template: null };
    const result = await this.writer.write(w, dest, source, target, request, progress, reserved);
    return {
      taskListIdMap: Object.fromEntries([...lists].map(([from, to]) => [String(from), String(to)])),
      taskIdMap: result.taskIdMap,
      counts: { task_lists: lists.size, ...result.counts },
      skipped: result.skipped,
    };
  }

  /** Copies at once, or queues a TASK_LIST.COPY operation above COPY_SYNC_MAX_TASKS (or when asked). */
  private async copyOrQueue(
    w: StoreWrite,
    input: ListCopyInput,
    async: boolean,
    claim: ClaimWorker,
  ): Promise<ListCopyOutcome> {
    const source = await this.check(w, input);
    const count = checkSize(source, input.flags, this.config.COPY_MAX_TASKS);
    if (async || count > this.config.COPY_SYNC_MAX_TASKS) {
      const operation = await this.operations.enqueueWithin(
        w.m,
        { accountId: w.accountId, type: TASK_LIST_COPY, parameters: { ...input } },
        { types: COPY_OPERATION_TYPES, max: this.config.COPY_MAX_CONCURRENT_PER_ACCOUNT },
        claim(),
      );
      return { kind: 'queued', operation };
    }
    return { kind: 'copied', result: await this.write(w, input, source) };
  }

  /** The refusal order: flags, then the source list, then every problem with the target at once. */
  private async check(w: StoreWrite, input: ListCopyInput): Promise<CopySource> {
    const flags = tasksRequired(input.selection, input.flags);
    if (flags.length) throw refused(flags);
    const list = await taskListOf(w.m, w.accountId, input.templateId);
    if (!list) {
      throw new TasksError('TASK_COPY_SOURCE_NOT_FOUND', `No task list ${input.templateId}`, {
        field: 'template_id',
      });
    }
    const violations: CopyViolation[] = [];
    const [project] = await projectRows(w.m, w.accountId, [input.projectId]);
    if (!project) {
      violations.push({
        field: 'project_id',
        code: 'project_not_found',
        detail: `No project ${input.projectId}`,
      });
    }
    const people = await assigneeMapViolation(w.m, w.accountId, input.assigneeMap);
    if (people) violations.push(people);
    if (violations.length) throw refused(violations);
    return loadListsSource(w.m, this.details, w.accountId, [input.templateId], input.selection);
  }

  private async write(
    w: StoreWrite,
    input: ListCopyInput,
    source: CopySource,
    progress?: CopyProgress,
    reserved?: number[],
  ): Promise<ListCopyResult> {
    const [{ top }] = (await w.m.query(
      'SELECT MAX(position) AS top FROM task_lists WHERE account_id = ? AND project_id = ?',
      [w.accountId, input.projectId],
    )) as Array<{ top: number | string | null }>;
    const list = await w.m.save(
      w.m.create(TaskList, {
        accountId: w.accountId,
        projectId: input.projectId,
        name: input.name,
        position: top === null ? 0 : Number(top) + 1,
        archivedAt: null,
        createdAt: this.clock.now(),
      }),
    );
    const lists = new Map([[input.templateId, list.id]]);
    const result = await this.copyLists(w, input, lists, source, progress, reserved);
    return { ...result, taskListId: list.id, sourceTaskListId: input.templateId };
  }
}
