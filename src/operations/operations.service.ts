import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager, In } from 'typeorm';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { Database } from '../database/database';
import { fromSqlDateTime, toSqlDateTime } from '../database/sql-time';
import { Operation, OperationLogEntry, OperationStatus } from './operation.entity';
import type { RangeFilter, SearchPage, SortKey } from '../common/search';
import { fetchPage, whereRange } from '../database/search-query';

/** An operation as the faces show it (each face formats it its own way). */
export interface OperationView {
  id: string;
  type: string;
  status: OperationStatus;
  submitted: Date;
  started?: Date;
  finished?: Date;
  progress: number;
  parameters: Record<string, unknown>;
  details?: Record<string, unknown>;
}

export type OperationSortField = 'id' | 'submitted' | 'finished';

export interface OperationSearch {
  type?: string;
  status?: OperationStatus;
  id?: RangeFilter<string>;
  submitted?: RangeFilter<Date>;
  finished?: RangeFilter<Date>;
  sort: SortKey<OperationSortField>[];
  limit: number;
}

/** Operation types claimed together, and how many of them at most. */
export interface ClaimGroup {
  types: string[];
  limit: number;
}

export interface NewOperation {
  /** Chosen by the caller instead of a random UUID: the demo seed's operation has one the docs can name. */
  id?: string;
  accountId: number;
  type: string;
  parameters: Record<string, unknown>;
}

/** A worker set aside for the operation a request enqueues (OperationRunner.reserve). */
export interface OperationClaim {
  readonly owner: string;
  readonly leaseMs: number;
  /** The row as written (the last attempt's, if the transaction ran again). */
  hold(row: Operation): void;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function toOperationView(row: Operation): OperationView {
  const view: OperationView = {
    id: row.id,
    type: row.type,
    status: row.status,
    submitted: fromSqlDateTime(row.submitted)!,
    progress: row.progress,
    parameters: JSON.parse(row.parameters) as Record<string, unknown>,
  };
  if (row.started) view.started = fromSqlDateTime(row.started)!;
  if (row.finished) view.finished = fromSqlDateTime(row.finished)!;
  if (row.details !== null) view.details = JSON.parse(row.details) as Record<string, unknown>;
  return view;
}

/**
 * Owns the operations table and its state machine (PENDING → RUNNING → SUCCESS | FAIL); nothing
 * else writes `status`. The job-service side (claim, lease, finish) is used by OperationRunner.
 */
@Injectable()
export class OperationsService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  /**
   * Writes a PENDING operation in the caller's transaction; wake the runner after the commit. With
   * a claim: RUNNING under its lease (first attempt, `started` now), for its worker to run after
   * the commit; if that instance dies first, the lease expires and any instance claims it.
   */
  enqueue(m: EntityManager, input: NewOperation, claim?: OperationClaim): Promise<OperationView> {
    return this.insert(m, input, claim ? 'RUNNING' : 'PENDING', claim);
  }

  /**
   * Enqueues unless the account already has `limit.max` operations of `limit.types` that are
   * PENDING or RUNNING (OPERATION_LIMIT_REACHED). Counted in the database under a lock on the
   * account's row, so every instance agrees and two submissions cannot both take the last slot.
   */
  async enqueueWithin(
    m: EntityManager,
    input: NewOperation,
    limit: { types: string[]; max: number },
    claim?: OperationClaim,
  ): Promise<OperationView> {
    await m.query(`SELECT id FROM accounts WHERE id = ?${this.db.sql.forUpdate}`, [input.accountId]);
    // A locking read: a plain one would count from the transaction's snapshot, taken before the
    // account's lock, and miss the operations committed while this one waited for it.
    const [{ n }] = (await m.query(
      `SELECT COUNT(*) AS n FROM operations WHERE account_id = ? AND status IN ('PENDING', 'RUNNING') AND type IN (${limit.types.map(() => '?').join(', ')})${this.db.sql.forUpdate}`,
      [input.accountId, ...limit.types],
    )) as Array<{ n: number | string }>;
    if (Number(n) >= limit.max) {
      throw new DomainError(
        'OPERATION_LIMIT_REACHED',
        `The organization already runs ${limit.max} copies; try again when one has finished`,
        { meta: { limit: limit.max } },
      );
    }
    return this.enqueue(m, input, claim);
  }

  /**
   * Records work done synchronously in the caller's transaction (pool open/close/archive, project
   * archive): submitted = started = finished, progress 100, SUCCESS.
   */
  recordFinished(
    m: EntityManager,
    input: NewOperation & { details?: Record<string, unknown> },
  ): Promise<OperationView> {
    return this.insert(m, input, 'SUCCESS');
  }

  /** Every column is set here, so the INSERT reads nothing back (one statement). */
  private async insert(
    m: EntityManager,
    input: NewOperation & { details?: Record<string, unknown> },
    status: 'PENDING' | 'RUNNING' | 'SUCCESS',
    claim?: OperationClaim,
  ): Promise<OperationView> {
    const now = this.clock.now();
    const row = this.newRow(m, input, status, now);
    if (claim) {
      const leaseExpiresAt = new Date(now.getTime() + claim.leaseMs);
      Object.assign(row, { started: now, attempts: 1, leaseOwner: claim.owner, leaseExpiresAt });
    }
    await m.createQueryBuilder().insert().into(Operation).values(row).updateEntity(false).execute();
    claim?.hold(row);
    return toOperationView(row);
  }

  private newRow(
    m: EntityManager,
    input: NewOperation & { details?: Record<string, unknown> },
    status: OperationStatus,
    now: Date,
  ): Operation {
    const done = status === 'SUCCESS';
    return m.create(Operation, {
      id: input.id ?? randomUUID(),
      accountId: input.accountId,
      type: input.type,
      status,
      submitted: now,
      started: done ? now : null,
      finished: done ? now : null,
      progress: done ? 100 : 0,
      parameters: JSON.stringify(input.parameters),
      details: input.details === undefined ? null : JSON.stringify(input.details),
      log: null,
      attempts: done ? 1 : 0,
      availableAt: now,
      leaseOwner: null,
      leaseExpiresAt: null,
    });
  }

  async get(accountId: number, id: string): Promise<OperationView> {
    return toOperationView(await this.find(accountId, id));
  }

  async log(accountId: number, id: string): Promise<OperationLogEntry[]> {
    const row = await this.find(accountId, id);
    return row.log ? (JSON.parse(row.log) as OperationLogEntry[]) : [];
  }

  async search(accountId: number, query: OperationSearch): Promise<SearchPage<OperationView>> {
    const page = await this.db.read((m) => {
      const qb = m.createQueryBuilder(Operation, 'o').where('o.account_id = :accountId', { accountId });
      if (query.type !== undefined) qb.andWhere('o.type = :type', { type: query.type });
      if (query.status !== undefined) qb.andWhere('o.status = :status', { status: query.status });
      whereRange(qb, 'o.id', query.id);
      whereRange(qb, 'o.submitted', query.submitted);
      whereRange(qb, 'o.finished', query.finished);
      return fetchPage(
        qb,
        { id: 'o.id', submitted: 'o.submitted', finished: 'o.finished' },
        'o.id',
        query.sort,
        query.limit,
      );
    });
    return { items: page.items.map(toOperationView), hasMore: page.hasMore };
  }

  private async find(accountId: number, id: string): Promise<Operation> {
    const row = UUID.test(id)
      ? await this.db.read((m) => m.findOneBy(Operation, { id: id.toLowerCase(), accountId }))
      : null;
    if (!row) throw new DomainError('OPERATION_NOT_FOUND', `Operation ${id} does not exist`);
    return row;
  }

  // ---- job service side (OperationRunner) ----

  /**
   * Claims up to `limit` operations of the given types: PENDING ones that are due, and RUNNING ones
   * whose lease expired (their instance died or stalled). Marks them RUNNING under `owner` with a
   * fresh lease. Expired ones that have used up their attempts end as FAIL instead.
   *
   * MySQL/MariaDB: `SELECT … FOR UPDATE SKIP LOCKED` under READ COMMITTED, so concurrent claimers
   * in any number of processes take disjoint rows without waiting on each other and without gap
   * locks that would block the inserts of new operations. SQLite has no row locks and one writer:
   * the claim runs inside Database.transaction, which serializes it in this process, and the
   * UPDATE repeats the claimable condition, so even a second process on the same file can never
   * take a row twice (the file lock orders the two writers; the later one matches no row).
   */
  async claim(
    owner: string,
    types: string[],
    limit: number,
    leaseMs: number,
    maxAttempts: number,
    includeExpired = true,
    batched: ClaimGroup = { types: [], limit: 0 },
  ) {
    const groups = [{ types, limit }, batched].filter((g) => g.types.length > 0 && g.limit > 0);
    if (groups.length === 0) return [];
    const allTypes = groups.flatMap((g) => g.types);
    const total = groups.reduce((n, g) => n + g.limit, 0);
    const sql = this.db.sql;
    return this.db.jobs.transaction(
      async (m) => {
        const now = this.clock.now();
        const nowSql = toSqlDateTime(now);
        const lock = sql.forUpdateSkipLocked;
        const pending: Operation[] = [];
        // One read per group (operations run one by one, and those run in batches): a statement
        // per claim, however many operations it takes.
        for (const group of groups) {
          const qb = m
            .createQueryBuilder(Operation, 'o')
            .where(`o.status = 'PENDING' AND o.available_at <= :now AND o.type IN (:...types)`, {
              now: nowSql,
              types: group.types,
            })
            .orderBy('o.available_at')
            .limit(group.limit);
          if (sql.rowLocks) qb.setLock('pessimistic_write').setOnLocked('skip_locked');
          pending.push(...(await qb.getMany()));
        }
        const typeList = allTypes.map(() => '?').join(', ');
        const expired: Array<{ id: string; attempts: number | string }> =
          includeExpired && pending.length < total
            ? await m.query(
                `SELECT id, attempts FROM operations WHERE status = 'RUNNING' AND lease_expires_at < ? ` +
                  `AND type IN (${typeList}) LIMIT ${Number(total - pending.length)}${lock}`,
                [nowSql, ...allTypes],
              )
            : [];
        const exhausted = expired.filter((r) => Number(r.attempts) >= maxAttempts).map((r) => r.id);
        if (exhausted.length) await this.failExhausted(m, exhausted, now);
        const ids = [
          ...pending.map((r) => r.id),
          ...expired.filter((r) => !exhausted.includes(r.id)).map((r) => r.id),
        ];
        if (ids.length === 0) return [];
        const leaseUntil = new Date(now.getTime() + leaseMs);
        const marks = ids.map(() => '?').join(', ');
        // Structured, for the count of rows changed on both dialects.
        const updated = await m.queryRunner!.query(
          `UPDATE operations SET status = 'RUNNING', started = COALESCE(started, ?), attempts = attempts + 1, ` +
            `lease_owner = ?, lease_expires_at = ? WHERE id IN (${marks}) AND ` +
            `((status = 'PENDING' AND available_at <= ?) OR (status = 'RUNNING' AND lease_expires_at < ?))`,
          [nowSql, owner, toSqlDateTime(leaseUntil), ...ids, nowSql, nowSql],
          true,
        );
        if (ids.length === pending.length && updated.affected === ids.length) {
          // Every row read is now ours, as the UPDATE made it: no need to read them again.
          for (const row of pending) {
            Object.assign(row, { status: 'RUNNING', leaseOwner: owner, leaseExpiresAt: leaseUntil });
            row.started ??= now;
            row.attempts += 1;
          }
          return pending;
        }
        return m.find(Operation, { where: { id: In(ids), leaseOwner: owner, status: 'RUNNING' } });
      },
      sql.rowLocks ? { isolation: 'READ COMMITTED' } : {},
    );
  }

  private async failExhausted(m: EntityManager, ids: string[], now: Date): Promise<void> {
    const rows = await m.find(Operation, { where: { id: In(ids) } });
    for (const row of rows) {
      const message = `Gave up after ${row.attempts} attempts (lease expired)`;
      await m.update(
        Operation,
        { id: row.id, status: 'RUNNING' },
        failure(row, 'OPERATION_ATTEMPTS_EXHAUSTED', message, now),
      );
    }
  }

  /** Extends the leases this owner still holds. */
  async renewLeases(owner: string, ids: string[], leaseMs: number): Promise<void> {
    if (ids.length === 0) return;
    const until = new Date(this.clock.now().getTime() + leaseMs);
    await this.db.jobs.transaction((m) =>
      m.update(Operation, { id: In(ids), leaseOwner: owner, status: 'RUNNING' }, { leaseExpiresAt: until }),
    );
  }

  /**
   * Marks SUCCESS inside the handler's transaction, only if this owner still holds the lease: a
   * false result means another instance took the operation over, and the caller must roll back.
   */
  async markSucceeded(
    m: EntityManager,
    id: string,
    owner: string,
    details: Record<string, unknown> | undefined,
  ): Promise<boolean> {
    const result = await m.update(
      Operation,
      { id, leaseOwner: owner, status: 'RUNNING' },
      {
        status: 'SUCCESS',
        finished: this.clock.now(),
        progress: 100,
        details: details === undefined ? null : JSON.stringify(details),
        leaseOwner: null,
        leaseExpiresAt: null,
      },
    );
    return result.affected === 1;
  }

  /**
   * markSucceeded for a batch, in one statement: true only if this owner still held every lease
   * (otherwise the caller rolls the whole batch back).
   */
  async markAllSucceeded(
    m: EntityManager,
    ids: string[],
    owner: string,
    details: Array<Record<string, unknown> | undefined>,
  ): Promise<boolean> {
    const params: Record<string, unknown> = { ids, owner, running: 'RUNNING' };
    const cases = ids
      .map((id, i) => {
        params[`i${i}`] = id;
        params[`d${i}`] = details[i] === undefined ? null : JSON.stringify(details[i]);
        return `WHEN :i${i} THEN :d${i}`;
      })
      .join(' ');
    const result = await m
      .createQueryBuilder()
      .update(Operation)
      .set({
        status: 'SUCCESS',
        finished: this.clock.now(),
        progress: 100,
        details: () => `CASE id ${cases} END`,
        leaseOwner: null,
        leaseExpiresAt: null,
      })
      .where('id IN (:...ids) AND lease_owner = :owner AND status = :running')
      .setParameters(params)
      .execute();
    return result.affected === ids.length;
  }

  async markFailed(id: string, owner: string, code: string, message: string): Promise<boolean> {
    return this.db.jobs.transaction(async (m) => {
      const row = await m.findOneBy(Operation, { id, leaseOwner: owner, status: 'RUNNING' });
      if (!row) return false;
      const result = await m.update(
        Operation,
        { id, leaseOwner: owner, status: 'RUNNING' },
        failure(row, code, message, this.clock.now()),
      );
      return result.affected === 1;
    });
  }

  /** Gives an operation back to the queue (after a transient failure, or on shutdown). */
  async release(ids: string[], owner: string, delayMs = 0): Promise<void> {
    if (ids.length === 0) return;
    await this.db.jobs.transaction((m) =>
      m.update(
        Operation,
        { id: In(ids), leaseOwner: owner, status: 'RUNNING' },
        {
          status: 'PENDING',
          availableAt: new Date(this.clock.now().getTime() + delayMs),
          leaseOwner: null,
          leaseExpiresAt: null,
        },
      ),
    );
  }

  /** Progress is monotonic; outside the handler's transaction on MySQL so that pollers see it. */
  async setProgress(m: EntityManager | null, id: string, owner: string, percent: number): Promise<void> {
    const value = Math.max(0, Math.min(99, Math.floor(percent)));
    const write = (manager: EntityManager) =>
      manager
        .createQueryBuilder()
        .update(Operation)
        .set({ progress: value })
        .where('id = :id AND lease_owner = :owner AND progress < :value', { id, owner, value })
        .execute();
    // One autocommitted statement on a connection of the job service's pool: no transaction of
    // its own to open and commit (one round trip, not three).
    await write(m ?? this.db.jobs.dataSource.manager);
  }
}

/** The change that ends an operation as FAIL, with its one log entry. */
function failure(row: Operation, code: string, message: string, now: Date): Partial<Operation> {
  const entry: OperationLogEntry = {
    type: row.type,
    success: false,
    input: JSON.parse(row.parameters) as Record<string, unknown>,
    output: { code, message },
  };
  return {
    status: 'FAIL',
    finished: now,
    progress: 100,
    leaseOwner: null,
    leaseExpiresAt: null,
    log: JSON.stringify([entry]),
  };
}
