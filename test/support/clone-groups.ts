import { CloneEngine } from '../../src/tasks/store/clone-engine';
import type { TestApp } from './test-app';

/**
 * Holds the app's next transaction until released, so that clones sent meanwhile queue up behind
 * it and then run as one group (MySQL/MariaDB; on SQLite each runs alone).
 */
export function holdNextTransaction(t: TestApp): { entered: Promise<void>; release: () => void } {
  let release!: () => void;
  let enter!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const entered = new Promise<void>((resolve) => (enter = resolve));
  const db = t.db;
  const transaction = db.transaction.bind(db);
  jest.spyOn(db, 'transaction').mockImplementationOnce(async (work, options) => {
    enter();
    await released;
    return transaction(work, options);
  });
  return { entered, release };
}

/**
 * Until `count` clones wait in the engine's queue for their group (MySQL; it reads the engine's
 * private state, the one way to know that they have arrived without racing them).
 */
export async function clonesQueued(t: TestApp, count: number): Promise<void> {
  if (t.dialect !== 'mysql') return;
  const { queues } = t.get(CloneEngine) as unknown as { queues: Map<string, unknown[]> };
  const waiting = () => [...queues.values()].reduce((n, queue) => n + queue.length, 0);
  for (let i = 0; i < 400 && waiting() < count; i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(waiting()).toBe(count);
}
