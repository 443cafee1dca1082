import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import pino, { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { AccountsService } from '../../src/accounts/accounts.service';
import { createApp } from '../../src/app.factory';
import { Clock } from '../../src/common/clock';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { Dialect } from '../../src/config/database.options';
import { Database } from '../../src/database/database';
import { createTestDatabase, TestDatabase, testDialects } from './test-database';

export interface TestAccount {
  id: number;
  token: string;
}

export interface TestApp {
  dialect: Dialect;
  app: NestFastifyApplication;
  config: AppConfig;
  dataSource: DataSource;
  db: Database;
  clock: Clock;
  inject(options: InjectOptions): Promise<LightMyRequestResponse>;
  /** A new account with its own token: tests never share data through accounts. */
  newAccount(name?: string): Promise<TestAccount>;
  get<T>(type: new (...args: never[]) => T): T;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** The URL the app connects with, given the fresh database's (outage tests put a proxy between). */
  connectThrough?: (databaseUrl: string) => string;
  /** Replaces the silent logger, for a test that reads what the service logs. */
  logger?: Logger;
  /** Boots on this database instead of a fresh, empty one; close() calls its drop(). */
  database?: TestDatabase;
}

/** Boots the same app as production (createApp) on a fresh, migrated database. */
export async function createTestApp(
  dialect: Dialect,
  env: Record<string, string> = {},
  options: TestAppOptions = {},
): Promise<TestApp> {
  const database: TestDatabase = options.database ?? (await createTestDatabase(dialect));
  const config = loadConfig({
    DATABASE_URL: options.connectThrough ? options.connectThrough(database.url) : database.url,
    LOG_LEVEL: 'silent',
    AUTH_CACHE_TTL_MS: '0',
    DATABASE_POOL_SIZE: '10',
    // Fixtures make hundreds of v2 requests a second with one token; the limit has its own test.
    JSONAPI_RATE_LIMIT_PER_10S: '0',
    JSONAPI_RATE_LIMIT_PER_30MIN: '0',
    // TEST_REDIS_URL counts v2 requests in Redis, as REDIS_URL does in production (CI runs the
    // request-limit suites once more with it).
    ...(process.env.TEST_REDIS_URL ? { REDIS_URL: process.env.TEST_REDIS_URL } : {}),
    ...env,
  });
  let app: NestFastifyApplication;
  try {
    app = await createApp(config, {
      logger: options.logger ?? pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    });
  } catch (error) {
    await database.drop();
    throw error;
  }
  const fastify = app.getHttpAdapter().getInstance();
  return {
    dialect,
    app,
    config,
    dataSource: app.get(DataSource),
    db: app.get(Database),
    clock: app.get(Clock),
    inject: (options) => fastify.inject(options),
    newAccount: async (name = 'test') => {
      const issued = await app.get(AccountsService).createAccount(name);
      return { id: issued.accountId, token: issued.token };
    },
    get: (type) => app.get(type),
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}

/**
 * Runs a suite once per dialect of this run, each on its own fresh database:
 * `describeEachDialect('POST /todo/clone', (t) => { it('…', async () => { await t().inject(…) }) })`.
 */
export function describeEachDialect(
  name: string,
  suite: (t: () => TestApp) => void,
  env: Record<string, string> = {},
): void {
  describe.each(testDialects())(`${name} [%s]`, (dialect) => {
    let testApp: TestApp | undefined;
    beforeAll(async () => {
      testApp = await createTestApp(dialect, env);
    });
    afterAll(async () => {
      await testApp?.close();
    });
    suite(() => {
      if (!testApp) throw new Error('test app failed to start');
      return testApp;
    });
  });
}
