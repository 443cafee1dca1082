import { Injectable } from '@nestjs/common';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { EntityManager, IsNull } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { Database } from '../database/database';
import { Account } from './account.entity';
import { ApiToken } from './api-token.entity';

export interface AuthenticatedAccount {
  id: number;
  name: string;
}

export interface IssuedToken {
  accountId: number;
  tokenId: number;
  token: string;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

function newToken(): string {
  return `cw_${randomBytes(24).toString('base64url')}`;
}

@Injectable()
export class AccountsService {
  // token hash → account (or null for "unknown"), kept briefly so every request is not a query.
  private readonly cache = new Map<string, { account: AuthenticatedAccount | null; expires: number }>();

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /** The account of an active token, by the token's hash (hashToken). */
  async authenticate(hash: string): Promise<AuthenticatedAccount | null> {
    const now = Date.now();
    const cached = this.cache.get(hash);
    if (cached && cached.expires > now) return cached.account;

    const row = await this.db.read((m) =>
      m
        .createQueryBuilder(ApiToken, 't')
        .innerJoin(Account, 'a', 'a.id = t.account_id')
        .select(['t.token_hash AS hash', 'a.id AS id', 'a.name AS name'])
        .where('t.token_hash = :hash AND t.revoked_at IS NULL', { hash })
        .getRawOne<{ hash: string; id: number | string; name: string }>(),
    );
    // The lookup is by hash; the final comparison is constant-time all the same.
    const account =
      row && timingSafeEqual(Buffer.from(row.hash), Buffer.from(hash))
        ? { id: Number(row.id), name: row.name }
        : null;
    if (this.config.AUTH_CACHE_TTL_MS > 0) {
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(hash, { account, expires: now + this.config.AUTH_CACHE_TTL_MS });
    }
    return account;
  }

  /** `shown`: the caller prints the token at once (the CLI), or was given it; else see markShown. */
  createAccount(name: string, token?: string, shown = true): Promise<IssuedToken> {
    return this.db.transaction(async (m) => {
      const account = await m.save(m.create(Account, { name, createdAt: this.clock.now() }));
      return this.insertToken(m, account.id, token ?? newToken(), 'initial', shown);
    });
  }

  createToken(accountId: number, label: string | null = null): Promise<IssuedToken> {
    return this.db.transaction(async (m) => {
      if (!(await m.existsBy(Account, { id: accountId }))) {
        throw new DomainError('ACCOUNT_NOT_FOUND', `Account ${accountId} does not exist`);
      }
      return this.insertToken(m, accountId, newToken(), label, true);
    });
  }

  /** Records that a token made with `shown = false` has now been printed. */
  async markShown(tokenId: number): Promise<void> {
    await this.db.transaction((m) =>
      m.update(ApiToken, { id: tokenId, shownAt: IsNull() }, { shownAt: this.clock.now() }),
    );
  }

  /**
   * Accounts whose only way in is a token never printed for anyone: a start made the default
   * account and stopped before showing its token. Such an account needs `token:create`.
   */
  async accountsWithoutShownToken(): Promise<number[]> {
    const rows = await this.db.read((m) =>
      m
        .createQueryBuilder(ApiToken, 't')
        .select('t.account_id', 'accountId')
        .where('t.revoked_at IS NULL')
        .groupBy('t.account_id')
        .having('COUNT(t.shown_at) = 0')
        .orderBy('t.account_id')
        .getRawMany<{ accountId: number | string }>(),
    );
    return rows.map((row) => Number(row.accountId));
  }

  /** Revokes by token id or by the token itself. */
  async revokeToken(idOrToken: string): Promise<void> {
    const where = /^\d+$/.test(idOrToken) ? { id: Number(idOrToken) } : { tokenHash: hashToken(idOrToken) };
    await this.db.transaction(async (m) => {
      const token = await m.findOneBy(ApiToken, { ...where, revokedAt: IsNull() });
      if (!token) throw new DomainError('ACCOUNT_TOKEN_NOT_FOUND', 'No active token matches');
      await m.update(ApiToken, { id: token.id }, { revokedAt: this.clock.now() });
      this.cache.delete(token.tokenHash);
    });
  }

  listAccounts(): Promise<Array<Account & { activeTokens: number }>> {
    return this.db.read(async (m) => {
      const accounts = await m.find(Account, { order: { id: 'ASC' } });
      const counts = await m
        .createQueryBuilder(ApiToken, 't')
        .select('t.account_id', 'accountId')
        .addSelect('COUNT(*)', 'n')
        .where('t.revoked_at IS NULL')
        .groupBy('t.account_id')
        .getRawMany<{ accountId: number | string; n: number | string }>();
      const byAccount = new Map(counts.map((c) => [Number(c.accountId), Number(c.n)]));
      return accounts.map((a) => Object.assign(a, { activeTokens: byAccount.get(a.id) ?? 0 }));
    });
  }

  /**
   * On a database with no account yet, creates the default one. Returns the token when it was
   * generated here (so it can be printed once), the configured token's account when it was given,
   * and null when accounts already exist.
   */
  async ensureBootstrapAccount(): Promise<{ issued: IssuedToken; generated: boolean } | null> {
    const existing = await this.db.read((m) => m.count(Account));
    if (existing > 0) return null;
    const configured = this.config.BOOTSTRAP_API_TOKEN;
    const generated = !configured;
    // A configured token is known to whoever configured it; a generated one counts as shown
    // only once the start summary has printed it (main.ts).
    const issued = await this.createAccount('default', configured, !generated);
    return { issued, generated };
  }

  private async insertToken(
    m: EntityManager,
    accountId: number,
    token: string,
    label: string | null,
    shown: boolean,
  ): Promise<IssuedToken> {
    const saved = await m.save(
      m.create(ApiToken, {
        accountId,
        tokenHash: hashToken(token),
        hint: token.slice(0, 8),
        label,
        createdAt: this.clock.now(),
        revokedAt: null,
        shownAt: shown ? this.clock.now() : null,
      }),
    );
    return { accountId, tokenId: saved.id, token };
  }
}
