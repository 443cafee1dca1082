import { pushTo } from '../../common/group-by';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { Clock } from '../../common/clock';
import { Database, InsertedRow } from '../../database/database';
import { toSqlDateTime } from '../../database/sql-time';
import { IdempotencyRequest, IdempotencyService } from '../../idempotency/idempotency.service';
import { Operation } from '../../operations/operation.entity';
import { OperationRunner } from '../../operations/operation-runner';
import { OperationsService, OperationView } from '../../operations/operations.service';
import { CloneEngine, CloneNode } from '../store/clone-engine';
import type { TaskContent, TaskDetailsColumns } from '../store/task-content';
import { Task } from '../store/task.entity';
import {
  CopyFlags,
  CopyPlan,
  CopySource,
  CopyTarget,
  planCopy,
  selectCopiedSet,
  SourceTask,
} from './task-copy-plan';
import { Template, WorkflowStatus } from '../details/task-details.entities';
import type { CopyViolation } from '../tasks.errors';
import { TaskDetailsService } from '../details/task-details.service';
import { placeLast, TaskReadModel } from '../read/task-read-model';
import { TASK_COPY, taskCopyParameters } from './task-copy.operation';
import { TasksError } from '../tasks.errors';

export interface CopyInput {
  title: string;
  templateId: number;
  projectId: number;
  taskListId: number;
  workflowStatusId: number;
  private: boolean;
  parentTaskId: number | null;
  templateDescription: string | null;
  flags: CopyFlags;
  shift?: { to: string; mode: 'start' | 'end' };
}

type StoredOutcome = { result: CopyResult } | { operation_id: string };

export interface CopyResult {
  taskId: number;
  sourceTaskId: number;
  /** Source id → new id, every copied task. */
  taskIdMap: Record<string, string>;
  counts: {
    tasks: number;
    todos: number;
    comments: number;
    attachments: number;
    task_dependencies: number;
    subscribers: number;
  };
  skipped: CopyPlan['skipped'];
  templateId: number | null;
}

/** How a copy request ended: copied in the request (201), or queued as a TASK.COPY operation (202). */
export type CopyOutcome =
  | { kind: 'copied'; result: CopyResult }
  | { kind: 'queued'; operation: OperationView };

const IDEMPOTENCY_SCOPE = 'TASK_COPY';

/** data_type_id of an attachment custom field (tasks-copy.md §3.10). */
const ATTACHMENT_FIELD = 6;

const marks = (n: number) => new Array(n).fill('?').join(', ');
const CHUNK = 500;
function* chunked<T>(items: T[], size = CHUNK): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** §4.4: the documented flag combinations that are refused, one violation per offending flag. */
export function flagViolations(input: Pick<CopyInput, 'private' | 'flags'>): CopyViolation[] {
  const out: CopyViolation[] = [];
  if (input.private) {
    if (input.flags.copy_open_subtasks)
      out.push({
        field: 'copy_open_subtasks',
        code: 'task_private_not_allowed',
        detail: 'A private copy cannot carry open subtasks',
      });
    if (input.flags.copy_closed_subtasks)
      out.push({
        field: 'copy_closed_subtasks',
        code: 'task_private_not_allowed',
        detail: 'A private copy cannot carry closed subtasks',
      });
    if (input.flags.copy_as_task_template)
      out.push({
        field: 'copy_as_task_template',
        code: 'task_private_not_allowed',
        detail: 'A private copy cannot become a template',
      });
  }
  if (input.flags.copy_as_task_template && input.flags.copy_task_dependencies) {
    out.push({
      field: 'copy_task_dependencies',
      code: 'task_dependencies_not_allowed_on_template',
      detail: 'A task template cannot carry dependencies',
    });
  }
  return out;
}

/**
 * POST /api/v2/tasks/copy (tasks-copy.md §4): validates in the order of §4.8, reads the source
 * subtree and everything the flags select under one snapshot, plans the copy in memory, and writes
 * it in the caller's transaction — the tree through the clone engine, the related rows in
 * multi-row chunks. The number of statements depends on the tables touched, not on the tasks.
 */
@Injectable()
export class TaskCopyService {
  constructor(
    private readonly db: Database,
    private readonly engine: CloneEngine,
    private readonly tasks: TaskReadModel,
    private readonly details: TaskDetailsService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly operations: OperationsService,
    private readonly runner: OperationRunner,
    private readonly idempotency: IdempotencyService,
  ) {}

  /**
   * The route's whole decision (tasks-copy.md §4.5 item 4, §5.4): validates, then copies in the
   * request when the copied set is small, or queues a TASK.COPY operation in the same transaction
   * when it is large or the client asked for async. With an Idempotency-Key, a repeat gets the
   * first outcome again; the same key with another request is refused, and so is a repeat while
   * the first is still being processed.
   */
  async submit(
    accountId: number,
    input: CopyInput,
    options: {
      async: boolean;
      idempotency?: IdempotencyRequest;
      /** Who holds the key within the account (the v2 face passes its token's hash, §5.4). */
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
      const outcome = await this.db.transaction(
        async (m): Promise<CopyOutcome> => {
          made = undefined;
          const count = await this.measureIn(m, accountId, input);
          let result: CopyOutcome;
          if (options.async || count > this.config.COPY_SYNC_MAX_TASKS) {
            const operation = await this.operations.enqueue(m, {
              accountId,
              type: TASK_COPY,
              parameters: taskCopyParameters(input),
            });
            result = { kind: 'queued', operation };
            made = { entity: Operation, id: operation.id };
          } else {
            result = { kind: 'copied', result: await this.copyIn(m, accountId, input) };
            made = { entity: Task, id: result.result.taskId };
          }
          if (key) {
            const body: StoredOutcome =
              result.kind === 'copied' ? { result: result.result } : { operation_id: result.operation.id };
            await this.idempotency.complete(m, key, accountId, scope, {
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

  private async replay(accountId: number, stored: StoredOutcome): Promise<CopyOutcome> {
    if ('result' in stored) return { kind: 'copied', result: stored.result };
    return { kind: 'queued', operation: await this.operations.get(accountId, stored.operation_id) };
  }

  /**
   * Stages 6–10 in the caller's transaction, without writing: throws what the copy would throw and
   * returns the size of the copied set (which decides between a synchronous and a TASK.COPY copy).
   */
  async measureIn(m: EntityManager, accountId: number, input: CopyInput): Promise<number> {
    const source = await this.loadSource(m, accountId, input, false);
    await this.loadTarget(m, accountId, input, source);
    return this.checkSize(source, input);
  }

  /** The whole copy in its own transaction. */
  copy(accountId: number, input: CopyInput): Promise<CopyResult> {
    return this.db.transaction((m) => this.copyIn(m, accountId, input));
  }

  /** The whole copy inside the caller's transaction (the TASK.COPY job commits it with its SUCCESS). */
  async copyIn(m: EntityManager, accountId: number, input: CopyInput): Promise<CopyResult> {
    const source = await this.loadSource(m, accountId, input);
    const target = await this.loadTarget(m, accountId, input, source);
    this.checkSize(source, input);
    const now = this.clock.now();
    const plan = planCopy(source, target, {
      title: input.title,
      private: input.private,
      templateDescription: input.templateDescription,
      flags: input.flags,
      now,
      shift: input.shift,
    });
    return this.write(m, accountId, input, source, target, plan, now);
  }

  private checkSize(source: CopySource, input: CopyInput): number {
    const count = selectCopiedSet(source, input.flags).length;
    if (count > this.config.COPY_MAX_TASKS) {
      throw new TasksError(
        'TASK_COPY_TOO_LARGE',
        `The copy would make ${count} tasks; the limit is ${this.config.COPY_MAX_TASKS}`,
        {
          field: 'template_id',
          meta: { count },
        },
      );
    }
    return count;
  }

  private async loadSource(
    m: EntityManager,
    accountId: number,
    input: CopyInput,
    related = true,
  ): Promise<CopySource> {
    // Stage 6 comes before the reads.
    const flags = flagViolations(input);
    if (flags.length)
      throw new TasksError('TASK_COPY_INVALID', flags.map((v) => v.detail).join('; '), {
        meta: { violations: flags },
      });

    const [root] = await this.tasks.getTasks(m, accountId, [input.templateId]);
    if (!root) {
      throw new TasksError('TASK_COPY_SOURCE_NOT_FOUND', `No task ${input.templateId}`, {
        field: 'template_id',
      });
    }
    // The subtree in one statement; UNION (not UNION ALL) stops at cycles in stored data.
    const rows = (await m.query(
      `WITH RECURSIVE subtree(id) AS (
         SELECT id FROM tasks WHERE id = ? AND account_id = ? AND deleted_at IS NULL
         UNION
         SELECT t.id FROM tasks t JOIN subtree s ON t.parent_id = s.id WHERE t.account_id = ? AND t.deleted_at IS NULL
       ) SELECT id FROM subtree`,
      [root.id, accountId, accountId],
    )) as Array<{ id: number }>;
    const ids = rows.map((r) => Number(r.id));
    const records = await this.tasks.getTasks(m, accountId, ids);
    const assigned = await this.assignedOf(m, accountId, ids);
    const tasks = new Map<number, SourceTask>(
      records.map((t) => [t.id, { ...t, assigned: assigned.get(t.id) ?? [] }]),
    );
    const children = new Map<number, number[]>();
    for (const t of [...tasks.values()].sort((a, b) => a.position - b.position || a.id - b.id)) {
      if (t.parentId !== null && t.id !== root.id) pushTo(children, t.parentId, t.id);
    }
    const statusIds = [
      ...new Set(records.map((t) => t.workflowStatusId).filter((s): s is number => s !== null)),
    ];
    const statuses = await this.details.findBy(m, 'workflow_statuses', accountId, 'id', statusIds);
    const f = related ? input.flags : ({} as Partial<CopyFlags>);
    const { todos, comments, attachments, dependencies } = await this.tasks.copySourceRows(
      m,
      accountId,
      ids,
      {
        todos: Boolean(f.copy_open_todos || f.copy_closed_todos),
        comments: Boolean(f.copy_comments),
        // A comment's files come along only with copy_comments too (comments is empty without it).
        attachments: Boolean(f.copy_attachments),
        dependencies: Boolean(f.copy_task_dependencies),
      },
    );
    const otherEnds = [...new Set(dependencies.map((d) => d.dependentTaskId))];
    const live = await this.tasks.liveTaskIds(m, accountId, otherEnds);
    const deadTasks = new Set(otherEnds.filter((id) => !live.has(id)));
    const subscribers = f.copy_subscribers
      ? await this.tasks.subscribersOf(m, accountId, ids)
      : new Map<number, number[]>();
    return {
      rootId: root.id,
      tasks,
      children,
      statuses: new Map(statuses.map((s) => [s.id, { workflowId: s.workflowId, categoryId: s.categoryId }])),
      todos,
      comments,
      attachments,
      subscribers,
      dependencies,
      deadTasks,
    };
  }

  /** Stage 8: every problem with the destination at once. */
  private async loadTarget(
    m: EntityManager,
    accountId: number,
    input: CopyInput,
    source: CopySource,
  ): Promise<CopyTarget> {
    const violations: CopyViolation[] = [];
    const [project] = (await m.query(
      'SELECT id, workflow_id, task_custom_fields_ids FROM projects WHERE id = ? AND account_id = ?',
      [input.projectId, accountId],
    )) as Array<{ id: number; workflow_id: number | null; task_custom_fields_ids: string | null }>;
    if (!project)
      violations.push({
        field: 'project_id',
        code: 'project_not_found',
        detail: `No project ${input.projectId}`,
      });

    const [list] = (await m.query(
      'SELECT project_id, archived_at FROM task_lists WHERE id = ? AND account_id = ?',
      [input.taskListId, accountId],
    )) as Array<{ project_id: number; archived_at: unknown }>;
    if (!list || (project && Number(list.project_id) !== input.projectId)) {
      violations.push({
        field: 'task_list_id',
        code: 'task_list_not_in_project',
        detail: `Task list ${input.taskListId} is not in project ${input.projectId}`,
      });
    } else if (list.archived_at !== null) {
      violations.push({
        field: 'task_list_id',
        code: 'task_list_archived',
        detail: `Task list ${input.taskListId} is archived`,
      });
    }

    const workflowId =
      project?.workflow_id === null || project?.workflow_id === undefined
        ? null
        : Number(project.workflow_id);
    const [status] = await this.details.findBy(m, 'workflow_statuses', accountId, 'id', [
      input.workflowStatusId,
    ]);
    if (!status || (workflowId !== null && status.workflowId !== workflowId)) {
      violations.push({
        field: 'workflow_status_id',
        code: 'workflow_status_not_in_workflow',
        detail: `Status ${input.workflowStatusId} is not in the project's workflow`,
      });
    }

    if (input.parentTaskId !== null) {
      const [parent] = await this.tasks.getTasks(m, accountId, [input.parentTaskId]);
      const copied = new Set(selectCopiedSet(source, input.flags).map((n) => n.id));
      if (!parent || parent.projectId !== input.projectId || copied.has(parent.id)) {
        violations.push({
          field: 'parent_task_id',
          code: 'parent_task_invalid',
          detail: !parent
            ? `No task ${input.parentTaskId}`
            : copied.has(parent.id)
              ? 'The parent is inside the copied tree'
              : `Task ${input.parentTaskId} is not in project ${input.projectId}`,
        });
      }
    }
    if (violations.length) {
      throw new TasksError('TASK_COPY_INVALID', violations.map((v) => v.detail).join('; '), {
        meta: { violations },
      });
    }

    const workflowStatuses =
      workflowId === null
        ? [status!]
        : await this.details.findBy(m, 'workflow_statuses', accountId, 'workflowId', [workflowId]);
    const members = (await m.query(
      'SELECT person_id FROM memberships WHERE project_id = ? AND account_id = ?',
      [input.projectId, accountId],
    )) as Array<{ person_id: number }>;
    const people = (await m.query('SELECT id FROM people WHERE account_id = ? AND deactivated_at IS NULL', [
      accountId,
    ])) as Array<{ id: number }>;
    const enabled: number[] | null = project.task_custom_fields_ids
      ? (JSON.parse(project.task_custom_fields_ids) as number[])
      : null;
    const fields = (await m.query(
      "SELECT id, data_type_id FROM custom_fields WHERE account_id = ? AND customizable_type = 'tasks' AND archived_at IS NULL",
      [accountId],
    )) as Array<{ id: number; data_type_id: number }>;
    return {
      projectId: input.projectId,
      taskListId: input.taskListId,
      workflowStatusId: input.workflowStatusId,
      workflowId,
      workflowStatuses: (workflowStatuses as WorkflowStatus[]).map((s) => ({
        id: s.id,
        categoryId: s.categoryId,
        position: s.position,
      })),
      parentTaskId: input.parentTaskId,
      // A project without memberships is open to every person of the organization.
      members: members.length ? new Set(members.map((r) => Number(r.person_id))) : 'anyone',
      activePeople: new Set(people.map((r) => Number(r.id))),
      // A project that never chose its task fields (null) has them all; an explicit list limits them.
      customFields: new Map(
        fields
          .filter((f) => enabled === null || enabled.includes(Number(f.id)))
          .map((f) => [String(f.id), { dataTypeId: Number(f.data_type_id) }]),
      ),
    };
  }

  private async write(
    m: EntityManager,
    accountId: number,
    input: CopyInput,
    source: CopySource,
    target: CopyTarget,
    plan: CopyPlan,
    now: Date,
  ): Promise<CopyResult> {
    const nowText = toSqlDateTime(now);
    const nodes: CloneNode[] = plan.tasks.map((t, i) => {
      const sourceTask = source.tasks.get(t.sourceId)!;
      const details: TaskDetailsColumns = {
        description: t.description,
        private: t.private,
        startDate: t.startDate,
        dueTime: t.dueTime,
        taskListId: input.taskListId,
        workflowStatusId: t.workflowStatusId,
        // The root's place is set once the engine holds the project lock (placeLast below).
        placement: i === 0 ? null : sourceTask.position,
        initialEstimate: t.initialEstimate,
        remainingTime: t.remainingTime,
        repeatScheduleId: t.repeat.scheduleId,
        repeatOnInterval: t.repeat.interval,
        repeatOnMonthday: t.repeat.monthday,
        repeatOnWeekday: t.repeat.weekday,
        repeatOnDate: t.repeat.date,
        tagList: t.tagList,
        customFields: t.customFields,
        creatorId: null,
      };
      const content: TaskContent = {
        text: t.title,
        checked: t.closed,
        collapsed: false,
        assigned: t.assigned,
        dueDate: t.dueAt,
        creationDate: now,
        completionDate: t.closedAt,
        editedDate: null,
        priority: null,
        extra: null,
        details,
      };
      return {
        key: String(t.sourceId),
        parentKey: t.parentSourceId === null ? null : String(t.parentSourceId),
        content,
      };
    });
    const ids = await this.engine.clone(m, accountId, {
      nodes,
      placement: { kind: 'list', parentId: input.parentTaskId, projectId: input.projectId, at: 'end' },
    });
    const copyOf = (sourceId: number) => ids.get(String(sourceId))!;
    const rootId = copyOf(source.rootId);
    await placeLast(m, accountId, rootId, { parentId: input.parentTaskId, taskListId: input.taskListId });

    for (const part of chunked(plan.todos)) {
      await m.query(
        `INSERT INTO todos (account_id, task_id, description, position, closed_at, due_date, due_time, assignee_id, created_at) VALUES ${part.map(() => `(${marks(9)})`).join(', ')}`,
        part.flatMap((t) => [
          accountId,
          copyOf(t.sourceTaskId),
          t.description,
          t.position,
          t.closedAt ? nowText : null,
          t.dueDate,
          t.dueTime,
          t.assigneeId,
          nowText,
        ]),
      );
    }

    const commentCopies = new Map<number, number>();
    for (const part of chunked(plan.comments)) {
      await m.query(
        `INSERT INTO comments (account_id, task_id, body, creator_id, pinned_at, draft, hidden, created_at, updated_at) VALUES ${part.map(() => `(${marks(9)})`).join(', ')}`,
        part.flatMap((c) => [
          accountId,
          copyOf(c.sourceTaskId),
          c.body,
          c.creatorId,
          c.pinnedAt ? toSqlDateTime(c.pinnedAt) : null,
          0,
          0,
          nowText,
          nowText,
        ]),
      );
    }
    if (plan.comments.length) {
      // New comments on brand-new tasks: ids rise in insertion order, so task and id order pair them up.
      const newTaskIds = [...new Set(plan.comments.map((c) => copyOf(c.sourceTaskId)))];
      const created: Array<{ id: number; task_id: number }> = [];
      for (const part of chunked(newTaskIds)) {
        created.push(
          ...((await m.query(
            `SELECT id, task_id FROM comments WHERE account_id = ? AND task_id IN (${marks(part.length)})`,
            [accountId, ...part],
          )) as Array<{ id: number; task_id: number }>),
        );
      }
      created.sort((a, b) => Number(a.task_id) - Number(b.task_id) || Number(a.id) - Number(b.id));
      const planned = [...plan.comments].sort(
        (a, b) => copyOf(a.sourceTaskId) - copyOf(b.sourceTaskId) || a.sourceId - b.sourceId,
      );
      planned.forEach((c, i) => commentCopies.set(c.sourceId, Number(created[i].id)));
    }

    // The bytes the copied attachments share stay until this commits: a delete of their source
    // waits for this shared lock, then sees the copies (see TaskDetailsService.dropUnusedBlob).
    await this.holdBlobs(
      m,
      accountId,
      plan.attachments.map((a) => a.blobId),
    );

    // Before the task attachments: the files named by attachment-type custom field values.
    await this.copyFieldAttachments(m, accountId, plan, target, copyOf, nowText);

    // Copies share the stored bytes (blob_id): deleting the source attachment leaves them intact.
    for (const part of chunked(plan.attachments)) {
      await m.query(
        `INSERT INTO attachments (account_id, task_id, comment_id, name, content_type, size, blob_id, created_at) VALUES ${part.map(() => `(${marks(8)})`).join(', ')}`,
        part.flatMap((a) => [
          accountId,
          a.sourceTaskId === null ? null : copyOf(a.sourceTaskId),
          a.sourceCommentId === null ? null : commentCopies.get(a.sourceCommentId)!,
          a.name,
          a.contentType,
          a.size,
          a.blobId,
          nowText,
        ]),
      );
    }

    for (const part of chunked(plan.subscribers)) {
      await m.query(
        `INSERT INTO task_subscribers (task_id, person_id, account_id) VALUES ${part.map(() => '(?, ?, ?)').join(', ')}`,
        part.flatMap((s) => [copyOf(s.sourceTaskId), s.personId, accountId]),
      );
    }

    await this.writeDependencies(
      m,
      accountId,
      plan.dependencies.map((d) => ({
        taskId: copyOf(d.fromSourceId),
        dependentTaskId: 'copyOf' in d.to ? copyOf(d.to.copyOf) : d.to.existing,
        typeId: d.typeId,
      })),
      nowText,
    );

    let templateId: number | null = null;
    if (input.flags.copy_as_task_template) {
      const template = await m.save(
        m.create(Template, {
          accountId,
          name: input.title,
          description: input.templateDescription,
          targetType: 'task',
          targetId: rootId,
          createdAt: now,
        }),
      );
      templateId = template.id;
      // Every task of the copied tree backs the template, so ordinary listings leave them all out.
      const copies = plan.tasks.map((t) => copyOf(t.sourceId));
      for (const part of chunked(copies, 1000)) {
        await m.query(
          `UPDATE tasks SET template_id = ? WHERE account_id = ? AND id IN (${marks(part.length)})`,
          [templateId, accountId, ...part],
        );
      }
    }

    return {
      taskId: rootId,
      sourceTaskId: source.rootId,
      taskIdMap: Object.fromEntries(plan.tasks.map((t) => [String(t.sourceId), String(copyOf(t.sourceId))])),
      counts: {
        tasks: plan.tasks.length,
        todos: plan.todos.length,
        comments: plan.comments.length,
        attachments: plan.attachments.length,
        task_dependencies: plan.dependencies.length,
        subscribers: plan.subscribers.length,
      },
      skipped: plan.skipped,
      templateId,
    };
  }

  /** Dependency pairs in bulk: forward rows, then their reverse rows, then the links between them. */
  private async writeDependencies(
    m: EntityManager,
    accountId: number,
    pairs: Array<{ taskId: number; dependentTaskId: number; typeId: number }>,
    nowText: string,
  ): Promise<void> {
    if (pairs.length === 0) return;
    const reverse = (t: number) => (t === 1 ? 2 : t === 2 ? 1 : 3);
    for (const part of chunked(pairs)) {
      await m.query(
        `INSERT INTO task_dependencies (account_id, task_id, dependent_task_id, type_id, reverse_id, created_at) VALUES ${part.map(() => '(?, ?, ?, ?, NULL, ?)').join(', ')}`,
        part.flatMap((p) => [accountId, p.taskId, p.dependentTaskId, p.typeId, nowText]),
      );
    }
    // The forward rows are the ones still without a reverse, on tasks that were just created.
    const fromTasks = [...new Set(pairs.map((p) => p.taskId))];
    const forward: Array<{ id: number; task_id: number; dependent_task_id: number; type_id: number }> = [];
    for (const part of chunked(fromTasks)) {
      forward.push(
        ...((await m.query(
          `SELECT id, task_id, dependent_task_id, type_id FROM task_dependencies WHERE account_id = ? AND reverse_id IS NULL AND task_id IN (${marks(part.length)})`,
          [accountId, ...part],
        )) as typeof forward),
      );
    }
    for (const part of chunked(forward)) {
      await m.query(
        `INSERT INTO task_dependencies (account_id, task_id, dependent_task_id, type_id, reverse_id, created_at) VALUES ${part.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`,
        part.flatMap((f) => [
          accountId,
          f.dependent_task_id,
          f.task_id,
          reverse(Number(f.type_id)),
          f.id,
          nowText,
        ]),
      );
    }
    for (const part of chunked(forward.map((f) => Number(f.id)))) {
      await m.query(
        this.db.dialect === 'mysql'
          ? `UPDATE task_dependencies f JOIN task_dependencies r ON r.reverse_id = f.id SET f.reverse_id = r.id WHERE f.id IN (${marks(part.length)})`
          : `UPDATE task_dependencies SET reverse_id = (SELECT r.id FROM task_dependencies r WHERE r.reverse_id = task_dependencies.id) WHERE id IN (${marks(part.length)})`,
        part,
      );
    }
  }

  private async holdBlobs(m: EntityManager, accountId: number, blobIds: Array<number | null>): Promise<void> {
    if (this.db.dialect !== 'mysql') return; // SQLite: one writer at a time already
    const ids = [...new Set(blobIds.filter((id): id is number => id !== null))];
    for (const part of chunked(ids, 1000)) {
      await m.query(
        `SELECT id FROM blobs WHERE account_id = ? AND id IN (${marks(part.length)}) LOCK IN SHARE MODE`,
        [accountId, ...part],
      );
    }
  }

  /**
   * §4.2 copy_custom_fields: an attachment-type value names files; each copy gets duplicates of
   * them (sharing the stored bytes) and its value names the duplicates. They are inserted before
   * any other attachment of the new tasks, so each new task's first ids are theirs.
   */
  private async copyFieldAttachments(
    m: EntityManager,
    accountId: number,
    plan: CopyPlan,
    target: CopyTarget,
    copyOf: (sourceId: number) => number,
    nowText: string,
  ): Promise<void> {
    const fields = [...target.customFields]
      .filter(([, f]) => f.dataTypeId === ATTACHMENT_FIELD)
      .map(([id]) => id);
    if (fields.length === 0) return;
    const values: Array<{ taskId: number; fieldId: string; ids: number[]; many: boolean }> = [];
    for (const task of plan.tasks) {
      for (const fieldId of fields) {
        const value = task.customFields?.[fieldId];
        if (value === undefined || value === null) continue;
        const ids = (Array.isArray(value) ? value : [value]).filter((v): v is number => Number.isInteger(v));
        values.push({ taskId: copyOf(task.sourceId), fieldId, ids, many: Array.isArray(value) });
      }
    }
    const wanted = [...new Set(values.flatMap((v) => v.ids))];
    if (wanted.length === 0) return;
    const found = new Map<
      number,
      { name: string; content_type: string; size: number; blob_id: number | null }
    >();
    for (const part of chunked(wanted, 1000)) {
      const rows = (await m.query(
        `SELECT id, name, content_type, size, blob_id FROM attachments WHERE account_id = ? AND id IN (${marks(part.length)})`,
        [accountId, ...part],
      )) as Array<{ id: number; name: string; content_type: string; size: number; blob_id: number | null }>;
      for (const row of rows) found.set(Number(row.id), row);
    }
    await this.holdBlobs(
      m,
      accountId,
      [...found.values()].map((a) => (a.blob_id === null ? null : Number(a.blob_id))),
    );
    const rows = values.flatMap((v) =>
      v.ids.filter((id) => found.has(id)).map((id) => ({ taskId: v.taskId, source: found.get(id)! })),
    );
    for (const part of chunked(rows)) {
      await m.query(
        `INSERT INTO attachments (account_id, task_id, comment_id, name, content_type, size, blob_id, created_at) VALUES ${part.map(() => `(${marks(8)})`).join(', ')}`,
        part.flatMap((r) => [
          accountId,
          r.taskId,
          null,
          r.source.name,
          r.source.content_type,
          Number(r.source.size),
          r.source.blob_id,
          nowText,
        ]),
      );
    }
    const newIds = new Map<number, number[]>();
    const tasks = [...new Set(values.map((v) => v.taskId))];
    for (const part of chunked(tasks, 1000)) {
      const created = (await m.query(
        `SELECT id, task_id FROM attachments WHERE account_id = ? AND task_id IN (${marks(part.length)}) ORDER BY task_id, id`,
        [accountId, ...part],
      )) as Array<{ id: number; task_id: number }>;
      for (const row of created) pushTo(newIds, Number(row.task_id), Number(row.id));
    }
    // Hand out each task's new ids in the order its values were inserted, and rewrite the values.
    const plannedByCopy = new Map(plan.tasks.map((t) => [copyOf(t.sourceId), t]));
    const fieldsOf = new Map<number, Record<string, unknown>>();
    for (const v of values) {
      const queue = newIds.get(v.taskId) ?? [];
      const copies = v.ids.filter((id) => found.has(id)).map(() => queue.shift()!);
      const task = plannedByCopy.get(v.taskId)!;
      const custom = fieldsOf.get(v.taskId) ?? { ...task.customFields };
      if (copies.length === 0) delete custom[v.fieldId];
      else custom[v.fieldId] = v.many ? copies : copies[0];
      fieldsOf.set(v.taskId, custom);
    }
    for (const part of chunked([...fieldsOf], 500)) {
      await m.query(
        `UPDATE tasks SET custom_fields = CASE id ${part.map(() => 'WHEN ? THEN ?').join(' ')} END WHERE account_id = ? AND id IN (${marks(part.length)})`,
        [
          ...part.flatMap(([id, custom]) => [id, Object.keys(custom).length ? JSON.stringify(custom) : null]),
          accountId,
          ...part.map(([id]) => id),
        ],
      );
    }
  }

  private async assignedOf(
    m: EntityManager,
    accountId: number,
    ids: number[],
  ): Promise<Map<number, number[]>> {
    const map = new Map<number, number[]>();
    for (const part of chunked(ids, 1000)) {
      const rows = (await m.query(
        `SELECT task_id, person_id FROM task_assignees WHERE account_id = ? AND task_id IN (${marks(part.length)}) ORDER BY task_id, position`,
        [accountId, ...part],
      )) as Array<{ task_id: number; person_id: number }>;
      for (const r of rows) pushTo(map, Number(r.task_id), Number(r.person_id));
    }
    return map;
  }

  /** Task attachments of the subtree, and the files of its comments (those that are copied). */
}
