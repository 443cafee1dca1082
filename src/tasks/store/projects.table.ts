import type { EntityManager } from 'typeorm';
import { inChunks, insertedId, intOrNull, marks } from '../../database/sql';
import { fromSqlDateTime, toSqlDateTime } from '../../database/sql-time';

// `projects`: the task projects both faces share (the widget's projects, v2's `projects`).

export interface ProjectRow {
  id: number;
  name: string;
  workflowId: number | null;
  /** null: the project never chose, so every task custom field is enabled. */
  taskCustomFieldsIds: number[] | null;
  createdAt: Date | null;
}

export interface ProjectValues {
  name?: string;
  workflowId?: number | null;
  taskCustomFieldsIds?: number[] | null;
}

const fieldsText = (ids: number[] | null | undefined) =>
  ids === undefined || ids === null ? null : JSON.stringify(ids);

/** The account's projects, by id: id and name. */
export async function projectNames(
  m: EntityManager,
  accountId: number,
): Promise<Array<{ id: number; name: string }>> {
  const rows = (await m.query('SELECT id, name FROM projects WHERE account_id = ? ORDER BY id', [
    accountId,
  ])) as Array<{ id: number; name: string }>;
  return rows.map((r) => ({ id: Number(r.id), name: r.name }));
}

/** The ids of the account's projects. */
export async function projectIds(m: EntityManager, accountId: number): Promise<number[]> {
  const rows = (await m.query('SELECT id FROM projects WHERE account_id = ?', [accountId])) as Array<{
    id: number;
  }>;
  return rows.map((r) => Number(r.id));
}

/** The highest project id of any account (0 when there is none), and whether `id` is used by any. */
export async function projectIdUse(m: EntityManager, id: number): Promise<{ top: number; used: boolean }> {
  const [{ top }] = (await m.query('SELECT MAX(id) AS top FROM projects')) as Array<{ top: number | null }>;
  const used = (await m.query('SELECT id FROM projects WHERE id = ?', [id])).length > 0;
  return { top: Number(top ?? 0), used };
}

export async function insertProject(
  m: EntityManager,
  accountId: number,
  values: ProjectValues & { name: string; id?: number },
  now: Date,
): Promise<number> {
  const result: unknown = await m.query(
    `INSERT INTO projects (${values.id === undefined ? '' : 'id, '}account_id, name, workflow_id, task_custom_fields_ids, created_at) VALUES (${marks(values.id === undefined ? 5 : 6)})`,
    [
      ...(values.id === undefined ? [] : [values.id]),
      accountId,
      values.name,
      values.workflowId ?? null,
      fieldsText(values.taskCustomFieldsIds),
      toSqlDateTime(now),
    ],
  );
  return values.id ?? insertedId(result);
}

/** Sets the values given (undefined: unchanged). */
export async function updateProject(
  m: EntityManager,
  accountId: number,
  id: number,
  values: ProjectValues,
): Promise<void> {
  const sets: Array<[string, unknown]> = [];
  if (values.name !== undefined) sets.push(['name', values.name]);
  if (values.workflowId !== undefined) sets.push(['workflow_id', values.workflowId]);
  if (values.taskCustomFieldsIds !== undefined)
    sets.push(['task_custom_fields_ids', fieldsText(values.taskCustomFieldsIds)]);
  if (sets.length === 0) return;
  await m.query(
    `UPDATE projects SET ${sets.map(([c]) => `${c} = ?`).join(', ')} WHERE id = ? AND account_id = ?`,
    [...sets.map(([, v]) => v), id, accountId],
  );
}

export async function deleteProject(m: EntityManager, accountId: number, id: number): Promise<void> {
  await m.query('DELETE FROM projects WHERE account_id = ? AND id = ?', [accountId, id]);
}

/** Projects by id, in id order (missing ones are absent). */
export async function projectRows(m: EntityManager, accountId: number, ids: number[]): Promise<ProjectRow[]> {
  const rows = await inChunks(
    [...new Set(ids)],
    (part) =>
      m.query(
        `SELECT id, name, workflow_id, task_custom_fields_ids, created_at FROM projects WHERE account_id = ? AND id IN (${marks(part.length)}) ORDER BY id`,
        [accountId, ...part],
      ) as Promise<Array<Record<string, unknown>>>,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    name: String(r.name),
    workflowId: intOrNull(r.workflow_id),
    taskCustomFieldsIds: r.task_custom_fields_ids
      ? (JSON.parse(String(r.task_custom_fields_ids)) as number[])
      : null,
    createdAt: fromSqlDateTime(r.created_at as Date | string | null),
  }));
}

/** Whether any project of the account uses this workflow. */
export async function workflowInUse(
  m: EntityManager,
  accountId: number,
  workflowId: number,
): Promise<boolean> {
  const rows = (await m.query('SELECT 1 FROM projects WHERE account_id = ? AND workflow_id = ? LIMIT 1', [
    accountId,
    workflowId,
  ])) as unknown[];
  return rows.length > 0;
}
