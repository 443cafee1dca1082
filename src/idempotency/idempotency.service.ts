import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { Database, TransactionOptions } from '../database/database';
import { IdempotencyKey } from './idempotency-key.entity';

/** How long a key is remembered (pools-and-operations.md §11). */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * How long a key may stay IN_PROGRESS. Work between a separate `begin` and `complete` is a
 * request's, so it ends well within this; a key older than that belongs to a request that died.
 */
export const IDEMPOTENCY_IN_PROGRESS_LEASE_MS = 2 * 60 * 1000;

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

  /**
   * One transaction: a replay of a stored response, or `work` plus the stored response. Two
   * first requests racing on MySQL: the second blocks on the unique index, fails with a duplicate
   * key once the first commits, and is retried once — then it sees the stored response.
   */
  async run(
    request: IdempotencyRequest | undefined,
    accountId: number,
    scope: string,
    work: (m: EntityManager) => Promise<StoredResponse>,
    options: TransactionOptions = {},
  ): Promise<StoredResponse & { replayed: boolean }> {
    const attempt = () =>
      this.db.transaction(async (m) => {
        if (request) {
          const stored = await this.begin(m, request, accountId, scope);
          if (stored) return { ...stored, replayed: true };
        }
        const response = await work(m);
        if (request) await this.complete(m, request, accountId, scope, response);
        return { ...response, replayed: false };
      }, options);
    try {
      return await attempt();
    } catch (error) {
      if (request && isDuplicateKey(error)) return attempt();
      throw error;
    }
  }

  /** Null: the key is new and now IN_PROGRESS. Otherwise the stored response to replay. */
  async begin(
    m: EntityManager,
    request: IdempotencyRequest,
    accountId: number,
    scope: string,
  ): Promise<StoredResponse | null> {
    const now = this.clock.now();
    const qb = m
      .createQueryBuilder(IdempotencyKey, 'k')
      .where('k.account_id = :accountId AND k.scope = :scope AND k.idempotency_key = :key', {
        accountId,
        scope,
        key: request.key,
      });
    if (this.db.dialect === 'mysql') qb.setLock('pessimistic_write');
    const existing = await qb.getOne();
    if (existing && existing.expiresAt.getTime() <= now.getTime()) {
      await m.delete(IdempotencyKey, { id: existing.id });
    } else if (existing) {
      if (existing.fingerprint !== request.fingerprint) {
        throw new DomainError(
          'IDEMPOTENCY_KEY_REUSED',
          'This Idempotency-Key was already used with a different request',
          { meta: { header: 'Idempotency-Key' } },
        );
      }
      if (
        existing.state !== 'DONE' &&
        now.getTime() - existing.createdAt.getTime() > IDEMPOTENCY_IN_PROGRESS_LEASE_MS
      ) {
        // Its request died before finishing (a crash between `begin` and `complete`): nothing of
        // its work committed, so the key is free again.
        await m.delete(IdempotencyKey, { id: existing.id });
        return this.begin(m, request, accountId, scope);
      }
      if (existing.state !== 'DONE') {
        throw new DomainError(
          'IDEMPOTENCY_KEY_IN_PROGRESS',
          'A request with this Idempotency-Key is still being processed',
          { meta: { header: 'Idempotency-Key' } },
        );
      }
      return {
        status: existing.statusCode ?? 200,
        body: existing.response ? JSON.parse(existing.response) : null,
      };
    }
    await m.insert(IdempotencyKey, {
      accountId,
      scope,
      key: request.key,
      fingerprint: request.fingerprint,
      state: 'IN_PROGRESS',
      statusCode: null,
      response: null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS),
    });
    return null;
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
