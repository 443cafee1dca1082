import { LiveTickets } from '../../../src/faces/todo/live/live-tickets';

describe('live socket keys', () => {
  const tickets = new LiveTickets('a-secret-of-sixteen-chars', 60_000);

  it('carry the account and open until they expire', () => {
    const key = tickets.issue(42, 1_000);
    expect(tickets.check(key, 1_000)).toEqual({ accountId: 42, expiresAt: 61_000, id: expect.any(String) });
    expect(tickets.check(key, 61_000)).toBe('expired');
  });

  it('are refused when altered, signed by another secret, or not keys at all', () => {
    const key = tickets.issue(42, 1_000);
    const [payload, mac] = key.split('.');
    const forged = Buffer.from(JSON.stringify({ a: 43, e: 61_000, n: 'x' })).toString('base64url');
    expect(tickets.check(`${forged}.${mac}`, 1_000)).toBe('invalid');
    expect(tickets.check(`${payload}.${mac.slice(1)}`, 1_000)).toBe('invalid');
    expect(new LiveTickets('another-secret-of-16', 60_000).check(key, 1_000)).toBe('invalid');
    for (const bad of [undefined, '', 'abc', 'a.b.c', 42, 'x'.repeat(600)]) {
      expect(tickets.check(bad, 1_000)).toBe('invalid');
    }
  });

  it('are accepted by every instance that shares the secret', () => {
    const other = new LiveTickets('a-secret-of-sixteen-chars', 60_000);
    expect(other.check(tickets.issue(7, 0), 0)).toEqual(expect.objectContaining({ accountId: 7 }));
  });
});
