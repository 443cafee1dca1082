import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { settlesWithin } from '../common/settles-within';
import { DomainError } from '../common/domain-error';
import { isIdText } from '../common/ids';
import type { RangeFilter, SearchPage, SortKey } from '../common/search';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database';
import { fetchPage, whereRange } from '../database/search-query';
import { fromSqlDateTime } from '../database/sql-time';
import { IdempotencyRequest, IdempotencyService } from '../idempotency/idempotency.service';
import { Operation } from '../operations/operation.entity';
import { OperationRunner } from '../operations/operation-runner';
import { OperationsService, OperationView } from '../operations/operations.service';
import { RateLimitsService } from '../rate-limits/rate-limits.service';
import { Pool, PoolCloseReason, PoolStatus } from './pool.entity';
import {
  createOnce,
  findPool,
  findPoolInProject,
  requireActiveProject,
  V1_IDEMPOTENCY_SCOPE,
} from './pool-lookups';

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

export interface PoolSearch {
  status?: PoolStatus;
  projectId?: string;
  id?: RangeFilter<number>;
  created?: RangeFilter<Date>;
  lastStarted?: RangeFilter<Date>;
  sort: SortKey<'id' | 'created' | 'last_started'>[];
  limit: number;
}

/** The outcome of a pool action: an operation (202), or null when already there (204). */
export type ActionResult = OperationView | null;

type PoolAction = 'open' | 'close' | 'close-for-update' | 'archive';

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

function inappropriate(action: string, status: PoolStatus, appropriate: PoolStatus[]): DomainError {
  return new DomainError('POOL_INAPPROPRIATE_STATUS', `Cannot ${action} a pool in status ${status}`, {
    meta: { appropriate_statuses: appropriate },
  });
}

/**
 * v1 pools (docs/v1.md#pools). Synchronous actions write the new state and an already-SUCCESS
 * operation in one transaction; clone enqueues POOL.CLONE for the job service (PoolCloneHandler
 * does the copy).
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
    private readonly config: AppConfig,
  ) {}

  async createPool(
    accountId: number,
    projectId: string,
    fields: PoolFields,
    idempotency?: IdempotencyRequest,
  ): Promise<PoolView> {
    return createOnce(
      this.idempotency,
      idempotency,
      accountId,
      { entity: Pool, status: 201, field: 'pool_id' },
      async (m) => {
        await requireActiveProject(this.db, m, accountId, projectId);
        await this.rateLimits.consume(m, accountId, 'POOL_CREATE');
        return this.insertPool(m, accountId, projectId, fields);
      },
      (id) => this.getPool(accountId, id),
    );
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
    return toPoolView(await this.db.read((m) => findPool(this.db, m, accountId, id)));
  }

  async searchPools(accountId: number, query: PoolSearch): Promise<SearchPage<PoolView>> {
    const page = await this.db.read((m) => {
      const qb = m.createQueryBuilder(Pool, 'p').where('p.account_id = :accountId', { accountId });
      if (query.status) qb.andWhere('p.status = :status', { status: query.status });
      if (query.projectId !== undefined) {
        // A malformed project id matches nothing.
        if (!isIdText(query.projectId)) qb.andWhere('1 = 0');
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

  /** PUT: every writable field replaced; only a CLOSED pool of an active project. */
  async replacePool(accountId: number, id: string, projectId: string, fields: PoolFields): Promise<PoolView> {
    return this.db.transaction(async (m) => {
      const row = await findPool(this.db, m, accountId, id, true);
      if (String(row.projectId) !== projectId) {
        throw new DomainError('POOL_PROJECT_IMMUTABLE', 'A pool cannot move to another project', {
          field: 'project_id',
        });
      }
      if (row.status !== 'CLOSED') throw inappropriate('edit', row.status, ['CLOSED']);
      await requireActiveProject(this.db, m, accountId, projectId);
      row.body = JSON.stringify(fields);
      await m.update(Pool, { id: row.id }, { body: row.body });
      return toPoolView(row);
    });
  }

  async patchPool(accountId: number, id: string, patch: { priority?: number }): Promise<PoolView> {
    return this.db.transaction(async (m) => {
      const row = await findPool(this.db, m, accountId, id, true);
      if (row.status !== 'OPEN' && row.status !== 'CLOSED')
        throw inappropriate('edit', row.status, ['OPEN', 'CLOSED']);
      if (patch.priority !== undefined) {
        row.body = JSON.stringify({ ...(JSON.parse(row.body) as PoolFields), priority: patch.priority });
        await m.update(Pool, { id: row.id }, { body: row.body });
      }
      return toPoolView(row);
    });
  }

  /** open / close / close-for-update / archive: an operation, or null when already there. */
  async act(accountId: number, id: string, action: PoolAction): Promise<ActionResult> {
    return this.db.transaction(async (m) => {
      const row = await findPool(this.db, m, accountId, id, true);
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
   * Enqueues POOL.CLONE (docs/v1.md#clone): checks and the operation in one transaction. With a
   * worker free in this instance the operation is written RUNNING under its lease and runs right
   * after the commit, and the answer waits up to POOL_CLONE_ANSWER_WAIT_MS for its outcome;
   * otherwise PENDING, and the local runner is woken. The copy itself is PoolCloneHandler's.
   */
  async clonePool(accountId: number, id: string, idempotency?: IdempotencyRequest): Promise<OperationView> {
    let enqueued: OperationView | undefined;
    const worker = this.runner.reserve();
    try {
      const result = await this.idempotency.run(
        idempotency,
        accountId,
        V1_IDEMPOTENCY_SCOPE,
        async (m) => {
          enqueued = undefined;
          const pool = await findPool(this.db, m, accountId, id);
          if (pool.status === 'LOCKED')
            throw inappropriate('clone', pool.status, ['OPEN', 'CLOSED', 'ARCHIVED']);
          await requireActiveProject(this.db, m, accountId, String(pool.projectId), true);
          await this.rateLimits.consume(m, accountId, 'POOL_CLONE');
          const input = { accountId, type: POOL_CLONE, parameters: { pool_id: String(pool.id) } };
          enqueued = await this.operations.enqueue(m, input, worker ?? undefined);
          return { status: 202, body: { operation_id: enqueued.id } };
        },
        // The operation's id is made before its transaction: after a lost COMMIT, the row says
        // whether it was queued, so a retried request never queues a second clone.
        { inserted: () => enqueued && { entity: Operation, id: enqueued.id } },
      );
      if (enqueued && !result.replayed) {
        if (!worker) {
          this.runner.wake();
          return enqueued;
        }
        const run = worker.start();
        const waitMs = this.config.POOL_CLONE_ANSWER_WAIT_MS;
        if (waitMs === 0 || !(await settlesWithin(run, waitMs))) return enqueued;
        // Finished, failed for good, or put back for a retry: the row says which. The operation is
        // committed whatever this read does, so a failed read answers it as submitted.
        return await this.operations.get(accountId, enqueued.id).catch(() => enqueued!);
      }
      return this.operations.get(accountId, String((result.body as { operation_id: string }).operation_id));
    } finally {
      worker?.cancel();
    }
  }

  /** The clone itself, in the job's transaction: a CLOSED copy in the same project. */
  async cloneInTransaction(m: EntityManager, accountId: number, sourceId: string): Promise<PoolView> {
    // The parameters as they are when the job runs, under a shared lock on MySQL/MariaDB so that
    // a PUT of the source running at the same time is copied whole, before or after; its project
    // under the same lock (an archive waits for the copy or is seen done).
    const source = await findPoolInProject(this.db, m, accountId, sourceId);
    source.requireActiveProject();
    return this.insertPool(m, accountId, source.projectId, JSON.parse(source.body) as PoolFields);
  }
}
