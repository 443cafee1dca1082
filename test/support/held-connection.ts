import type { QueryRunner } from 'typeorm';
import type { TestApp } from './test-app';

/**
 * One connection of the app's pool held for each test of the suite (connected before it, released
 * after): for tests of what a connection does with what it served before, or of statements that
 * must share one connection. Returns the current test's.
 */
export function useHeldConnection(app: () => TestApp): () => QueryRunner {
  let runner: QueryRunner | undefined;
  beforeEach(async () => {
    runner = app().dataSource.createQueryRunner();
    await runner.connect();
  });
  afterEach(async () => {
    await runner?.release();
    runner = undefined;
  });
  return () => {
    if (!runner) throw new Error('no connection held outside a test');
    return runner;
  };
}
