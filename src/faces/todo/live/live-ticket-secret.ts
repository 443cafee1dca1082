import { randomBytes } from 'node:crypto';
import { Database } from '../../../database/database';

const NAME = 'live_ticket';

/**
 * The secret that signs socket keys when LIVE_TICKET_SECRET is unset: made by the first instance
 * that starts on the database and read by every later one (`service_secrets`). The widget opens its
 * socket again with the same key after a restart or on another instance; a secret of one process
 * would refuse that key (4401) on every try, and the page would hear nothing until reloaded.
 */
export function storedTicketSecret(db: Database): Promise<string> {
  return db.transaction(async (m) => {
    try {
      await m.query(`INSERT INTO service_secrets (name, value) VALUES (?, ?)`, [
        NAME,
        randomBytes(32).toString('base64url'),
      ]);
    } catch (error) {
      // Another instance made it first: its secret is the one.
      if (!db.sql.isDuplicateKey(error)) throw error;
    }
    const rows = (await m.query(`SELECT value FROM service_secrets WHERE name = ?`, [NAME])) as Array<{
      value: string;
    }>;
    return rows[0].value;
  });
}
