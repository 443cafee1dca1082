import type { EntityManager } from 'typeorm';
import { intOrNull, marks, type Queryable } from '../../database/sql';
import type { ProjectRow } from '../store/projects.table';

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

/** A workflow status as a copy plans with it. */
export interface StatusRow {
  id: number;
  workflowId: number;
  categoryId: number;
  position: number;
}

/** What a copy reads of the setup around its target project (copySetup). */
export interface CopySetup {
  /** The project; undefined when the account has none with this id. */
  project?: Pick<ProjectRow, 'id' | 'workflowId' | 'taskCustomFieldsIds'>;
  /** The task list asked for; undefined when the account has none with this id (or none was asked for). */
  list?: { projectId: number; archived: boolean };
  /** The statuses named that the account has, and every status of the project's workflow, by id. */
  statuses: StatusRow[];
  /** The people who are members of the project. */
  members: number[];
  /** The account's people who are not deactivated. */
  activePeople: Set<number>;
  /** The account's task custom fields that are not archived. */
  customFields: Array<{ id: number; dataTypeId: number }>;
}

/**
 * Everything a copy reads of the setup around its target project, in one statement (a UNION ALL
 * of indexed reads, one round trip instead of one per table): the project, the task list, the statuses named
 * and those of the project's workflow, the project's members, the account's active people and its
 * live task custom fields. A project the account does not have has no workflow and no members.
 */
export async function copySetup(
  m: Queryable,
  accountId: number,
  wanted: { projectId: number; taskListId?: number; statusIds: number[] },
): Promise<CopySetup> {
  const statusIds = [...new Set(wanted.statusIds)];
  const parts: string[] = [];
  const params: number[] = [];
  // Every part has the same six columns: kind, id, three numbers (0 where unused) and a text (the
  // project's enabled task fields; NULL elsewhere). Statuses come in two parts, by the project's
  // workflow and by id, each on its own index (a status in both comes twice and is kept once).
  const status =
    "SELECT 's' AS kind, id, workflow_id AS a, category_id AS b, position AS c, NULL AS t FROM workflow_statuses";
  parts.push(
    `${status} WHERE workflow_id = (SELECT workflow_id FROM projects WHERE id = ? AND account_id = ?) AND account_id = ?`,
  );
  params.push(wanted.projectId, accountId, accountId);
  if (statusIds.length) {
    parts.push(`${status} WHERE id IN (${marks(statusIds.length)}) AND account_id = ?`);
    params.push(...statusIds, accountId);
  }
  parts.push(
    "SELECT 'j', id, workflow_id, 0, 0, task_custom_fields_ids FROM projects WHERE id = ? AND account_id = ?",
  );
  params.push(wanted.projectId, accountId);
  if (wanted.taskListId !== undefined) {
    parts.push(
      "SELECT 'l', id, project_id, CASE WHEN archived_at IS NULL THEN 0 ELSE 1 END, 0, NULL FROM task_lists WHERE id = ? AND account_id = ?",
    );
    params.push(wanted.taskListId, accountId);
  }
  parts.push("SELECT 'm', person_id, 0, 0, 0, NULL FROM memberships WHERE project_id = ? AND account_id = ?");
  params.push(wanted.projectId, accountId);
  parts.push("SELECT 'p', id, 0, 0, 0, NULL FROM people WHERE account_id = ? AND deactivated_at IS NULL");
  params.push(accountId);
  parts.push(
    "SELECT 'f', id, data_type_id, 0, 0, NULL FROM custom_fields WHERE account_id = ? AND customizable_type = 'tasks' AND archived_at IS NULL",
  );
  params.push(accountId);
  const rows = (await m.query(parts.join(' UNION ALL '), params)) as Array<{
    kind: string;
    id: number | string;
    a: number | string | null;
    b: number | string | null;
    c: number | string | null;
    t: string | null;
  }>;
  const setup: CopySetup = { statuses: [], members: [], activePeople: new Set(), customFields: [] };
  for (const r of rows) {
    const id = Number(r.id);
    if (r.kind === 's') {
      if (!setup.statuses.some((known) => known.id === id))
        setup.statuses.push({ id, workflowId: Number(r.a), categoryId: Number(r.b), position: Number(r.c) });
    } else if (r.kind === 'j') {
      setup.project = {
        id,
        workflowId: intOrNull(r.a),
        taskCustomFieldsIds: r.t ? (JSON.parse(String(r.t)) as number[]) : null,
      };
    } else if (r.kind === 'l') setup.list = { projectId: Number(r.a), archived: Number(r.b) === 1 };
    else if (r.kind === 'm') setup.members.push(id);
    else if (r.kind === 'p') setup.activePeople.add(id);
    else setup.customFields.push({ id, dataTypeId: Number(r.a) });
  }
  setup.statuses.sort((x, y) => x.id - y.id);
  return setup;
}
