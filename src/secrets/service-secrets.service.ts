import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { Database } from '../database/database';

/**
 * Secrets the service makes for itself (`service_secrets`): the first instance that asks for one
 * on a database makes it, every later instance and every restart reads the same one.
 */
@Injectable()
export class ServiceSecretsService {
  private scope?: Promise<string>;

  constructor(private readonly db: Database) {}

  /** The secret called `name`, made now (32 random bytes, base64url) if there is none yet. */
  shared(name: string): Promise<string> {
    return this.db.transaction(async (m) => {
      try {
        await m.query(`INSERT INTO service_secrets (name, value) VALUES (?, ?)`, [
          name,
          randomBytes(32).toString('base64url'),
        ]);
      } catch (error) {
        // Another instance made it first: its secret is the one.
        if (!this.db.sql.isDuplicateKey(error)) throw error;
      }
      const rows = (await m.query(`SELECT value FROM service_secrets WHERE name = ?`, [name])) as Array<{
        value: string;
      }>;
      return rows[0].value;
    });
  }

  /**
   * This database's name on a Redis that services of other databases may share (a staging and a
   * production, parallel test runs): their account ids and tokens may be the same, while their
   * live events and request counts must not mix. The same for every instance of the database: a
   * hash of a value made once and kept in it, as the secrets are.
   */
  redisScope(): Promise<string> {
    // Asked for at start by the live bus and the request counter: read once.
    this.scope ??= this.shared('redis_scope').then((value) =>
      createHash('sha256').update(value).digest('base64url').slice(0, 16),
    );
    return this.scope;
  }
}
