import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { DomainError } from '../common/domain-error';
import { isIdText } from '../common/ids';
import type { Database } from '../database/database';
import type { IdempotencyRequest, IdempotencyService } from '../idempotency/idempotency.service';
import { CrowdProject } from './crowd-project.entity';
import { Pool } from './pool.entity';

// Lookups shared by the services of v1 projects and pools. An id that is not a decimal id names
// nothing: it answers as a missing object, without a query.

// One namespace for every Idempotency-Key of the v1 face: a key names one request of the account,
// so the same key on another route is "a different request" (409 CONFLICT_STATE,
// docs/v1.md#idempotency-key).
export const V1_IDEMPOTENCY_SCOPE = 'V1';

/** What a v1 create (project, pool) answers and keeps for its Idempotency-Key. */
export interface V1Creation {
  /** The new row's table: after a lost COMMIT it tells whether the request took effect. */
  entity: EntityTarget<ObjectLiteral>;
  status: number;
  /** The body member that names the new object (`pool_id`, …), the one a repeat reads back. */
  field: string;
}

/**
 * A v1 create at most once per Idempotency-Key: `work` makes the object in the key's transaction;
 * a repeat gets the object the first request made, as `read` finds it now.
 */
export async function createOnce<V extends { id: string }>(
  idempotency: IdempotencyService,
  request: IdempotencyRequest | undefined,
  accountId: number,
  creation: V1Creation,
  work: (m: EntityManager) => Promise<V>,
  read: (id: string) => Promise<V>,
): Promise<V> {
  let created: V | undefined;
  const result = await idempotency.run(
    request,
    accountId,
    V1_IDEMPOTENCY_SCOPE,
    async (m) => {
      // A transaction run again (after a deadlock) names only what its own run made.
      created = undefined;
      created = await work(m);
      return { status: creation.status, body: { [creation.field]: created.id } };
    },
    // toloka-kit retries a 5xx: a lost COMMIT is resolved before answering.
    { inserted: () => created && { entity: creation.entity, id: created.id } },
  );
  if (created && !result.replayed) return created;
  return read(String((result.body as Record<string, unknown>)[creation.field]));
}

async function findOwned<E extends Pool | CrowdProject>(
  db: Database,
  m: EntityManager,
  entity: new () => E,
  accountId: number,
  id: string,
  lock: boolean,
): Promise<E | null> {
  if (!isIdText(id)) return null;
  const qb = m
    .createQueryBuilder(entity, 'r')
    .where('r.id = :id AND r.account_id = :accountId', { id: Number(id), accountId });
  return (lock ? db.forUpdate(qb) : qb).getOne();
}

/** The caller's pool, locked for update when asked (MySQL/MariaDB); POOL_NOT_FOUND otherwise. */
export async function findPool(
  db: Database,
  m: EntityManager,
  accountId: number,
  id: string,
  lock = false,
): Promise<Pool> {
  const row = await findOwned(db, m, Pool, accountId, id, lock);
  if (!row) throw new DomainError('POOL_NOT_FOUND', `Pool ${id} does not exist`);
  return row;
}

/** The caller's project, locked for update when asked; CROWD_PROJECT_NOT_FOUND otherwise. */
export async function findProject(
  db: Database,
  m: EntityManager,
  accountId: number,
  id: string,
  lock = false,
): Promise<CrowdProject> {
  const row = await findOwned(db, m, CrowdProject, accountId, id, lock);
  if (!row) throw new DomainError('CROWD_PROJECT_NOT_FOUND', `Project ${id} does not exist`);
  return row;
}

/**
 * The project a pool is created in, cloned into or edited under: it must be the caller's and
 * ACTIVE. A project named in a pool body (`existing` false) that is missing or another account's
 * is a 400 on project_id; the project of an existing pool that is gone is CROWD_PROJECT_NOT_FOUND.
 */
export async function requireActiveProject(
  db: Database,
  m: EntityManager,
  accountId: number,
  projectId: string,
  existing = false,
): Promise<void> {
  // A shared lock on MySQL/MariaDB: an archive running at the same time (which locks the row for
  // update) either waits for this pool to commit or is seen as done — never a new pool in an
  // archived project. The pool's foreign key takes the same lock anyway. Read by id alone, so
  // that a missing project is told from another account's.
  const [row]: Array<{ status: string; account_id: number }> = isIdText(projectId)
    ? await m.query(`SELECT status, account_id FROM crowd_projects WHERE id = ?${db.shareLock}`, [
        Number(projectId),
      ])
    : [];
  const project = row && Number(row.account_id) === accountId ? row : undefined;
  if (!project) {
    if (existing) throw new DomainError('CROWD_PROJECT_NOT_FOUND', `Project ${projectId} does not exist`);
    if (row) {
      throw new DomainError('POOL_PROJECT_FOREIGN', `Project ${projectId} is not yours`, {
        field: 'project_id',
      });
    }
    throw new DomainError('POOL_PROJECT_INVALID', `Project ${projectId} does not exist`, {
      field: 'project_id',
    });
  }
  if (project.status !== 'ACTIVE') throw projectArchived(projectId);
}

/** A pool read with its project's state (findPoolInProject). */
export interface PoolInProject {
  projectId: string;
  body: string;
  /** Throws what requireActiveProject(…, existing) throws unless the project is the account's and ACTIVE. */
  requireActiveProject(): void;
}

/**
 * The caller's pool and its project in one statement, both rows under a shared lock on
 * MySQL/MariaDB, for the clone's job (the statements of findPool with a shared lock and
 * requireActiveProject in one); POOL_NOT_FOUND otherwise. Not for the clone's request, which
 * reads the pool without a lock (a writer holding the pool must not hold up submissions).
 */
export async function findPoolInProject(
  db: Database,
  m: EntityManager,
  accountId: number,
  id: string,
): Promise<PoolInProject> {
  const [row]: Array<{
    project_id: string | number;
    body: string;
    project_status: string | null;
    project_account: number | string | null;
  }> = isIdText(id)
    ? await m.query(
        `SELECT p.project_id, p.body, c.status AS project_status, c.account_id AS project_account ` +
          `FROM pools p LEFT JOIN crowd_projects c ON c.id = p.project_id ` +
          `WHERE p.id = ? AND p.account_id = ?${db.shareLock}`,
        [Number(id), accountId],
      )
    : [];
  if (!row) throw new DomainError('POOL_NOT_FOUND', `Pool ${id} does not exist`);
  const projectId = String(row.project_id);
  return {
    projectId,
    body: row.body,
    requireActiveProject: () => {
      if (row.project_status === null || Number(row.project_account) !== accountId)
        throw new DomainError('CROWD_PROJECT_NOT_FOUND', `Project ${projectId} does not exist`);
      if (row.project_status !== 'ACTIVE') throw projectArchived(projectId);
    },
  };
}

export function projectArchived(projectId: string): DomainError {
  return new DomainError('PROJECT_INAPPROPRIATE_STATUS', `Project ${projectId} is archived`, {
    meta: { appropriate_statuses: ['ACTIVE'] },
  });
}
