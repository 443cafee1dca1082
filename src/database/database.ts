import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { IsolationLevel } from 'typeorm/driver/types/IsolationLevel';
import type { Dialect } from '../config/database.options';

const MYSQL_RETRYABLE = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT']);
const MAX_ATTEMPTS = 4;

export interface TransactionOptions {
  isolation?: IsolationLevel;
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

  constructor(readonly dataSource: DataSource) {}

  get dialect(): Dialect {
    return this.dataSource.options.type === 'mysql' ? 'mysql' : 'sqlite';
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    if (this.dialect === 'sqlite') {
      return this.serialized(() => this.dataSource.transaction(work));
    }
    return this.withDeadlockRetry(() =>
      options.isolation
        ? this.dataSource.transaction(options.isolation, work)
        : this.dataSource.transaction(work),
    );
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

  private async withDeadlockRetry<T>(attempt: () => Promise<T>): Promise<T> {
    for (let n = 1; ; n++) {
      try {
        return await attempt();
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (!code || !MYSQL_RETRYABLE.has(code) || n >= MAX_ATTEMPTS) throw error;
        this.logger.warn(`transaction retried after ${code} (attempt ${n})`);
        await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * n));
      }
    }
  }
}
