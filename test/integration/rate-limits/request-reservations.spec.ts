import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pino from 'pino';
import { createApp } from '../../../src/app.factory';
import { Clock } from '../../../src/common/clock';
import { faceHeaders } from '../../support/face-requests';
import { createTestApp, TestAccount, TestApp } from '../../support/test-app';
import { describeOnMariaDb } from '../../support/test-database';

// Two instances of the service in one process, on one MariaDB database, with request limits
// large enough that each instance reserves several requests at a time (README, "Request
// limits"): alternating requests still get exactly the limit, and the window frees up on time.
describeOnMariaDb('v2 request limits of two instances sharing reservations (MariaDB)', () => {
  let t: TestApp;
  let second: NestFastifyApplication;
  let a: TestAccount;

  beforeAll(async () => {
    t = await createTestApp('mysql', {
      JSONAPI_RATE_LIMIT_PER_10S: '100',
      JSONAPI_RATE_LIMIT_PER_30MIN: '150',
      // Counted in the database even when the run counts in Redis elsewhere.
      REDIS_URL: '',
    });
    second = await createApp(t.config, { logger: pino({ level: 'silent' }) });
    await second.getHttpAdapter().getInstance().ready();
    a = await t.newAccount();
  });

  afterAll(async () => {
    await second?.close();
    await t?.close();
  });

  const instances = () => [t.app, second];
  const advance = (ms: number) => instances().forEach((app) => app.get(Clock).advance(ms));
  const get = (i: number) =>
    instances()
      [i % 2].getHttpAdapter()
      .getInstance()
      .inject({ method: 'GET', url: '/api/v2/workflows', headers: faceHeaders('jsonapi', a) });

  it('admits exactly the limit, whichever instance the requests reach', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 130; i++) statuses.push((await get(i)).statusCode);
    expect(statuses.filter((s) => s === 200)).toHaveLength(100);
    expect(statuses.filter((s) => s === 429)).toHaveLength(30);
    // What either instance still held unused was given back as the window filled.
    expect(statuses.slice(100)).toEqual(Array(30).fill(429));

    advance(10_000);
    // The 10-second window is free again; the 30-minute one has 50 left.
    const next: number[] = [];
    for (let i = 0; i < 60; i++) next.push((await get(i)).statusCode);
    expect(next.filter((s) => s === 200)).toHaveLength(50);
    const refused = await get(0);
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(1_700);
  });
});
