import { Injectable } from '@nestjs/common';
import type { EntityManager, QueryRunner } from 'typeorm';
import { Database, TransactionOptions } from '../../database/database';
import { WITH_NEXT } from '../../database/held-statements';
import { CHUNK, Queryable, sendTogether } from '../../database/sql';
import type { SqlDialect } from '../../database/sql-dialect';
import { TasksError } from '../tasks.errors';
import { advanceContentOfTasks, advanceRevisions, ReadRevisions, revisionsOf } from './revisions.table';
import {
  FeedWrite,
  mergeInserted,
  RecordedChange,
  TaskChange,
  TaskChangeFeed,
  TaskChangeKind,
  TasksInserted,
  writeOrigin,
} from './task-changes.service';

type InsertedChange = Omit<TasksInserted, 'accountId' | 'revisions' | 'origin'>;
import { keyOf } from './task-fields';
import { KeyedPlace, ListPart, TaskForest } from './task-tree';
import { accountRowExists } from './account-rows.table';
import { existingPeople } from './people.table';
import { ancestorsOf, loadLists, loadPart, LoadScope, subtreesOf } from './task-structure.table';
import { loadProjects, readStructure } from './tasks.table';

// A task may keep moving to another project between the read of its project and the lock.
const MAX_LOCK_ATTEMPTS = 5;

/**
 * One write of the task store (tasks, projects, people) in one transaction: it takes the
 * ordering locks of the projects it changes structurally (each once, advancing its structure
 * revision), names the projects whose tasks' fields it changes (their content revisions advance
 * as its last lock, when its work is done), and records what it changed, which the gateway tells
 * its subscribers once the transaction has committed.
 */
export class StoreWrite {
  private readonly locked = new Set<number>();
  private readonly touched = new Set<number>();
  /** Revisions this write's own upserts answered (`s<key>`, `c<key>`): not read back at the end. */
  private readonly learned: ReadRevisions = new Map();
  private recorded: { kind: TaskChangeKind; build: () => RecordedChange | Promise<RecordedChange> } | null =
    null;
  /** Projects whose content revisions advanced already (lockRowsAndTouch). */
  private readonly contentAdvanced = new Set<number>();

  constructor(
    readonly m: EntityManager,
    readonly sql: SqlDialect,
    readonly accountId: number,
    /**
     * Plain reads see the latest committed rows (READ COMMITTED where rows lock, or one writer at a
     * time), so under an ordering lock they need not lock what they read.
     */
    readonly readsCommitted = !sql.rowLocks,
    private readonly feed?: TaskChangeFeed,
    /**
     * Whether the write's transaction is its own (TaskWriteGateway.write), whose next statement
     * after the work is the gateway's: not a caller's (join), whose next statement may expect
     * errors of its own.
     */
    private readonly ownTransaction = false,
  ) {}

  /**
   * Whether a subscriber wants a change of this kind to these projects now; a write that reads
   * what only the change event needs together with what it needs anyway asks first (if one
   * subscribes meanwhile, the change is built at the end with reads of its own).
   */
  wants(kind: TaskChangeKind, projectKeys: Iterable<number>): boolean {
    return this.feed?.interested(this.accountId, [...projectKeys], kind) ?? false;
  }

  /**
   * Takes the ordering locks of the given projects (0 = No project), in ascending order, and
   * advances their structure revisions (which list readers compare): every structural change to a
   * project's tasks comes through here, and a rolled-back change takes its advance back with it.
   * A project already locked by this write is not locked again.
   */
  async lockLists(projectKeys: Iterable<number>): Promise<void> {
    await this.lockListsAnd(projectKeys, async () => undefined);
  }

  /**
   * lockLists, with `read` (the statements it starts before its first await) sent in the same
   * round trip right after the locks, so that it runs under them (sendTogether): a write's first
   * read of what it changes needs no answer of the lock, only the lock itself.
   */
  async lockListsAnd<T>(projectKeys: Iterable<number>, read: (m: Queryable) => Promise<T>): Promise<T> {
    const keys = [...new Set(projectKeys)].filter((key) => !this.locked.has(key));
    if (keys.length === 0) return read(this.m);
    const [learned, result] = await sendTogether<[Map<number, number>, T]>(this.m, this.sql, (m) => [
      advanceRevisions(m, this.sql, 's', this.accountId, keys),
      read(m),
    ]);
    for (const [key, revision] of learned) this.learned.set(`s${key}`, revision);
    for (const key of keys) this.locked.add(key);
    return result;
  }

  hasLocked(projectKey: number): boolean {
    return this.locked.has(projectKey);
  }

  /**
   * The fields of some tasks of these projects changed, or tasks came in that a reader may have
   * known elsewhere (moved from another project, or a new task under a used id): their content
   * revisions advance, so that readers compare stamps. That is the write's last lock, taken when
   * its work is done: the row is then held only for the commit, and writes of one project that
   * take it queue only that long (a field update takes it with its first read, lockRowsAndTouch,
   * which is as long: its statements after that go with its COMMIT).
   */
  touchContent(projectKeys: Iterable<number>): void {
    for (const key of projectKeys) this.touched.add(key);
  }

  /**
   * The write's manager, but every statement sent through it goes with the write's next one, its
   * COMMIT at the latest, in one round trip where rows lock (WITH_NEXT): for its last statements,
   * whose answers nothing reads (each answers at once, with no answer of its own). A failure fails
   * that next statement, and so the write. In a caller's transaction (join) it is the manager itself.
   */
  withNext(): EntityManager {
    if (!this.sql.rowLocks || !this.ownTransaction) return this.m;
    const m = this.m;
    const query = (text: string, values?: unknown[]) => m.query(`${WITH_NEXT}${text}`, values);
    return Object.create(m, { query: { value: query } }) as EntityManager;
  }

  /**
   * A field update's first read, which locks the tasks it changes (`read`), and the advance of the
   * content revisions of their projects (touchContent, `projectKeysOf` the read), in one round trip
   * where rows lock: the content lock then comes with the row locks, and the write's last
   * statements, which need no answer, go with its COMMIT (withNext). The lock is held as long as
   * when taken last, one round trip before the COMMIT. More tasks than one read's chunk are read
   * first, so that every row is locked before its project is read.
   */
  async lockRowsAndTouch<T>(
    taskIds: number[],
    read: (m: Queryable) => Promise<T>,
    projectKeysOf: (read: T) => number[],
  ): Promise<T> {
    if (!this.sql.rowLocks) {
      const result = await read(this.m);
      this.touchContent(projectKeysOf(result));
      return result;
    }
    const [result, learned] =
      taskIds.length <= CHUNK
        ? await sendTogether<[T, (oneProject: boolean) => number | undefined]>(this.m, this.sql, (m) => [
            read(m),
            advanceContentOfTasks(m, this.accountId, taskIds),
          ])
        : await read(this.m).then(
            async (first) => [first, await advanceContentOfTasks(this.m, this.accountId, taskIds)] as const,
          );
    const keys = [...new Set(projectKeysOf(result))];
    for (const key of keys) {
      this.touched.add(key);
      this.contentAdvanced.add(key);
    }
    const revision = learned(keys.length === 1);
    if (revision !== undefined) this.learned.set(`c${keys[0]}`, revision);
    return result;
  }

  /**
   * What the write changed; built (it may read, under the write's locks) only if a subscriber
   * wants this kind, when the write's work is done. Inserts add up (a bulk create inserts once per
   * task), a `bulk-inserted` stands for anything recorded after it; otherwise the last one
   * recorded counts.
   */
  record(kind: TaskChangeKind, build: () => RecordedChange | Promise<RecordedChange>): void {
    const earlier = this.recorded;
    // A bulk insert has subscribers read the projects again: that covers anything else the write does.
    if (earlier?.kind === 'bulk-inserted') return;
    if (kind === 'inserted' && earlier?.kind === 'inserted') {
      const later = build;
      build = async () =>
        mergeInserted((await earlier.build()) as InsertedChange, (await later()) as InsertedChange);
    }
    this.recorded = { kind, build };
  }

  /**
   * Locks and loads every project that holds one of `taskIds`, plus `projectKeys`. A task's project
   * is only known after reading it, so the read is repeated under the locks and, if a task moved
   * to an unlocked project meanwhile, that project is locked too.
   */
  async lockAndLoad(taskIds: number[], projectKeys: number[]): Promise<TaskForest> {
    const keys = new Set(projectKeys);
    for (let attempt = 0; attempt < MAX_LOCK_ATTEMPTS; attempt++) {
      const before = await readStructure(this.m, this.sql, this.accountId, taskIds, false);
      for (const r of before) keys.add(keyOf(r.projectId));
      await this.lockLists(keys);
      const forest = new TaskForest(await loadProjects(this.m, this.sql, this.accountId, [...keys]));
      if (!this.sql.rowLocks) return forest;
      // The forest was read with a locking read (latest committed state); a plain re-read would
      // only see this transaction's snapshot. A task seen before but missing now was deleted
      // (fine) or moved to another project (lock that one too and load again).
      const gone = before.filter((r) => !forest.has(r.id)).map((r) => r.id);
      if (gone.length === 0) return forest;
      const moved = await readStructure(this.m, this.sql, this.accountId, gone, true);
      if (moved.length === 0) return forest;
      for (const r of moved) keys.add(keyOf(r.projectId));
    }
    throw new TasksError('TASK_PLACEMENT_MISMATCH', 'The tasks kept moving between projects; try again');
  }

  /**
   * Locks the projects that hold `taskIds`, plus `projectKeys`, and loads only the parts of them a
   * write changes: the named tasks (with their ancestors when `ancestors`), and the whole lists,
   * the parts of lists (whole lists with `whole`) and the subtrees that `scope` picks from those.
   * Its plain reads must see the latest committed rows (readsCommitted: the write runs at READ
   * COMMITTED where rows lock), which, under the ordering locks, nothing else changes. A task that
   * moved to another project before the lock was taken has that project locked too, and the read
   * is made again.
   */
  async lockAndLoadParts(
    taskIds: number[],
    projectKeys: number[],
    scope: (named: ReadonlyMap<number, KeyedPlace>) => Partial<LoadScope>,
    options: { ancestors?: boolean; whole?: boolean } = {},
  ): Promise<TaskForest> {
    if (!this.readsCommitted) throw new Error('a partial load needs plain reads of the latest rows');
    const keys = new Set(projectKeys);
    for (const r of await readStructure(this.m, this.sql, this.accountId, taskIds, false))
      keys.add(keyOf(r.projectId));
    for (let attempt = 0; attempt < MAX_LOCK_ATTEMPTS; attempt++) {
      await this.lockLists(keys);
      const named =
        options.ancestors === false
          ? await readStructure(this.m, this.sql, this.accountId, taskIds, false)
          : await ancestorsOf(this.m, this.accountId, taskIds);
      const unlocked = named.filter((r) => !this.locked.has(keyOf(r.projectId)));
      for (const r of unlocked) keys.add(keyOf(r.projectId));
      if (unlocked.length === 0)
        return this.loadScope(named, scope(new Map(named.map((r) => [r.id, r]))), options.whole);
    }
    throw new TasksError('TASK_PLACEMENT_MISMATCH', 'The tasks kept moving between projects; try again');
  }

  private async loadScope(
    named: KeyedPlace[],
    scope: Partial<LoadScope>,
    whole = false,
  ): Promise<TaskForest> {
    const rows = new Map(named.map((r) => [r.id, r]));
    const take = (more: KeyedPlace[]) => more.forEach((r) => rows.set(r.id, r));
    const wanted = scope.parts ?? [];
    const lists = [
      ...(scope.lists ?? []),
      ...(whole ? wanted.map((p) => ({ projectKey: keyOf(p.projectId), parentKey: keyOf(p.parentId) })) : []),
    ];
    const parts: ListPart[] = [];
    if (!whole) {
      for (const p of wanted) {
        const loaded = await loadPart(this.m, this.accountId, p);
        take(loaded.rows);
        parts.push(loaded.part);
      }
    }
    if (lists.length > 0) take(await loadLists(this.m, this.accountId, lists));
    if (scope.subtrees?.length) take(await subtreesOf(this.m, this.accountId, scope.subtrees));
    return new TaskForest([...rows.values()], parts);
  }

  /**
   * Fails with PROJECT_NOT_FOUND unless the project is the account's; null (No project) always
   * exists. A locking read: under an ordering lock it sees (and holds) the latest committed row.
   */
  async assertProject(projectId: number | null): Promise<void> {
    if (
      projectId === null ||
      (await accountRowExists(this.m, this.sql, 'projects', this.accountId, projectId, true))
    )
      return;
    throw projectNotFound(projectId);
  }

  /** Fails with USER_NOT_FOUND unless every id is a person of the account. */
  async assertPeople(ids: Iterable<number>): Promise<void> {
    const wanted = [...new Set(ids)];
    if (wanted.length === 0) return;
    const found = await existingPeople(this.m, this.accountId, wanted);
    const missing = wanted.find((id) => !found.has(id));
    if (missing === undefined) return;
    throw new TasksError('USER_NOT_FOUND', `User ${missing} does not exist`, {
      field: 'assigned',
      meta: { id: missing },
    });
  }

  /** The rows of these tasks, locked: their projects cannot change under the lock until the commit. */
  lockRows(ids: number[]): Promise<KeyedPlace[]> {
    return readStructure(this.m, this.sql, this.accountId, ids, true);
  }

  /** The revisions this write leaves on the projects it locked or touched: read back unless its upserts told them. */
  private async revisions(): Promise<ReadRevisions> {
    const wanted = [...[...this.locked].map((k) => `s${k}`), ...[...this.touched].map((k) => `c${k}`)];
    if (wanted.every((key) => this.learned.has(key))) {
      return new Map(wanted.map((key) => [key, this.learned.get(key)!]));
    }
    return revisionsOf(this.m, this.accountId, { s: [...this.locked], c: [...this.touched] });
  }

  /** @internal The gateway's: the last lock, then the change with its revisions if anyone wants it. */
  async finish(feed: TaskChangeFeed, told: FeedWrite, origin?: string): Promise<void> {
    const learned = await advanceRevisions(
      this.m,
      this.sql,
      'c',
      this.accountId,
      [...this.touched].filter((key) => !this.contentAdvanced.has(key)),
    );
    for (const [key, revision] of learned) this.learned.set(`c${key}`, revision);
    if (!this.recorded) return;
    const { kind, build } = this.recorded;
    if (!feed.interested(this.accountId, [...this.locked, ...this.touched], kind)) return;
    const revisions = await this.revisions();
    told.announce({
      ...(await build()),
      accountId: this.accountId,
      revisions,
      ...(origin === undefined ? {} : { origin }),
    } as TaskChange);
  }
}

/** What assertProject throws: the project is not the account's (or no longer exists). */
export function projectNotFound(projectId: number): TasksError {
  return new TasksError('PROJECT_NOT_FOUND', `Project ${projectId} does not exist`, {
    field: 'project',
    meta: { id: projectId },
  });
}

/**
 * The one way to write tasks, projects and people: it owns the ordering locks, the read
 * revisions and the change event, which it tells its subscribers after the commit (TaskChangeFeed).
 */
@Injectable()
export class TaskWriteGateway {
  /** Changes of writes that joined a caller's transaction, told when that one commits. */
  private readonly joined = new WeakMap<QueryRunner, FeedWrite[]>();

  constructor(
    private readonly db: Database,
    private readonly feed: TaskChangeFeed,
  ) {
    db.dataSource.subscribers.push({
      afterTransactionCommit: ({ queryRunner }) => this.settleJoined(queryRunner, true),
      afterTransactionRollback: ({ queryRunner }) => this.settleJoined(queryRunner, false),
    });
  }

  /** A write in a transaction of its own (retried whole on deadlock), told once it has committed. */
  async write<T>(
    accountId: number,
    work: (w: StoreWrite) => Promise<T>,
    options?: TransactionOptions,
  ): Promise<T> {
    const told = this.feed.write();
    const origin = writeOrigin.getStore();
    try {
      const result = await this.db.transaction(
        (m) =>
          told.attempt(async () => {
            const committed = !this.db.sql.rowLocks || options?.isolation === 'READ COMMITTED';
            const w = new StoreWrite(m, this.db.sql, accountId, committed, this.feed, true);
            const result = await work(w);
            await w.finish(this.feed, told, origin);
            return result;
          }),
        options,
      );
      told.tell();
      return result;
    } finally {
      told.end();
    }
  }

  /**
   * A write at READ COMMITTED where rows lock (as every To Do write, so that a connection of the
   * pool keeps its level between them: src/database/session-isolation.ts); its plain reads see the
   * latest committed rows. On SQLite, one writer at a time, the same as write().
   */
  writeReadCommitted<T>(accountId: number, work: (w: StoreWrite) => Promise<T>): Promise<T> {
    return this.write(accountId, work, this.db.sql.rowLocks ? { isolation: 'READ COMMITTED' } : undefined);
  }

  /**
   * A write inside the caller's transaction (a job that commits its effect with its outcome);
   * told when that transaction commits, dropped if it rolls back.
   */
  async join<T>(m: EntityManager, accountId: number, work: (w: StoreWrite) => Promise<T>): Promise<T> {
    const w = new StoreWrite(m, this.db.sql, accountId, undefined, this.feed);
    const result = await work(w);
    const told = this.feed.write();
    await w.finish(this.feed, told);
    const runner = m.queryRunner;
    if (runner) this.joined.set(runner, [...(this.joined.get(runner) ?? []), told]);
    else told.end();
    return result;
  }

  private settleJoined(runner: QueryRunner | undefined, committed: boolean): void {
    const writes = runner && this.joined.get(runner);
    if (!writes) return;
    this.joined.delete(runner);
    for (const told of writes) {
      if (committed) told.tell();
      told.end();
    }
  }
}
