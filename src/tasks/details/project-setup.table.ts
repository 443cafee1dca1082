import type { EntityManager } from 'typeorm';
import { marks } from '../../database/sql';

// What a project is set up with: its workflow and statuses, its task lists, its members, and the
// task custom fields of the account (`workflows`, `workflow_statuses`, `task_lists`,
// `memberships`, `custom_fields`).

export async function workflowExists(m: EntityManager, accountId: number, id: number): Promise<boolean> {
  const found = await m.query('SELECT id FROM workflows WHERE id = ? AND account_id = ?', [id, accountId]);
  return found.length > 0;
}

/** The first of `ids` that is no task custom field of the account, or undefined. */
export async function missingCustomField(
  m: EntityManager,
  accountId: number,
  ids: number[],
): Promise<number | undefined> {
  const wanted = [...new Set(ids)];
  if (wanted.length === 0) return undefined;
  const found = (await m.query(
    `SELECT id FROM custom_fields WHERE account_id = ? AND customizable_type = 'tasks' AND id IN (${marks(wanted.length)})`,
    [accountId, ...wanted],
  )) as Array<{ id: number | string }>;
  const known = new Set(found.map((row) => Number(row.id)));
  return wanted.find((id) => !known.has(id));
}

/** The task custom fields of the account that are not archived: id → data type. */
export async function liveTaskCustomFields(
  m: EntityManager,
  accountId: number,
): Promise<Array<{ id: number; dataTypeId: number }>> {
  const rows = (await m.query(
    "SELECT id, data_type_id FROM custom_fields WHERE account_id = ? AND customizable_type = 'tasks' AND archived_at IS NULL",
    [accountId],
  )) as Array<{ id: number; data_type_id: number }>;
  return rows.map((r) => ({ id: Number(r.id), dataTypeId: Number(r.data_type_id) }));
}

/** A task list's project and whether it is archived; undefined when the account has no such list. */
export async function taskListOf(
  m: EntityManager,
  accountId: number,
  id: number | undefined,
): Promise<{ projectId: number; archived: boolean } | undefined> {
  const [list] = (await m.query(
    'SELECT project_id, archived_at FROM task_lists WHERE id = ? AND account_id = ?',
    [id, accountId],
  )) as Array<{ project_id: number; archived_at: unknown }>;
  return list && { projectId: Number(list.project_id), archived: list.archived_at !== null };
}

/** A workflow status's workflow and category; undefined when the account has no such status. */
export async function statusOf(
  m: EntityManager,
  accountId: number,
  id: number | undefined,
): Promise<{ workflowId: number; categoryId: number } | undefined> {
  const [status] = (await m.query(
    'SELECT workflow_id, category_id FROM workflow_statuses WHERE id = ? AND account_id = ?',
    [id, accountId],
  )) as Array<{ workflow_id: number; category_id: number }>;
  return status && { workflowId: Number(status.workflow_id), categoryId: Number(status.category_id) };
}

/** The people who are members of a project. */
export async function memberIds(m: EntityManager, accountId: number, projectId: number): Promise<number[]> {
  const rows = (await m.query('SELECT person_id FROM memberships WHERE project_id = ? AND account_id = ?', [
    projectId,
    accountId,
  ])) as Array<{ person_id: number }>;
  return rows.map((r) => Number(r.person_id));
}
