import type { EntityManager } from 'typeorm';
import { pushTo } from '../../common/group-by';
import type { TaskDetailsService } from '../details/task-details.service';
import type { ProjectRow } from '../store/projects.table';
import { listSubtreeIds } from '../store/task-subtrees.table';
import { CopyViolation } from '../tasks.errors';
import {
  COPY_FLAG_NAMES,
  CopyFlags,
  CopySource,
  CopyTarget,
  noRelatedRows,
  SourceShape,
} from './task-copy-plan';
import { sourceTasks, statusesOf, targetSetup } from './task-copy-source';

// What a copy of task lists (POST /api/v2/task_lists/copy, and every list of a project's copy)
// reads: the lists' top-level tasks that the selection flags take, each a root of the copied set,
// with their subtasks as tasks/copy reads them (docs/v2.md#task-list-copy).

/** Which of a list's top-level tasks are copied. */
export interface TaskSelection {
  copy_open_tasks: boolean;
  copy_closed_tasks: boolean;
}

/** The task flags a list's copy accepts: those of tasks/copy but copy_as_task_template. */
export const LIST_TASK_FLAGS = COPY_FLAG_NAMES.filter((name) => name !== 'copy_as_task_template');

/** A task flag without a task selection copies nothing: one tasks_required per offending flag. */
export function tasksRequired(selection: TaskSelection, flags: CopyFlags): CopyViolation[] {
  if (selection.copy_open_tasks || selection.copy_closed_tasks) return [];
  return LIST_TASK_FLAGS.filter((name) => flags[name]).map((field) => ({
    field,
    code: 'tasks_required',
    detail: `${field} needs copy_open_tasks or copy_closed_tasks`,
  }));
}

/**
 * The tasks of `listIds` as one copied set: `roots` are the selected top-level tasks in list
 * order (list by list), `tasks` every live task under any top-level task of the lists.
 */
export async function loadListsSource(
  m: EntityManager,
  details: TaskDetailsService,
  accountId: number,
  listIds: number[],
  selection: TaskSelection,
): Promise<CopySource> {
  const ids = await listSubtreeIds(m, accountId, listIds);
  // Top-level tasks stand among others in their lists: their positions are counted.
  const { tasks, records } = await sourceTasks(m, accountId, ids, 'counted');
  const children = new Map<number, number[]>();
  const order = (a: SourceShape, b: SourceShape) => a.position - b.position || a.id - b.id;
  for (const t of [...tasks.values()].sort(order)) {
    if (t.parentId !== null) pushTo(children, t.parentId, t.id);
  }
  const listOrder = new Map(listIds.map((id, i) => [id, i]));
  const roots = [...tasks.values()]
    .filter(
      (t) => t.parentId === null && (t.closed ? selection.copy_closed_tasks : selection.copy_open_tasks),
    )
    .sort(
      (a, b) =>
        listOrder.get(a.taskListId!)! - listOrder.get(b.taskListId!)! ||
        (a.placement ?? a.position) - (b.placement ?? b.position) ||
        a.id - b.id,
    )
    .map((t) => t.id);
  return {
    rootId: 0,
    roots,
    tasks,
    ...(records ? { records } : {}),
    children,
    statuses: await statusesOf(m, details, accountId, tasks),
    ...noRelatedRows(),
  };
}

/**
 * The target of a list's copy: a copied task keeps its status where the project's workflow is its
 * own, else takes the first status of its category there (else the workflow's first status).
 */
export async function listTarget(
  m: EntityManager,
  accountId: number,
  project: ProjectRow,
  taskListId: number,
): Promise<CopyTarget> {
  // The workflow's statuses come with the rest of the target's setup, in one statement.
  const { statuses: read, ...setup } = await targetSetup(m, accountId, project);
  const statuses = project.workflowId === null ? [] : read.filter((s) => s.workflowId === project.workflowId);
  const first = [...statuses].sort((a, b) => a.position - b.position || a.id - b.id)[0];
  return {
    ...setup,
    taskListId,
    workflowStatusId: first?.id ?? null,
    workflowStatuses: statuses.map((s) => ({ id: s.id, categoryId: s.categoryId, position: s.position })),
    parentTaskId: null,
  };
}
