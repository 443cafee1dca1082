import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager, EntityTarget, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { IsolationLevel } from 'typeorm/driver/types/IsolationLevel';
import type { Dialect } from '../config/database.options';
import { isDatabaseUnavailable } from './database-unavailable';
import { SqlDialect, sqlDialect } from './sql-dialect';

const MYSQL_RETRYABLE = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT']);
const MAX_ATTEMPTS = 4;
/** Looks for a transaction's row after a lost COMMIT: waits between them, while the database is unavailable. */
const OUTCOME_LOOKUPS_MS = [0, 250, 1000];

/** A row a transaction inserts, by primary key (`id`). */
export interface InsertedRow {
  entity: EntityTarget<ObjectLiteral>;
  id: string | number;
}

export interface TransactionOptions {
  isolation?: IsolationLevel;
  /**
   * For work a client may retry (enqueue, create): a row the work inserted, named once it has run
   * (undefined when this run wrote nothing a retry could double, e.g. a replayed response). When
   * the connection is lost on COMMIT the outcome is unknown; the row is then looked for on another
   * connection: there, the transaction committed and its result is returned; not there, it rolled
   * back and the work runs again. Either way the caller answers as if nothing had happened.
   */
  inserted?: () => InsertedRow | undefined;
}

/** The COMMIT's answer was lost and the database could not tell whether it took effect. */
export class CommitOutcomeUnknownError extends Error {
  constructor(lost: unknown) {
    super('The connection was lost on COMMIT and the outcome could not be checked', { cause: lost });
    this.name = 'CommitOutcomeUnknownError';
  }
}

/** A COMMIT lost with its connection that did not take effect: the work runs again. */
class RolledBack extends Error {
  constructor(readonly lost: unknown) {
    super('The connection was lost on COMMIT, which did not take effect');
  }
}

/**
 * The one way to reach the database. `transaction` is explicit and, on MySQL/MariaDB, retried
 * whole on deadlock (so the work passed in must have no effects outside the database).
 * On SQLite every unit of work runs under one in-process lock: TypeORM shares a single
 * connection there, and two interleaved transactions would otherwise nest into each other.
 */
@Injectable()
export class Database {
  private readonly logger = new Logger(Database.name);
  private sqliteQueue: Promise<unknown> = Promise.resolve();

  private jobsDatabase?: Database;

  constructor(readonly dataSource: DataSource) {}

  /**
   * Where the job service works: on MySQL/MariaDB, a pool of its own that requests cannot use up
   * (JOBS_DATABASE_CONNECTIONS, docs/operations.md#connections); otherwise this one.
   */
  get jobs(): Database {
    return this.jobsDatabase ?? this;
  }

  /** DatabaseModule hands over the job service's own DataSource once it is open. */
  useForJobs(dataSource: DataSource): void {
    this.jobsDatabase = new Database(dataSource);
  }

  get dialect(): Dialect {
    return this.dataSource.options.type === 'mysql' ? 'mysql' : 'sqlite';
  }

  /** What differs between the dialects in raw SQL. */
  get sql(): SqlDialect {
    return sqlDialect(this.dialect);
  }

  /** Appended to a raw SELECT to make it a shared locking read where rows lock (SqlDialect.forShare). */
  get shareLock(): string {
    return this.sql.forShare;
  }

  /** Makes a query a locking read (FOR UPDATE) where rows lock; SQLite has no row locks. */
  forUpdate<E extends ObjectLiteral>(qb: SelectQueryBuilder<E>): SelectQueryBuilder<E> {
    return this.sql.rowLocks ? qb.setLock('pessimistic_write') : qb;
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    if (this.dialect === 'sqlite') {
      return this.serialized(() => this.dataSource.transaction(work));
    }
    const run = (w: (manager: EntityManager) => Promise<T>) =>
      options.isolation ? this.dataSource.transaction(options.isolation, w) : this.dataSource.transaction(w);
    const inserted = options.inserted;
    if (!inserted) return this.withDeadlockRetry(() => run(work));
    return this.withDeadlockRetry(async () => {
      let done: { result: T } | undefined;
      try {
        return await run(async (m) => {
          const result = await work(m);
          done = { result };
          return result;
        });
      } catch (error) {
        // Only a failure after the work, i.e. of the COMMIT itself, leaves the outcome open.
        if (!done || !isDatabaseUnavailable(error)) throw error;
        const row = inserted();
        if (row && (await this.committed(row, error))) return done.result;
        throw new RolledBack(error);
      }
    });
  }

  /** Reads outside a transaction (each statement sees committed data on MySQL). */
  read<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.dialect === 'sqlite') return this.serialized(() => work(this.dataSource.manager));
    return work(this.dataSource.manager);
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.sqliteQueue.then(work, work);
    this.sqliteQueue = run.catch(() => undefined);
    return run;
  }

  /**
   * Whether a transaction whose COMMIT answer was lost committed, judged by a row it inserted.
   * A locking read on a new connection: if the server still runs the lost transaction (it has not
   * yet seen its client go), the read waits for it to commit or roll back; READ COMMITTED, so a
   * missing row locks no gap. Throws CommitOutcomeUnknownError while the database cannot answer.
   */
  private async committed(row: InsertedRow, lost: unknown): Promise<boolean> {
    for (const wait of OUTCOME_LOOKUPS_MS) {
      await new Promise((resolve) => setTimeout(resolve, wait));
      try {
        const found = await this.dataSource.transaction('READ COMMITTED', (m) =>
          m
            .createQueryBuilder()
            .select('1', 'found')
            .from(row.entity, 'r')
            .where('r.id = :id', { id: row.id })
            .setLock('pessimistic_write')
            .getRawOne<{ found: unknown }>(),
        );
        this.logger.warn(
          `the connection was lost on COMMIT; the transaction ${found ? 'committed' : 'rolled back'}`,
        );
        return found !== undefined;
      } catch (error) {
        if (!isDatabaseUnavailable(error)) throw error;
      }
    }
    throw new CommitOutcomeUnknownError(lost);
  }

  private async withDeadlockRetry<T>(attempt: () => Promise<T>): Promise<T> {
    for (let n = 1; ; n++) {
      try {
        return await attempt();
      } catch (error) {
        if (error instanceof RolledBack) {
          if (n >= MAX_ATTEMPTS) throw error.lost;
          this.logger.warn('transaction run again after its COMMIT was lost without effect');
          continue;
        }
        const code = (error as { code?: string }).code;
        if (!code || !MYSQL_RETRYABLE.has(code) || n >= MAX_ATTEMPTS) throw error;
        this.logger.warn(`transaction retried after ${code} (attempt ${n})`);
        await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * n));
      }
    }
  }
}
