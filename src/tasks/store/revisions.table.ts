import type { EntityManager } from 'typeorm';
import { marks, Queryable } from '../../database/sql';
import type { SqlDialect } from '../../database/sql-dialect';
import { MAX_TASK_ID } from './task-ids';

// The read revisions of a project's task lists, one row per (account, project key; 0 = No
// project) in each of two tables: `task_list_locks`, whose row is also the project's ordering
// lock and whose revision moves with every structural change, and `task_content_revisions`, which
// moves when tasks' own fields change or tasks come into the project from elsewhere.

/**
 * `s<project key>` → structure revision and `c<project key>` → content revision; a project never
 * written to is absent (at revision 0).
 */
export type ReadRevisions = Map<string, number>;

export type RevisionKind = 's' | 'c';

const TABLES: Record<RevisionKind, string> = { s: 'task_list_locks', c: 'task_content_revisions' };

/**
 * Advances the revisions of one kind of the given projects, in ascending order; for `s` this
 * takes their ordering locks. One upsert both creates a missing row and locks an existing one,
 * and answers the revisions it left where the driver can tell them (every one on SQLite, which
 * returns the rows; the one project of a single-row upsert on MySQL/MariaDB, whose answer
 * carries it), so that a writer need not read them back: project key → new revision.
 */
export async function advanceRevisions(
  m: Queryable,
  sql: SqlDialect,
  kind: RevisionKind,
  accountId: number,
  projectKeys: Iterable<number>,
): Promise<Map<number, number>> {
  // A key above the INT range of project ids names no project (the caller's existence check says
  // so): there is nothing to lock, and the row would not fit the column.
  const keys = [...new Set(projectKeys)].filter((k) => k <= MAX_TASK_ID).sort((a, b) => a - b);
  const learned = new Map<number, number>();
  if (keys.length === 0) return learned;
  const single = sql.rowLocks && keys.length === 1;
  // LAST_INSERT_ID(expr) puts the updated row's new revision in the answer's insert id; a row just
  // created (revision 1) is told by its affected-row count, 1 rather than 2.
  const update = single ? 'revision = LAST_INSERT_ID(revision + 1)' : 'revision = revision + 1';
  const upsert = sql.upsert(
    TABLES[kind],
    ['account_id', 'project_key', 'revision'],
    keys.length,
    ['account_id', 'project_key'],
    update,
  );
  const result = (await m.query(
    sql.rowLocks ? upsert : `${upsert} RETURNING project_key, revision`,
    keys.flatMap((k) => [accountId, k, 1]),
  )) as unknown;
  if (!sql.rowLocks) {
    for (const r of result as Array<{ project_key: number | string; revision: number | string }>)
      learned.set(Number(r.project_key), Number(r.revision));
  } else if (single) {
    const header = result as { affectedRows?: number; insertId?: number | string };
    if (header.affectedRows === 1) learned.set(keys[0], 1);
    else if (header.affectedRows === 2 && Number(header.insertId) > 0)
      learned.set(keys[0], Number(header.insertId));
  }
  return learned;
}

/**
 * Where rows lock: advances the content revisions of the projects that hold these tasks, in one
 * statement (ascending project keys), creating missing rows. Its caller has locked the tasks'
 * rows (their projects hold until the commit). Answers the project's new revision when exactly
 * one project holds them all and `oneProject` says so (the answer's header tells one row's only).
 */
export async function advanceContentOfTasks(
  m: Queryable,
  accountId: number,
  taskIds: number[],
): Promise<(oneProject: boolean) => number | undefined> {
  const header = (await m.query(
    `INSERT INTO ${TABLES.c} (account_id, project_key, revision) ` +
      `SELECT DISTINCT account_id, project_key, 1 FROM tasks WHERE account_id = ? AND id IN (${marks(taskIds.length)}) ORDER BY project_key ` +
      `ON DUPLICATE KEY UPDATE revision = LAST_INSERT_ID(${TABLES.c}.revision + 1)`,
    [accountId, ...taskIds],
  )) as { affectedRows?: number; insertId?: number | string };
  return (oneProject) => {
    if (!oneProject) return undefined;
    if (header.affectedRows === 1) return 1;
    if (header.affectedRows === 2 && Number(header.insertId) > 0) return Number(header.insertId);
    return undefined;
  };
}

/**
 * The revisions of the given projects, per kind, in one statement: inside a writer's transaction
 * that has advanced and still holds them, exactly what its commit leaves.
 */
export async function revisionsOf(
  m: EntityManager,
  accountId: number,
  projectKeys: Record<RevisionKind, number[]>,
): Promise<ReadRevisions> {
  const parts: string[] = [];
  const params: number[] = [];
  for (const kind of ['s', 'c'] as const) {
    const keys = projectKeys[kind];
    if (keys.length === 0) continue;
    parts.push(
      `SELECT '${kind}' AS kind, project_key, revision FROM ${TABLES[kind]} WHERE account_id = ? AND project_key IN (${marks(keys.length)})`,
    );
    params.push(accountId, ...keys);
  }
  if (parts.length === 0) return new Map();
  return toRevisions(await m.query(parts.join(' UNION ALL '), params));
}

/** Both kinds of revisions of one project (a key) or, undefined, of every project of the account. */
export async function currentRevisions(
  m: EntityManager,
  accountId: number,
  projectKey: number | undefined,
): Promise<ReadRevisions> {
  const scope = projectKey === undefined ? '' : ' AND project_key = ?';
  const args = projectKey === undefined ? [accountId] : [accountId, projectKey];
  return toRevisions(
    await m.query(
      `SELECT 's' AS kind, project_key, revision FROM ${TABLES.s} WHERE account_id = ?${scope} ` +
        `UNION ALL SELECT 'c' AS kind, project_key, revision FROM ${TABLES.c} WHERE account_id = ?${scope}`,
      [...args, ...args],
    ),
  );
}

function toRevisions(rows: Array<{ kind: string; project_key: number; revision: number | string }>) {
  return new Map(rows.map((r) => [`${r.kind}${Number(r.project_key)}`, Number(r.revision)]));
}

/** The project keys (0 = No project) that revisions name. */
export function projectKeysOf(revisions: ReadRevisions): number[] {
  return [...new Set([...revisions.keys()].map((key) => Number(key.slice(1))))];
}
