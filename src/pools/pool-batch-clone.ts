import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { isIdText } from '../common/ids';
import type { Database } from '../database/database';
import { Pool } from './pool.entity';

/** One clone of a batch: the account that asked and the pool it named. */
export interface CloneRequest {
  accountId: number;
  sourceId: string;
}

/**
 * What a batch of clones came to: the new pools' ids in the order asked, or the clones (by their
 * index) that cannot be made, a source gone or a project archived; nothing is written then.
 */
export type ClonedMany = { ids: string[] } | { refused: number[] };

/**
 * Several clones in the caller's transaction with the statements of one: the sources read at once
 * and their projects at once (shared locks on MySQL/MariaDB, as for one clone), then one
 * multi-row INSERT. Every clone is checked before anything is written, so that all that cannot be
 * made are named together (the caller runs each of those alone, where it fails with its own error).
 */
export async function cloneMany(
  db: Database,
  clock: Clock,
  m: EntityManager,
  requests: CloneRequest[],
): Promise<ClonedMany> {
  const refused = new Set<number>();
  requests.forEach((r, i) => {
    if (!isIdText(r.sourceId)) refused.add(i);
  });
  const sourceIds = [
    ...new Set(requests.filter((_, i) => !refused.has(i)).map((r) => Number(r.sourceId))),
  ].sort((a, b) => a - b);
  const sources: Array<{
    id: string | number;
    account_id: number;
    project_id: string | number;
    body: string;
  }> =
    sourceIds.length === 0
      ? []
      : await m.query(
          `SELECT id, account_id, project_id, body FROM pools WHERE id IN (${marks(sourceIds)}) ` +
            `ORDER BY id${db.shareLock}`,
          sourceIds,
        );
  const byId = new Map(sources.map((row) => [String(row.id), row]));
  // Each clone's source, or undefined for one refused.
  const found = requests.map((r, i) => {
    const source = refused.has(i) ? undefined : byId.get(String(Number(r.sourceId)));
    if (source && Number(source.account_id) === r.accountId) return source;
    refused.add(i);
    return undefined;
  });
  const projectIds = [...new Set(found.flatMap((row) => (row ? [Number(row.project_id)] : [])))].sort(
    (a, b) => a - b,
  );
  const projects: Array<{ id: string | number; account_id: number; status: string }> =
    projectIds.length === 0
      ? []
      : await m.query(
          `SELECT id, account_id, status FROM crowd_projects WHERE id IN (${marks(projectIds)}) ` +
            `ORDER BY id${db.shareLock}`,
          projectIds,
        );
  const projectsById = new Map(projects.map((p) => [String(p.id), p]));
  found.forEach((row, i) => {
    if (!row) return;
    const project = projectsById.get(String(row.project_id));
    if (!project || Number(project.account_id) !== Number(row.account_id) || project.status !== 'ACTIVE')
      refused.add(i);
  });
  if (refused.size > 0) return { refused: [...refused].sort((a, b) => a - b) };
  const rows = found as NonNullable<(typeof found)[number]>[];
  const now = clock.now();
  const pools = rows.map((row) =>
    m.create(Pool, {
      accountId: Number(row.account_id),
      projectId: String(row.project_id),
      status: 'CLOSED',
      body: row.body,
      createdAt: now,
      lastStarted: null,
      lastStopped: null,
      lastCloseReason: null,
    }),
  );
  // One statement: TypeORM numbers the rows from the first id the INSERT reports, which holds
  // for one multi-row INSERT when AUTO_INCREMENT hands out consecutive values (MariaDB's default
  // lock mode, SQLite). A server that interleaves them (MySQL 8's default mode under concurrent
  // inserts, or auto_increment_increment > 1) is caught by reading the rows back: the batch then
  // fails as a whole and the runner makes each clone on its own.
  const inserted = await m.insert(Pool, pools);
  const ids = inserted.identifiers.map((identifier) => String(identifier.id));
  if (ids.length > 1) await assertInsertedAs(m, ids, rows);
  return { ids };
}

async function assertInsertedAs(
  m: EntityManager,
  ids: string[],
  rows: Array<{ account_id: number; project_id: string | number }>,
): Promise<void> {
  const found: Array<{ id: string | number; account_id: number; project_id: string | number }> =
    await m.query(`SELECT id, account_id, project_id FROM pools WHERE id IN (${marks(ids)})`, ids);
  const byId = new Map(found.map((row) => [String(row.id), row]));
  const same = ids.every((id, i) => {
    const row = byId.get(id);
    return (
      row !== undefined &&
      Number(row.account_id) === Number(rows[i].account_id) &&
      String(row.project_id) === String(rows[i].project_id)
    );
  });
  if (!same) throw new Error('the ids of a multi-row pool INSERT were not consecutive');
}

function marks(values: unknown[]): string {
  return values.map(() => '?').join(', ');
}
