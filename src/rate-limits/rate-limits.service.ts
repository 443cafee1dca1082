import { Injectable } from '@nestjs/common';
import { EntityManager, LessThan } from 'typeorm';
import { Account } from '../accounts/account.entity';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database';
import { toSqlDateTime } from '../database/sql-time';
import { RateLimitEvent } from './rate-limit-event.entity';

/** The limited kinds of v1 request (docs/v1.md#rate-limits). */
export type RateLimitScope = 'POOL_CLONE' | 'POOL_CREATE' | 'PROJECT_CREATE';

type Period = 'MINUTE' | 'DAY';
const PERIOD_MS: Record<Period, number> = { MINUTE: 60_000, DAY: 86_400_000 };

const LABELS: Record<RateLimitScope, string> = {
  POOL_CLONE: 'Pool clone',
  POOL_CREATE: 'Pool create',
  PROJECT_CREATE: 'Project create',
};

/**
 * Per-account sliding windows stored in the database, so every instance agrees. `consume`
 * runs inside the caller's transaction, after its checks and before its effect: a request that
 * fails rolls its event back, so only requests that created something count, 429s included.
 */
@Injectable()
export class RateLimitsService {
  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly db: Database,
  ) {}

  limits(scope: RateLimitScope): Array<{ period: Period; limit: number }> {
    const c = this.config;
    const table: Record<RateLimitScope, [number, number]> = {
      POOL_CLONE: [c.RATE_LIMIT_POOL_CLONE_PER_MINUTE, c.RATE_LIMIT_POOL_CLONE_PER_DAY],
      POOL_CREATE: [c.RATE_LIMIT_POOL_CREATE_PER_MINUTE, c.RATE_LIMIT_POOL_CREATE_PER_DAY],
      PROJECT_CREATE: [c.RATE_LIMIT_PROJECT_CREATE_PER_MINUTE, c.RATE_LIMIT_PROJECT_CREATE_PER_DAY],
    };
    const [minute, day] = table[scope];
    return [
      { period: 'MINUTE' as const, limit: minute },
      { period: 'DAY' as const, limit: day },
    ].filter((w) => w.limit > 0);
  }

  /** Throws REQUEST_RATE_LIMITED when a window is full; otherwise counts this request. */
  async consume(m: EntityManager, accountId: number, scope: RateLimitScope): Promise<void> {
    const windows = this.limits(scope);
    if (windows.length === 0) return;
    if (this.db.sql.rowLocks) {
      // Two concurrent requests must not both see "19 of 20": the account row serializes the
      // limited requests of one account (SQLite's writer lock does the same there).
      await m
        .createQueryBuilder(Account, 'a')
        .select('a.id')
        .where('a.id = :accountId', { accountId })
        .setLock('pessimistic_write')
        .getRawOne();
    }
    const now = this.clock.now().getTime();
    for (const { period, limit } of windows) {
      // A locking read: under REPEATABLE READ a plain one would see the snapshot taken before
      // the account lock was granted, and miss the events of the requests it waited for.
      const qb = m
        .createQueryBuilder(RateLimitEvent, 'e')
        .where('e.account_id = :accountId AND e.scope = :scope AND e.created_at > :since', {
          accountId,
          scope,
          since: toSqlDateTime(new Date(now - PERIOD_MS[period])),
        });
      // FOR UPDATE rather than FOR SHARE, which MariaDB does not parse.
      const used = await this.db.forUpdate(qb).getCount();
      if (used >= limit) {
        throw new DomainError(
          'REQUEST_RATE_LIMITED',
          `${LABELS[scope]} limit exceeded: ${limit} requests per ${period.toLowerCase()}`,
          // Never `interval`: toloka-kit 1.x crashes on it (docs/clients.md#no-retry-after).
          { meta: { limit, period, scope } },
        );
      }
    }
    await m.insert(RateLimitEvent, { accountId, scope, createdAt: new Date(now) });
    // Events older than the longest window are no longer needed.
    const longest = Math.max(...windows.map((w) => PERIOD_MS[w.period]));
    await m.delete(RateLimitEvent, { accountId, scope, createdAt: LessThan(new Date(now - longest)) });
  }
}
