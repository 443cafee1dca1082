import { Injectable } from '@nestjs/common';
import { EntityManager, Not } from 'typeorm';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { Database } from '../database/database';
import { fromSqlDateTime } from '../database/sql-time';
import { IdempotencyRequest, IdempotencyService } from '../idempotency/idempotency.service';
import { Operation } from '../operations/operation.entity';
import { OperationRunner } from '../operations/operation-runner';
import { OperationsService, OperationView } from '../operations/operations.service';
import { fetchPage, RangeFilter, SearchPage, SortKey, whereRange } from '../operations/search';
import { RateLimitsService } from '../rate-limits/rate-limits.service';
import { CrowdProject, CrowdProjectStatus } from './crowd-project.entity';
import { Pool, PoolCloseReason, PoolStatus } from './pool.entity';

export const POOL_CLONE = 'POOL.CLONE';

/** Writable pool fields other than project_id, in the v1 model's own names (opaque here). */
export type PoolFields = Record<string, unknown>;

export interface PoolView {
  id: string;
  accountId: number;
  projectId: string;
  status: PoolStatus;
  fields: PoolFields;
  created: Date;
  lastStarted?: Date;
  lastStopped?: Date;
  lastCloseReason?: PoolCloseReason;
}

export interface CrowdProjectView {
  id: string;
  accountId: number;
  status: CrowdProjectStatus;
  fields: Record<string, unknown>;
  created: Date;
}

export interface PoolSearch {
  status?: PoolStatus;
  projectId?: string;
  id?: RangeFilter<number>;
  created?: RangeFilter<Date>;
  lastStarted?: RangeFilter<Date>;
  sort: SortKey<'id' | 'created' | 'last_started'>[];
  limit: number;
}

export interface CrowdProjectSearch {
  status?: CrowdProjectStatus;
  id?: RangeFilter<number>;
  created?: RangeFilter<Date>;
  sort: SortKey<'id' | 'created' | 'public_name' | 'private_comment'>[];
  limit: number;
}

/** The outcome of a pool action: an operation (202), or null when already there (204). */
export type ActionResult = OperationView | null;

type PoolAction = 'open' | 'close' | 'close-for-update' | 'archive';

const NUMERIC_ID = /^\d{1,18}$/;

export function toPoolView(row: Pool): PoolView {
  const view: PoolView = {
    id: String(row.id),
    accountId: row.accountId,
    projectId: String(row.projectId),
    status: row.status,
    fields: JSON.parse(row.body) as PoolFields,
    created: fromSqlDateTime(row.createdAt)!,
  };
  if (row.lastStarted) view.lastStarted = fromSqlDateTime(row.lastStarted)!;
  if (row.lastStopped) view.lastStopped = fromSqlDateTime(row.lastStopped)!;
  if (row.lastCloseReason) view.lastCloseReason = row.lastCloseReason;
  return view;
}

function toProjectView(row: CrowdProject): CrowdProjectView {
  return {
    id: String(row.id),
    accountId: row.accountId,
    status: row.status,
    fields: JSON.parse(row.body) as Record<string, unknown>,
    created: fromSqlDateTime(row.createdAt)!,
  };
}

function inappropriate(action: string, status: PoolStatus, appropriate: PoolStatus[]): DomainError {
  return new DomainError('POOL_INAPPROPRIATE_STATUS', `Cannot ${action} a pool in status ${status}`, {
    meta: { appropriate_statuses: appropriate },
  });
}

// One namespace for every Idempotency-Key of the v1 face (§11): a key names one request of the
// account, so the same key on another route is "a different request" (409 CONFLICT_STATE).
const V1_IDEMPOTENCY_SCOPE = 'V1';

/**
 * v1 crowd projects and pools (pools-and-operations.md §6–§8). Synchronous actions write the new
 * state and an already-SUCCESS operation in one transaction; clone enqueues POOL.CLONE for the
 * job service (PoolCloneHandler does the copy).
 */
@Injectable()
export class PoolsService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly operations: OperationsService,
    private readonly runner: OperationRunner,
    private readonly rateLimits: RateLimitsService,
    private readonly idempotency: IdempotencyService,
  ) {}

  // ---- projects ----

  async createProject(
    accountId: number,
    fields: Record<string, unknown>,
    idempotency?: IdempotencyRequest,
  ): Promise<CrowdProjectView> {
    let created: CrowdProject | undefined;
    const result = await this.idempotency.run(
      idempotency,
      accountId,
      V1_IDEMPOTENCY_SCOPE,
      async (m) => {
        created = undefined;
        await this.rateLimits.consume(m, accountId, 'PROJECT_CREATE');
        const row = m.create(CrowdProject, {
          accountId,
          status: 'ACTIVE',
          ...projectColumns(fields),
          createdAt: this.clock.now(),
        });
        const inserted = await m.insert(CrowdProject, row);
        row.id = String(inserted.identifiers[0].id);
        created = row;
        return { status: 201, body: { project_id: row.id } };
      },
      // toloka-kit retries a 5xx: a lost COMMIT is resolved before answering (§3.4).
      { inserted: () => created && { entity: CrowdProject, id: created.id } },
    );
    if (created && !result.replayed) return toProjectView(created);
    return this.getProject(accountId, String((result.body as { project_id: string }).project_id));
  }

  async getProject(accountId: number, id: string): Promise<CrowdProjectView> {
    return toProjectView(await this.db.read((m) => this.findProject(m, accountId, id)));
  }

  async searchProjects(accountId: number, query: CrowdProjectSearch): Promise<SearchPage<CrowdProjectView>> {
    const page = await this.db.read((m) => {
      const qb = m.createQueryBuilder(CrowdProject, 'p').where('p.account_id = :accountId', { accountId });
      if (query.status) qb.andWhere('p.status = :status', { status: query.status });
      whereRange(qb, 'p.id', query.id);
      whereRange(qb, 'p.created_at', query.created);
      return fetchPage(
        qb,
        {
          id: 'p.id',
          created: 'p.created_at',
          public_name: 'p.public_name',
          private_comment: 'p.private_comment',
        },
        'p.id',
        query.sort,
        query.limit,
      );
    });
    return { items: page.items.map(toProjectView), hasMore: page.hasMore };
  }

  async updateProject(
    accountId: number,
    id: string,
    fields: Record<string, unknown>,
  ): Promise<CrowdProjectView> {
    return this.db.transaction(async (m) => {
      const row = await this.findProject(m, accountId, id, true);
      if (row.status !== 'ACTIVE') {
        throw new DomainError('PROJECT_INAPPROPRIATE_STATUS', `Project ${id} is archived`, {
          meta: { appropriate_statuses: ['ACTIVE'] },
        });
      }
      Object.assign(row, projectColumns(fields));
      await m.update(CrowdProject, { id: row.id }, projectColumns(fields));
      return toProjectView(row);
    });
  }

  /** Always an operation, even when already archived: the client parses a body (§6.4). */
  async archiveProject(accountId: number, id: string): Promise<OperationView> {
    return this.db.transaction(async (m) => {
      const row = await this.findProject(m, accountId, id, true);
      const open = await m.count(Pool, { where: { accountId, projectId: row.id, status: Not('ARCHIVED') } });
      if (open > 0) {
        throw new DomainError(
          'PROJECT_UNARCHIVED_POOLS',
          `Project ${id} has ${open} pool(s) that are not archived`,
        );
      }
      if (row.status !== 'ARCHIVED') await m.update(CrowdProject, { id: row.id }, { status: 'ARCHIVED' });
      return this.operations.recordFinished(m, {
        accountId,
        type: 'PROJECT.ARCHIVE',
        parameters: { project_id: String(row.id) },
        details: {},
      });
    });
  }

  // ---- pools ----

  async createPool(
    accountId: number,
    projectId: string,
    fields: PoolFields,
    idempotency?: IdempotencyRequest,
  ): Promise<PoolView> {
    let created: PoolView | undefined;
    const result = await this.idempotency.run(
      idempotency,
      accountId,
      V1_IDEMPOTENCY_SCOPE,
      async (m) => {
        created = undefined;
        await this.requireActiveProject(m, accountId, projectId);
        await this.rateLimits.consume(m, accountId, 'POOL_CREATE');
        created = await this.insertPool(m, accountId, projectId, fields);
        return { status: 201, body: { pool_id: created.id } };
      },
      { inserted: () => created && { entity: Pool, id: created.id } },
    );
    if (created && !result.replayed) return created;
    return this.getPool(accountId, String((result.body as { pool_id: string }).pool_id));
  }

  /** Writes a new CLOSED pool in the caller's transaction (create, and the clone handler). */
  async insertPool(
    m: EntityManager,
    accountId: number,
    projectId: string,
    fields: PoolFields,
  ): Promise<PoolView> {
    const row = m.create(Pool, {
      accountId,
      projectId,
      status: 'CLOSED',
      body: JSON.stringify(fields),
      createdAt: this.clock.now(),
      lastStarted: null,
      lastStopped: null,
      lastCloseReason: null,
    });
    const inserted = await m.insert(Pool, row);
    row.id = String(inserted.identifiers[0].id);
    return toPoolView(row);
  }

  async getPool(accountId: number, id: string): Promise<PoolView> {
    return toPoolView(await this.db.read((m) => this.findPool(m, accountId, id)));
  }

  async searchPools(accountId: number, query: PoolSearch): Promise<SearchPage<PoolView>> {
    const page = await this.db.read((m) => {
      const qb = m.createQueryBuilder(Pool, 'p').where('p.account_id = :accountId', { accountId });
      if (query.status) qb.andWhere('p.status = :status', { status: query.status });
      if (query.projectId !== undefined) {
        // A malformed project id matches nothing.
        if (!NUMERIC_ID.test(query.projectId)) qb.andWhere('1 = 0');
        else qb.andWhere('p.project_id = :projectId', { projectId: Number(query.projectId) });
      }
      whereRange(qb, 'p.id', query.id);
      whereRange(qb, 'p.created_at', query.created);
      whereRange(qb, 'p.last_started', query.lastStarted);
      return fetchPage(
        qb,
        { id: 'p.id', created: 'p.created_at', last_started: 'p.last_started' },
        'p.id',
        query.sort,
        query.limit,
      );
    });
    return { items: page.items.map(toPoolView), hasMore: page.hasMore };
  }

  /** PUT: every writable field replaced; only a CLOSED pool of an active project (§7.3). */
  async replacePool(accountId: number, id: string, projectId: string, fields: PoolFields): Promise<PoolView> {
    return this.db.transaction(async (m) => {
      const row = await this.findPool(m, accountId, id, true);
      if (String(row.projectId) !== projectId) {
        throw new DomainError('POOL_PROJECT_IMMUTABLE', 'A pool cannot move to another project', {
          field: 'project_id',
        });
      }
      if (row.status !== 'CLOSED') throw inappropriate('edit', row.status, ['CLOSED']);
      await this.requireActiveProject(m, accountId, projectId);
      row.body = JSON.stringify(fields);
      await m.update(Pool, { id: row.id }, { body: row.body });
      return toPoolView(row);
    });
  }

  async patchPool(accountId: number, id: string, patch: { priority?: number }): Promise<PoolView> {
    return this.db.transaction(async (m) => {
      const row = await this.findPool(m, accountId, id, true);
      if (row.status !== 'OPEN' && row.status !== 'CLOSED')
        throw inappropriate('edit', row.status, ['OPEN', 'CLOSED']);
      if (patch.priority !== undefined) {
        row.body = JSON.stringify({ ...(JSON.parse(row.body) as PoolFields), priority: patch.priority });
        await m.update(Pool, { id: row.id }, { body: row.body });
      }
      return toPoolView(row);
    });
  }

  /** open / close / close-for-update / archive (§8.1): an operation, or null when already there. */
  async act(accountId: number, id: string, action: PoolAction): Promise<ActionResult> {
    return this.db.transaction(async (m) => {
      const row = await this.findPool(m, accountId, id, true);
      const now = this.clock.now();
      let type: string;
      let change: Partial<Pool>;
      switch (action) {
        case 'open':
          if (row.status === 'OPEN') return null;
          if (row.status !== 'CLOSED') throw inappropriate('open', row.status, ['CLOSED']);
          type = 'POOL.OPEN';
          change = { status: 'OPEN', lastStarted: now };
          break;
        case 'close':
        case 'close-for-update':
          if (row.status === 'CLOSED') return null;
          if (row.status !== 'OPEN') throw inappropriate('close', row.status, ['OPEN']);
          type = 'POOL.CLOSE';
          change = {
            status: 'CLOSED',
            lastStopped: now,
            lastCloseReason: action === 'close' ? 'MANUAL' : 'FOR_UPDATE',
          };
          break;
        case 'archive':
          if (row.status === 'ARCHIVED') return null;
          if (row.status !== 'CLOSED') throw inappropriate('archive', row.status, ['CLOSED']);
          type = 'POOL.ARCHIVE';
          change = { status: 'ARCHIVED' };
          break;
      }
      await m.update(Pool, { id: row.id }, change);
      return this.operations.recordFinished(m, { accountId, type, parameters: { pool_id: String(row.id) } });
    });
  }

  /**
   * Enqueues POOL.CLONE (§8.3, §9.5): checks and the PENDING operation in one transaction, then
   * wakes the local runner. The copy itself is PoolCloneHandler's.
   */
  async clonePool(accountId: number, id: string, idempotency?: IdempotencyRequest): Promise<OperationView> {
    let enqueued: OperationView | undefined;
    const result = await this.idempotency.run(
      idempotency,
      accountId,
      V1_IDEMPOTENCY_SCOPE,
      async (m) => {
        enqueued = undefined;
        const pool = await this.findPool(m, accountId, id);
        if (pool.status === 'LOCKED')
          throw inappropriate('clone', pool.status, ['OPEN', 'CLOSED', 'ARCHIVED']);
        await this.requireActiveProject(m, accountId, String(pool.projectId), true);
        await this.rateLimits.consume(m, accountId, 'POOL_CLONE');
        enqueued = await this.operations.enqueue(m, {
          accountId,
          type: POOL_CLONE,
          parameters: { pool_id: String(pool.id) },
        });
        return { status: 202, body: { operation_id: enqueued.id } };
      },
      // The operation's id is made before its transaction: after a lost COMMIT, the row says
      // whether it was queued, so a retried request never queues a second clone.
      { inserted: () => enqueued && { entity: Operation, id: enqueued.id } },
    );
    if (enqueued && !result.replayed) {
      this.runner.wake();
      return enqueued;
    }
    return this.operations.get(accountId, String((result.body as { operation_id: string }).operation_id));
  }

  /** The clone itself, in the job's transaction: a CLOSED copy in the same project. */
  async cloneInTransaction(m: EntityManager, accountId: number, sourceId: string): Promise<PoolView> {
    // The parameters as they are now (§9.5), under a shared lock on MySQL/MariaDB so that a PUT of
    // the source running at the same time is copied whole, before or after.
    const rows: Array<{ project_id: string | number; body: string }> = NUMERIC_ID.test(sourceId)
      ? await m.query(
          'SELECT project_id, body FROM pools WHERE id = ? AND account_id = ?' +
            (this.db.dialect === 'mysql' ? ' LOCK IN SHARE MODE' : ''),
          [Number(sourceId), accountId],
        )
      : [];
    if (!rows[0]) throw new DomainError('POOL_NOT_FOUND', `Pool ${sourceId} does not exist`);
    const projectId = String(rows[0].project_id);
    await this.requireActiveProject(m, accountId, projectId, true);
    return this.insertPool(m, accountId, projectId, JSON.parse(rows[0].body) as PoolFields);
  }

  // ---- lookups ----

  private async findPool(m: EntityManager, accountId: number, id: string, lock = false): Promise<Pool> {
    let row: Pool | null = null;
    if (NUMERIC_ID.test(id)) {
      const qb = m
        .createQueryBuilder(Pool, 'p')
        .where('p.id = :id AND p.account_id = :accountId', { id: Number(id), accountId });
      if (lock && this.db.dialect === 'mysql') qb.setLock('pessimistic_write');
      row = await qb.getOne();
    }
    if (!row) throw new DomainError('POOL_NOT_FOUND', `Pool ${id} does not exist`);
    return row;
  }

  private async findProject(
    m: EntityManager,
    accountId: number,
    id: string,
    lock = false,
  ): Promise<CrowdProject> {
    let row: CrowdProject | null = null;
    if (NUMERIC_ID.test(id)) {
      const qb = m
        .createQueryBuilder(CrowdProject, 'p')
        .where('p.id = :id AND p.account_id = :accountId', { id: Number(id), accountId });
      if (lock && this.db.dialect === 'mysql') qb.setLock('pessimistic_write');
      row = await qb.getOne();
    }
    if (!row) throw new DomainError('CROWD_PROJECT_NOT_FOUND', `Project ${id} does not exist`);
    return row;
  }

  /**
   * The project a pool is created in, cloned into or edited under: it must be the caller's
   * (else a 400 on project_id for a body reference) and ACTIVE (else 409).
   */
  private async requireActiveProject(
    m: EntityManager,
    accountId: number,
    projectId: string,
    existing = false,
  ): Promise<void> {
    // A shared lock on MySQL/MariaDB: an archive running at the same time (which locks the row
    // for update) either waits for this pool to commit or is seen as done — never a new pool in
    // an archived project. The pool's foreign key takes the same lock anyway. LOCK IN SHARE MODE
    // rather than TypeORM's FOR SHARE, which MariaDB does not parse.
    // Read by id alone: §7.2 tells a missing project from another account's.
    const [row]: Array<{ status: string; account_id: number }> = NUMERIC_ID.test(projectId)
      ? await m.query(
          `SELECT status, account_id FROM crowd_projects WHERE id = ?` +
            (this.db.dialect === 'mysql' ? ' LOCK IN SHARE MODE' : ''),
          [Number(projectId)],
        )
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
    if (project.status !== 'ACTIVE') {
      throw new DomainError('PROJECT_INAPPROPRIATE_STATUS', `Project ${projectId} is archived`, {
        meta: { appropriate_statuses: ['ACTIVE'] },
      });
    }
  }
}

function projectColumns(fields: Record<string, unknown>) {
  return {
    publicName: String(fields.public_name ?? ''),
    privateComment: typeof fields.private_comment === 'string' ? fields.private_comment : null,
    body: JSON.stringify(fields),
  };
}
