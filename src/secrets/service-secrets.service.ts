import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Database } from '../database/database';

/**
 * Secrets the service makes for itself (`service_secrets`): the first instance that asks for one
 * on a database makes it, every later instance and every restart reads the same one.
 */
@Injectable()
export class ServiceSecretsService {
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
}
