import { DataSource, MigrationInterface } from 'typeorm';
import { databaseOptions, TOOL_POOL } from '../../src/config/database.options';
import { ALL_MIGRATIONS } from '../../src/database/migration-list';
import type { Dialect } from '../../src/config/database.options';
import { createTestDatabase, TestDatabase } from './test-database';

/**
 * For a migration's spec: a fresh database of `dialect` with every migration applied but those
 * `left out` (the spec applies or reverts them itself), made before the suite's tests and dropped
 * after them. `source()` is the DataSource on it.
 */
export function useMigratedDatabase(
  dialect: Dialect,
  leftOut: Array<new () => MigrationInterface> = [],
): { source: () => DataSource } {
  let db: TestDatabase | undefined;
  let source: DataSource | undefined;

  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    const migrations = ALL_MIGRATIONS.filter((m) => !leftOut.includes(m));
    source = new DataSource({ ...databaseOptions(db.url, TOOL_POOL), migrations });
    await source.initialize();
    await source.runMigrations();
  });

  afterAll(async () => {
    await source?.destroy();
    await db?.drop();
  });

  return { source: () => source! };
}
