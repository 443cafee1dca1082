import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

/** What a socket key says: whose it is, until when it opens a socket, and its own id. */
export interface LiveTicket {
  accountId: number;
  expiresAt: number;
  id: string;
}

/**
 * Socket keys: short-lived tickets bound to an account, signed (HMAC-SHA256) so that any instance
 * sharing the secret can check them without a lookup. `<base64url payload>.<base64url mac>`.
 */
export class LiveTickets {
  private readonly secret: Buffer;

  constructor(
    secret: string,
    private readonly ttlMs: number,
  ) {
    this.secret = Buffer.from(secret);
  }

  issue(accountId: number, now = Date.now()): string {
    const payload = Buffer.from(
      JSON.stringify({ a: accountId, e: now + this.ttlMs, n: randomUUID() }),
    ).toString('base64url');
    return `${payload}.${this.mac(payload)}`;
  }

  /** The ticket the key carries, or why it opens nothing. */
  check(key: unknown, now = Date.now()): LiveTicket | 'invalid' | 'expired' {
    if (typeof key !== 'string' || key.length > 512) return 'invalid';
    const [payload, mac, extra] = key.split('.');
    if (!payload || !mac || extra !== undefined) return 'invalid';
    const expected = Buffer.from(this.mac(payload));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'invalid';
    let body: { a?: unknown; e?: unknown; n?: unknown };
    try {
      body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof body;
    } catch {
      return 'invalid';
    }
    if (typeof body.a !== 'number' || typeof body.e !== 'number' || typeof body.n !== 'string')
      return 'invalid';
    if (body.e <= now) return 'expired';
    return { accountId: body.a, expiresAt: body.e, id: body.n };
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url');
  }
}
