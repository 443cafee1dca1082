import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { isIdText } from '../common/ids';
import type { Database } from '../database/database';
import { Pool } from './pool.entity';
import { projectArchived } from './pool-lookups';

/** One clone of a batch: the account that asked and the pool it named. */
export interface CloneRequest {
  accountId: number;
  sourceId: string;
}

/**
 * Several clones in the caller's transaction with the statements of one: the sources read at once
 * and their projects at once (shared locks on MySQL/MariaDB, as for one clone), then one
 * multi-row INSERT. Answers the new pools' ids in the order asked. Any clone that cannot be made
 * (a source gone, a project archived) throws, and the caller rolls the whole batch back.
 */
export async function cloneMany(
  db: Database,
  clock: Clock,
  m: EntityManager,
  requests: CloneRequest[],
): Promise<string[]> {
  const bad = requests.find((r) => !isIdText(r.sourceId));
  if (bad) throw new DomainError('POOL_NOT_FOUND', `Pool ${bad.sourceId} does not exist`);
  const sourceIds = [...new Set(requests.map((r) => Number(r.sourceId)))].sort((a, b) => a - b);
  const sources: Array<{
    id: string | number;
    account_id: number;
    project_id: string | number;
    body: string;
  }> = await m.query(
    `SELECT id, account_id, project_id, body FROM pools WHERE id IN (${marks(sourceIds)}) ` +
      `ORDER BY id${db.shareLock}`,
    sourceIds,
  );
  const byId = new Map(sources.map((row) => [String(row.id), row]));
  const rows = requests.map((r) => {
    const source = byId.get(String(Number(r.sourceId)));
    if (!source || Number(source.account_id) !== r.accountId)
      throw new DomainError('POOL_NOT_FOUND', `Pool ${r.sourceId} does not exist`);
    return source;
  });
  const projectIds = [...new Set(rows.map((row) => Number(row.project_id)))].sort((a, b) => a - b);
  const projects: Array<{ id: string | number; account_id: number; status: string }> = await m.query(
    `SELECT id, account_id, status FROM crowd_projects WHERE id IN (${marks(projectIds)}) ` +
      `ORDER BY id${db.shareLock}`,
    projectIds,
  );
  const projectsById = new Map(projects.map((p) => [String(p.id), p]));
  for (const row of rows) {
    const projectId = String(row.project_id);
    const project = projectsById.get(projectId);
    if (!project || Number(project.account_id) !== Number(row.account_id))
      throw new DomainError('CROWD_PROJECT_NOT_FOUND', `Project ${projectId} does not exist`);
    if (project.status !== 'ACTIVE') throw projectArchived(projectId);
  }
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
  return ids;
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
