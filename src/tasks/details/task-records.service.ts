import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../../common/clock';
import { DomainError } from '../../common/domain-error';
import { Database } from '../../database/database';
import { toSqlDateTime } from '../../database/sql-time';
import { taskRecords } from '../read/task-read-model.service';
import { CloneEngine } from '../store/clone-engine';
import { existingPeople } from '../store/people.table';
import { projectRows } from '../store/projects.table';
import { setFirstAssignee } from '../store/task-assignees.table';
import { keyOf, TaskDetailsColumns, TaskFields, wellFormed } from '../store/task-fields';
import { newStamp, placeLast, setColumns } from '../store/tasks.table';
import { TasksService } from '../store/tasks.service';
import { StoreWrite, TaskWriteGateway } from '../store/write-gateway';
import { TasksError } from '../tasks.errors';
import { dropUnusedBlobs } from './attachments.table';
import { missingCustomField, statusOf, taskListOf } from './project-setup.table';
import { replaceSubscribers } from './task-items.table';
import { STATUS_CATEGORY } from './task-details.entities';

/** What a v2 client sets on a task; absent = unchanged on update. */
export interface TaskRecordInput {
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

const dueAtOf = (date: string | null | undefined) => (date ? new Date(`${date}T00:00:00.000Z`) : null);
const jsonOrNull = (value: unknown) => (value === null ? null : JSON.stringify(value));

// The attributes that are one column each, and how each is stored.
const PLAIN_COLUMNS: Array<[keyof TaskRecordInput, string, (value: never) => unknown]> = [
  ['title', 'title', (v: string) => wellFormed(v)],
  ['description', 'description', (v: string | null) => v],
  ['private', 'private', (v: boolean) => (v ? 1 : 0)],
  ['startDate', 'start_date', (v: string | null) => v],
  ['dueDate', 'due_at', (v: string | null) => (v === null ? null : toSqlDateTime(dueAtOf(v)!))],
  ['dueTime', 'due_time', (v: string | null) => v],
  ['initialEstimate', 'initial_estimate', (v: number | null) => v],
  ['remainingTime', 'remaining_time', (v: number | null) => v],
  ['repeatScheduleId', 'repeat_schedule_id', (v: number | null) => v],
  ['repeatOnInterval', 'repeat_on_interval', (v: number | null) => v],
  ['repeatOnMonthday', 'repeat_on_monthday', (v: number | null) => v],
  ['repeatOnWeekday', 'repeat_on_weekday', (v: number[] | null) => jsonOrNull(v)],
  ['repeatOnDate', 'repeat_on_date', (v: string | null) => v],
  ['tagList', 'tag_list', (v: string[]) => (v.length ? JSON.stringify(v) : null)],
];

/**
 * The v2 face's writes of tasks with their details: creation goes through the clone engine (so
 * the ordering model holds), attribute changes are plain updates of the task row, deletion is the
 * store's own.
 */
@Injectable()
export class TaskRecordsService {
  constructor(
    private readonly db: Database,
    private readonly gateway: TaskWriteGateway,
    private readonly engine: CloneEngine,
    private readonly store: TasksService,
    private readonly clock: Clock,
  ) {}

  /** Creates one or more tasks (bulk create) in one transaction; ids in input order. */
  create(accountId: number, inputs: TaskRecordInput[]): Promise<number[]> {
    return this.gateway.write(accountId, async (w) => {
      const ids: number[] = [];
      for (const [i, input] of inputs.entries()) {
        ids.push(await this.createOne(w, input, inputs.length > 1 ? `data.${i}.attributes.` : ''));
      }
      return ids;
    });
  }

  private async createOne(w: StoreWrite, input: TaskRecordInput, at: string): Promise<number> {
    const status = await checkTarget(w.m, w.accountId, input, at);
    await checkPeople(w.m, w.accountId, input.assigneeId ? [input.assigneeId] : [], `${at}assignee_id`);
    await checkPeople(w.m, w.accountId, input.subscriberIds ?? [], `${at}subscriber_ids`);
    await checkCustomFields(w.m, w.accountId, input.customFields, `${at}custom_fields`);
    const created = await this.engine
      .clone(w, {
        nodes: [{ key: 'new', parentKey: null, fields: newFields(input, status, this.clock.now()) }],
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
    await placeLast(w.m, w.sql, w.accountId, id, {
      parentId: input.parentTaskId ?? null,
      taskListId: input.taskListId!,
    });
    await replaceSubscribers(w.m, w.accountId, id, input.subscriberIds ?? []);
    return id;
  }

  /** Changes the attributes given; structure (project, parent) changes through the store's move. */
  update(accountId: number, id: number, input: TaskRecordInput): Promise<void> {
    return this.gateway.write(accountId, async (w) => {
      // The row first: its project cannot change under the lock until the commit.
      const [found] = await w.lockRows([id]);
      // The read model leaves out what v2 does not show (a deleted task), whatever the lock saw.
      const [task] = found ? await taskRecords(w.m, accountId, [id]) : [];
      if (!task) throw new TasksError('TASK_NOT_FOUND', `No task ${id}`);
      const now = this.clock.now();
      const columns: Array<[string, unknown]> = [];
      for (const [key, column, store] of PLAIN_COLUMNS) {
        if (input[key] !== undefined) columns.push([column, store(input[key] as never)]);
      }
      if (input.customFields !== undefined) {
        await checkCustomFields(w.m, accountId, input.customFields, 'custom_fields');
        columns.push(['custom_fields', jsonOrNull(input.customFields)]);
      }
      if (input.taskListId !== undefined || input.workflowStatusId !== undefined) {
        const status = await checkTarget(
          w.m,
          accountId,
          {
            projectId: task.projectId ?? undefined,
            taskListId: input.taskListId ?? task.taskListId ?? undefined,
            workflowStatusId: input.workflowStatusId ?? task.workflowStatusId ?? undefined,
          },
          '',
        );
        if (input.taskListId !== undefined) columns.push(['task_list_id', input.taskListId]);
        if (input.workflowStatusId !== undefined) {
          columns.push(['workflow_status_id', input.workflowStatusId]);
          const closed = status.categoryId === STATUS_CATEGORY.closed;
          if (closed !== task.closed)
            columns.push(['closed', closed ? 1 : 0], ['closed_at', closed ? toSqlDateTime(now) : null]);
        }
      }
      if (input.assigneeId !== undefined) {
        await checkPeople(w.m, accountId, input.assigneeId === null ? [] : [input.assigneeId], 'assignee_id');
        // v2's single assignee replaces the first of the task's assigned people.
        await setFirstAssignee(w.m, accountId, id, input.assigneeId);
      }
      if (input.subscriberIds !== undefined) {
        await checkPeople(w.m, accountId, input.subscriberIds, 'subscriber_ids');
        await replaceSubscribers(w.m, accountId, id, input.subscriberIds);
      }
      columns.push(['updated_at', toSqlDateTime(now)], ['revision', newStamp()]);
      await setColumns(w.m, accountId, id, columns);
      w.touchContent([keyOf(task.projectId)]);
      w.record('edited', () => ({ kind: 'edited', tasks: [{ id, projectId: task.projectId }] }));
    });
  }

  /** Deletes tasks with their subtrees; their related rows go with them (foreign keys cascade). */
  async remove(accountId: number, id: number): Promise<void> {
    const [task] = await this.db.read((m) => taskRecords(m, accountId, [id]));
    if (!task) throw new TasksError('TASK_NOT_FOUND', `No task ${id}`);
    await this.store.deleteTasks(accountId, [id]);
    // Attachment rows went with their tasks; bytes no attachment uses any more go now.
    await this.db.transaction((m) => dropUnusedBlobs(m, accountId));
  }
}

/** The fields of a new task: its status decides whether it is closed. */
function newFields(input: TaskRecordInput, status: { categoryId: number }, now: Date): TaskFields {
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
  return {
    title: input.title!,
    closed,
    collapsed: false,
    assigned: input.assigneeId ? [input.assigneeId] : [],
    dueAt: dueAtOf(input.dueDate),
    createdAt: now,
    closedAt: closed ? now : null,
    editedAt: null,
    priority: null,
    extra: null,
    details,
  };
}

/** Project, task list (in that project, not archived) and status (in the project's workflow). */
async function checkTarget(
  m: EntityManager,
  accountId: number,
  input: Pick<TaskRecordInput, 'projectId' | 'taskListId' | 'workflowStatusId'>,
  at: string,
): Promise<{ categoryId: number }> {
  const [project] = await projectRows(m, accountId, input.projectId === undefined ? [] : [input.projectId]);
  if (!project) throw invalidReference(`No project ${input.projectId}`, `${at}project_id`);
  const list = await taskListOf(m, accountId, input.taskListId);
  if (!list || list.projectId !== input.projectId) {
    throw invalidReference(
      `Task list ${input.taskListId} is not in project ${input.projectId}`,
      `${at}task_list_id`,
    );
  }
  if (list.archived) {
    throw new TasksError('TASK_DETAIL_INVALID', `Task list ${input.taskListId} is archived`, {
      field: `${at}task_list_id`,
    });
  }
  const status = await statusOf(m, accountId, input.workflowStatusId);
  if (!status || (project.workflowId !== null && status.workflowId !== project.workflowId)) {
    throw invalidReference(
      `Status ${input.workflowStatusId} is not in the project's workflow`,
      `${at}workflow_status_id`,
    );
  }
  return { categoryId: status.categoryId };
}

async function checkPeople(m: EntityManager, accountId: number, ids: number[], field: string): Promise<void> {
  const wanted = [...new Set(ids)];
  if (wanted.length === 0) return;
  const found = await existingPeople(m, accountId, wanted);
  if (found.size !== wanted.length) throw invalidReference('No such person', field);
}

/** Values only for task custom fields of this organization: ids resolve in it. */
async function checkCustomFields(
  m: EntityManager,
  accountId: number,
  values: Record<string, unknown> | null | undefined,
  field: string,
): Promise<void> {
  const unknown = await missingCustomField(m, accountId, Object.keys(values ?? {}).map(Number));
  if (unknown !== undefined) throw invalidReference(`No task custom field ${unknown}`, field);
}

function invalidReference(message: string, field: string): TasksError {
  return new TasksError('TASK_DETAIL_REFERENCE_INVALID', message, { field });
}

/**
 * The clone engine checks the parent under the project's lock; its refusals (no such task, or one
 * of another project) are, on this face, an invalid reference at `parent_task_id`.
 */
function parentError(error: unknown, field: string): unknown {
  if (!(error instanceof DomainError)) return error;
  const aboutParent =
    (error.code === 'TASK_NOT_FOUND' && error.field === 'parent') || error.code === 'TASK_PLACEMENT_MISMATCH';
  return aboutParent ? invalidReference(error.message, field) : error;
}
