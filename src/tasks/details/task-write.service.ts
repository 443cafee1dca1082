import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../../common/clock';
import { DomainError } from '../../common/domain-error';
import { Database } from '../../database/database';
import { toSqlDateTime } from '../../database/sql-time';
import { CloneEngine } from '../store/clone-engine';
import { advanceContent, keyOf, newStamp, readStructure } from '../store/task-sql';
import { TaskContent, TaskDetailsColumns, wellFormed } from '../store/task-content';
import { TasksService } from '../store/tasks.service';
import { STATUS_CATEGORY } from './task-details.entities';
import { placeLast, TaskReadModel } from '../read/task-read-model';
import { TasksError } from '../tasks.errors';

/** What a v2 client sets on a task (tasks-copy.md §3.10 `tasks`); absent = unchanged on update. */
export interface TaskWriteInput {
  title?: string;
  projectId?: number;
  taskListId?: number;
  workflowStatusId?: number;
  parentTaskId?: number | null;
  private?: boolean;
  description?: string | null;
  assigneeId?: number | null;
  subscriberIds?: number[];
  tagList?: string[];
  startDate?: string | null;
  dueDate?: string | null;
  dueTime?: string | null;
  repeatScheduleId?: number | null;
  repeatOnInterval?: number | null;
  repeatOnMonthday?: number | null;
  repeatOnWeekday?: number[] | null;
  repeatOnDate?: string | null;
  initialEstimate?: number | null;
  remainingTime?: number | null;
  customFields?: Record<string, unknown> | null;
}

const marks = (n: number) => new Array(n).fill('?').join(', ');
const dueAtOf = (date: string | null | undefined) => (date ? new Date(`${date}T00:00:00.000Z`) : null);

/**
 * Writes v2 tasks into the shared store: creation goes through the clone engine (so the ordering
 * model holds), attribute changes are plain updates of the task row, deletion is the store's own.
 */
@Injectable()
export class TaskWriteService {
  constructor(
    private readonly db: Database,
    private readonly engine: CloneEngine,
    private readonly store: TasksService,
    private readonly tasks: TaskReadModel,
    private readonly clock: Clock,
  ) {}

  /** Creates one or more tasks (bulk create) in one transaction; ids in input order. */
  create(accountId: number, inputs: TaskWriteInput[]): Promise<number[]> {
    return this.db.transaction(async (m) => {
      const now = this.clock.now();
      const ids: number[] = [];
      for (const [i, input] of inputs.entries()) {
        const at = inputs.length > 1 ? `data.${i}.attributes.` : '';
        const status = await this.checkTarget(m, accountId, input, at);
        await this.checkPeople(m, accountId, input.assigneeId ? [input.assigneeId] : [], `${at}assignee_id`);
        await this.checkPeople(m, accountId, input.subscriberIds ?? [], `${at}subscriber_ids`);
        await this.checkCustomFields(m, accountId, input.customFields, `${at}custom_fields`);
        const closed = status.categoryId === STATUS_CATEGORY.closed;
        const details: TaskDetailsColumns = {
          description: input.description ?? null,
          private: input.private ?? false,
          startDate: input.startDate ?? null,
          dueTime: input.dueTime ?? null,
          taskListId: input.taskListId!,
          workflowStatusId: input.workflowStatusId!,
          placement: null,
          initialEstimate: input.initialEstimate ?? null,
          remainingTime: input.remainingTime ?? input.initialEstimate ?? null,
          repeatScheduleId: input.repeatScheduleId ?? null,
          repeatOnInterval: input.repeatOnInterval ?? null,
          repeatOnMonthday: input.repeatOnMonthday ?? null,
          repeatOnWeekday: input.repeatOnWeekday ?? null,
          repeatOnDate: input.repeatOnDate ?? null,
          tagList: input.tagList ?? [],
          customFields: input.customFields ?? null,
          creatorId: null,
        };
        const content: TaskContent = {
          text: input.title!,
          checked: closed,
          collapsed: false,
          assigned: input.assigneeId ? [input.assigneeId] : [],
          dueDate: dueAtOf(input.dueDate),
          creationDate: now,
          completionDate: closed ? now : null,
          editedDate: null,
          priority: null,
          extra: null,
          details,
        };
        const created = await this.engine
          .clone(m, accountId, {
            nodes: [{ key: 'new', parentKey: null, content }],
            placement: {
              kind: 'list',
              parentId: input.parentTaskId ?? null,
              projectId: input.projectId!,
              at: 'end',
            },
          })
          .catch((error: unknown) => {
            throw parentError(error, `${at}parent_task_id`);
          });
        const id = created.get('new')!;
        await placeLast(m, accountId, id, {
          parentId: input.parentTaskId ?? null,
          taskListId: input.taskListId!,
        });
        await this.replaceSubscribers(m, accountId, id, input.subscriberIds ?? []);
        ids.push(id);
      }
      return ids;
    });
  }

  /** Changes the attributes given; structure (project, parent) changes through the store's move. */
  update(accountId: number, id: number, input: TaskWriteInput): Promise<void> {
    return this.db.transaction(async (m) => {
      // The row first: its project cannot change under the lock until the commit.
      const [found] = await readStructure(m, this.db.dialect, accountId, [id], true);
      // The read model leaves out what v2 does not show (a deleted task), whatever the lock saw.
      const [task] = found ? await this.tasks.getTasks(m, accountId, [id]) : [];
      if (!task) throw new TasksError('TASK_NOT_FOUND', `No task ${id}`);
      const sets: string[] = [];
      const params: unknown[] = [];
      const set = (column: string, value: unknown) => {
        sets.push(`${column} = ?`);
        params.push(value);
      };
      const now = this.clock.now();
      if (input.title !== undefined) set('title', wellFormed(input.title));
      if (input.description !== undefined) set('description', input.description);
      if (input.private !== undefined) set('private', input.private ? 1 : 0);
      if (input.startDate !== undefined) set('start_date', input.startDate);
      if (input.dueDate !== undefined)
        set('due_at', input.dueDate === null ? null : toSqlDateTime(dueAtOf(input.dueDate)!));
      if (input.dueTime !== undefined) set('due_time', input.dueTime);
      if (input.initialEstimate !== undefined) set('initial_estimate', input.initialEstimate);
      if (input.remainingTime !== undefined) set('remaining_time', input.remainingTime);
      if (input.repeatScheduleId !== undefined) set('repeat_schedule_id', input.repeatScheduleId);
      if (input.repeatOnInterval !== undefined) set('repeat_on_interval', input.repeatOnInterval);
      if (input.repeatOnMonthday !== undefined) set('repeat_on_monthday', input.repeatOnMonthday);
      if (input.repeatOnWeekday !== undefined)
        set(
          'repeat_on_weekday',
          input.repeatOnWeekday === null ? null : JSON.stringify(input.repeatOnWeekday),
        );
      if (input.repeatOnDate !== undefined) set('repeat_on_date', input.repeatOnDate);
      if (input.tagList !== undefined)
        set('tag_list', input.tagList.length ? JSON.stringify(input.tagList) : null);
      if (input.customFields !== undefined) {
        await this.checkCustomFields(m, accountId, input.customFields, 'custom_fields');
        set('custom_fields', input.customFields === null ? null : JSON.stringify(input.customFields));
      }
      if (input.taskListId !== undefined || input.workflowStatusId !== undefined) {
        const status = await this.checkTarget(
          m,
          accountId,
          {
            projectId: task.projectId ?? undefined,
            taskListId: input.taskListId ?? task.taskListId ?? undefined,
            workflowStatusId: input.workflowStatusId ?? task.workflowStatusId ?? undefined,
          },
          '',
        );
        if (input.taskListId !== undefined) set('task_list_id', input.taskListId);
        if (input.workflowStatusId !== undefined) {
          set('workflow_status_id', input.workflowStatusId);
          const closed = status.categoryId === STATUS_CATEGORY.closed;
          if (closed !== task.closed) {
            set('closed', closed ? 1 : 0);
            set('closed_at', closed ? toSqlDateTime(now) : null);
          }
        }
      }
      if (input.assigneeId !== undefined) {
        await this.checkPeople(
          m,
          accountId,
          input.assigneeId === null ? [] : [input.assigneeId],
          'assignee_id',
        );
        // v2's single assignee replaces the first of the task's assigned people.
        await m.query('DELETE FROM task_assignees WHERE account_id = ? AND task_id = ? AND position = 0', [
          accountId,
          id,
        ]);
        if (input.assigneeId !== null) {
          await m.query('DELETE FROM task_assignees WHERE account_id = ? AND task_id = ? AND person_id = ?', [
            accountId,
            id,
            input.assigneeId,
          ]);
          await m.query(
            'INSERT INTO task_assignees (task_id, person_id, account_id, position) VALUES (?, ?, ?, 0)',
            [id, input.assigneeId, accountId],
          );
        }
      }
      if (input.subscriberIds !== undefined) {
        await this.checkPeople(m, accountId, input.subscriberIds, 'subscriber_ids');
        await this.replaceSubscribers(m, accountId, id, input.subscriberIds);
      }
      set('updated_at', toSqlDateTime(now));
      set('revision', newStamp());
      await m.query(`UPDATE tasks SET ${sets.join(', ')} WHERE id = ? AND account_id = ?`, [
        ...params,
        id,
        accountId,
      ]);
      await advanceContent(m, this.db.dialect, accountId, [keyOf(task.projectId)]);
    });
  }

  /** Deletes tasks with their subtrees; their related rows go with them (foreign keys cascade). */
  async remove(accountId: number, id: number): Promise<void> {
    const [task] = await this.tasks.read((m) => this.tasks.getTasks(m, accountId, [id]));
    if (!task) throw new TasksError('TASK_NOT_FOUND', `No task ${id}`);
    await this.store.deleteTasks(accountId, [id]);
    // Attachment rows went with their tasks; bytes no attachment uses any more go now.
    await this.db.transaction((m) =>
      m.query(
        'DELETE FROM blobs WHERE account_id = ? AND NOT EXISTS (SELECT 1 FROM attachments a WHERE a.blob_id = blobs.id)',
        [accountId],
      ),
    );
  }

  /** Project, task list (in that project, not archived) and status (in the project's workflow). */
  private async checkTarget(
    m: EntityManager,
    accountId: number,
    input: Pick<TaskWriteInput, 'projectId' | 'taskListId' | 'workflowStatusId' | 'parentTaskId'>,
    at: string,
  ): Promise<{ categoryId: number }> {
    const [project] = (await m.query('SELECT workflow_id FROM projects WHERE id = ? AND account_id = ?', [
      input.projectId,
      accountId,
    ])) as Array<{
      workflow_id: number | null;
    }>;
    if (!project)
      throw new TasksError('TASK_DETAIL_REFERENCE_INVALID', `No project ${input.projectId}`, {
        field: `${at}project_id`,
      });
    const [list] = (await m.query(
      'SELECT project_id, archived_at FROM task_lists WHERE id = ? AND account_id = ?',
      [input.taskListId, accountId],
    )) as Array<{
      project_id: number;
      archived_at: unknown;
    }>;
    if (!list || Number(list.project_id) !== input.projectId) {
      throw new TasksError(
        'TASK_DETAIL_REFERENCE_INVALID',
        `Task list ${input.taskListId} is not in project ${input.projectId}`,
        {
          field: `${at}task_list_id`,
        },
      );
    }
    if (list.archived_at !== null)
      throw new TasksError('TASK_DETAIL_INVALID', `Task list ${input.taskListId} is archived`, {
        field: `${at}task_list_id`,
      });
    const [status] = (await m.query(
      'SELECT workflow_id, category_id FROM workflow_statuses WHERE id = ? AND account_id = ?',
      [input.workflowStatusId, accountId],
    )) as Array<{ workflow_id: number; category_id: number }>;
    if (
      !status ||
      (project.workflow_id !== null && Number(status.workflow_id) !== Number(project.workflow_id))
    ) {
      throw new TasksError(
        'TASK_DETAIL_REFERENCE_INVALID',
        `Status ${input.workflowStatusId} is not in the project's workflow`,
        {
          field: `${at}workflow_status_id`,
        },
      );
    }
    return { categoryId: Number(status.category_id) };
  }

  private async checkPeople(
    m: EntityManager,
    accountId: number,
    ids: number[],
    field: string,
  ): Promise<void> {
    const wanted = [...new Set(ids)];
    if (wanted.length === 0) return;
    const found = (await m.query(
      `SELECT id FROM people WHERE account_id = ? AND id IN (${marks(wanted.length)})`,
      [accountId, ...wanted],
    )) as unknown[];
    if (found.length !== wanted.length)
      throw new TasksError('TASK_DETAIL_REFERENCE_INVALID', 'No such person', { field });
  }

  /** Values only for task custom fields of this organization (tasks-copy.md §1.1: ids resolve in it). */
  private async checkCustomFields(
    m: EntityManager,
    accountId: number,
    values: Record<string, unknown> | null | undefined,
    field: string,
  ): Promise<void> {
    const wanted = Object.keys(values ?? {}).map(Number);
    if (wanted.length === 0) return;
    const found = (await m.query(
      `SELECT id FROM custom_fields WHERE account_id = ? AND customizable_type = 'tasks' AND id IN (${marks(wanted.length)})`,
      [accountId, ...wanted],
    )) as Array<{ id: number }>;
    const known = new Set(found.map((row) => Number(row.id)));
    const unknown = wanted.find((id) => !known.has(id));
    if (unknown !== undefined) {
      throw new TasksError('TASK_DETAIL_REFERENCE_INVALID', `No task custom field ${unknown}`, { field });
    }
  }

  private async replaceSubscribers(
    m: EntityManager,
    accountId: number,
    taskId: number,
    people: number[],
  ): Promise<void> {
    await m.query('DELETE FROM task_subscribers WHERE account_id = ? AND task_id = ?', [accountId, taskId]);
    const unique = [...new Set(people)];
    if (unique.length === 0) return;
    await m.query(
      `INSERT INTO task_subscribers (task_id, person_id, account_id) VALUES ${unique.map(() => '(?, ?, ?)').join(', ')}`,
      unique.flatMap((p) => [taskId, p, accountId]),
    );
  }
}

/**
 * The clone engine checks the parent under the project's lock; its refusals (no such task, or one
 * of another project) are, on this face, an invalid reference at `parent_task_id`.
 */
function parentError(error: unknown, field: string): unknown {
  if (!(error instanceof DomainError)) return error;
  const aboutParent =
    (error.code === 'TASK_NOT_FOUND' && error.field === 'parent') || error.code === 'TASK_PLACEMENT_MISMATCH';
  return aboutParent ? new TasksError('TASK_DETAIL_REFERENCE_INVALID', error.message, { field }) : error;
}
