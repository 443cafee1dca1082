import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { Database, TransactionOptions } from '../database/database';
import { fromSqlDateTime } from '../database/sql-time';
import { IdempotencyKey, IdempotencyKeyState } from './idempotency-key.entity';

/** How long a key is remembered (docs/v1.md#idempotency-key). */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * How long a key may stay IN_PROGRESS. Work between a separate `begin` and `complete` is a
 * request's, so it ends well within this; a key older than that belongs to a request that died.
 */
export const IDEMPOTENCY_IN_PROGRESS_LEASE_MS = 2 * 60 * 1000;

interface StoredKeyRow {
  id: number;
  fingerprint: string;
  state: IdempotencyKeyState;
  status_code: number | string | null;
  response: string | null;
  created_at: Date | string;
  expires_at: Date | string;
}

/** An `Idempotency-Key` as a face received it, with the fingerprint of the request it came with. */
export interface IdempotencyRequest {
  key: string;
  /** Same request ⇔ same fingerprint: see fingerprintRequest(). */
  fingerprint: string;
}

/** What the first request answered, as its caller stored it; replayed verbatim to repeats. */
export interface StoredResponse {
  status: number;
  body: unknown;
}

/** A stable hash of whatever identifies "the same request" (method, route, account-free body). */
export function fingerprintRequest(...parts: unknown[]): string {
  return createHash('sha256')
    .update(JSON.stringify(parts.map(canonical)))
    .digest('hex');
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/**
 * The idempotency store: one row per (account, scope, key). Use it inside the transaction that
 * does the work, in two steps — `begin` before the work, `complete` after — so the key, the effect
 * and the stored response commit together:
 *
 *   return this.idempotency.run(idem, accountId, 'POOL_CLONE', async (m) => { …; return {status, body} })
 *
 * `begin` in a transaction of its own and `complete` in a later one gives the IN_PROGRESS state to
 * concurrent repeats while long work runs outside a transaction.
 */
@Injectable()
export class IdempotencyService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  /** One transaction: a replay of a stored response, or `work` plus the stored response. */
  async run(
    request: IdempotencyRequest | undefined,
    accountId: number,
    scope: string,
    work: (m: EntityManager) => Promise<StoredResponse>,
    options: TransactionOptions = {},
  ): Promise<StoredResponse & { replayed: boolean }> {
    return this.db.transaction(async (m) => {
      if (request) {
        const stored = await this.begin(m, request, accountId, scope);
        if (stored) return { ...stored, replayed: true };
      }
      const response = await work(m);
      if (request) await this.complete(m, request, accountId, scope, response);
      return { ...response, replayed: false };
    }, options);
  }

  /**
   * Null: the key is new and now IN_PROGRESS. Otherwise the stored response to replay.
   *
   * The key is inserted before anything is read. A locking read first would, on MySQL/MariaDB
   * (REPEATABLE READ), take a gap lock where a new key belongs; two requests with new keys in the
   * same gap (neighbours in the index, or any two keys beyond the last one) both hold it, and each
   * one's insert then waits for the other's gap lock: a deadlock on every such pair. An insert
   * waits only for a transaction holding the same key, until it commits (then it fails as a
   * duplicate) or rolls back (then it succeeds); a duplicate is then read, under the shared lock
   * the failed insert already holds, so repeats of one key never wait for each other.
   */
  async begin(
    m: EntityManager,
    request: IdempotencyRequest,
    accountId: number,
    scope: string,
  ): Promise<StoredResponse | null> {
    const now = this.clock.now();
    const fresh = {
      fingerprint: request.fingerprint,
      state: 'IN_PROGRESS' as const,
      statusCode: null,
      response: null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS),
    };
    try {
      await m.insert(IdempotencyKey, { accountId, scope, key: request.key, ...fresh });
      return null;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    // A locking read: under REPEATABLE READ a plain one could come from a snapshot older than the key.
    const [row]: StoredKeyRow[] = await m.query(
      'SELECT id, fingerprint, state, status_code, response, created_at, expires_at FROM idempotency_keys ' +
        `WHERE account_id = ? AND scope = ? AND idempotency_key = ?${this.db.shareLock}`,
      [accountId, scope, request.key],
    );
    const expired = fromSqlDateTime(row.expires_at)!.getTime() <= now.getTime();
    // A key still IN_PROGRESS long after its request began belongs to a request that died before
    // finishing (a crash between `begin` and `complete`): nothing of its work committed.
    const abandoned =
      row.state !== 'DONE' &&
      now.getTime() - fromSqlDateTime(row.created_at)!.getTime() > IDEMPOTENCY_IN_PROGRESS_LEASE_MS;
    if (expired || abandoned) {
      // Taken over in place. Two requests doing so at once deadlock on their shared locks: the
      // victim is run again by Database.transaction and then finds the key in progress.
      await m.update(IdempotencyKey, { id: row.id }, fresh);
      return null;
    }
    if (row.fingerprint !== request.fingerprint) {
      throw new DomainError(
        'IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was already used with a different request',
        { meta: { header: 'Idempotency-Key' } },
      );
    }
    if (row.state !== 'DONE') {
      throw new DomainError(
        'IDEMPOTENCY_KEY_IN_PROGRESS',
        'A request with this Idempotency-Key is still being processed',
        { meta: { header: 'Idempotency-Key' } },
      );
    }
    return {
      status: row.status_code === null ? 200 : Number(row.status_code),
      body: row.response ? JSON.parse(row.response) : null,
    };
  }

  async complete(
    m: EntityManager,
    request: IdempotencyRequest,
    accountId: number,
    scope: string,
    response: StoredResponse,
  ): Promise<void> {
    await m.update(
      IdempotencyKey,
      { accountId, scope, key: request.key },
      { state: 'DONE', statusCode: response.status, response: JSON.stringify(response.body) },
    );
  }

  /** Forgets a key whose work failed after a separate `begin` (so the client may retry). */
  async abandon(
    m: EntityManager,
    request: IdempotencyRequest,
    accountId: number,
    scope: string,
  ): Promise<void> {
    await m.delete(IdempotencyKey, { accountId, scope, key: request.key, state: 'IN_PROGRESS' });
  }
}

export function isDuplicateKey(error: unknown): boolean {
  const e = error as { code?: string; driverError?: { code?: string } };
  const code = e?.code ?? e?.driverError?.code;
  return code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}
