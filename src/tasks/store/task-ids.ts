import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DomainError } from '../../common/domain-error';
import { Database } from '../../database/database';
import type { Queryable } from '../../database/sql';
import type { SqlDialect } from '../../database/sql-dialect';
import { TasksError } from '../tasks.errors';
import { taskIdUsed } from './tasks.table';

export const MAX_TASK_ID = 2_147_483_647;

/**
 * Task ids. Under MySQL 8's default innodb_autoinc_lock_mode=2 a multi-row INSERT's auto-increment
 * ids need not be consecutive, so ids come from one counter row instead: one UPDATE reserves a
 * whole range.
 *
 * On MySQL the clone engine takes its range with `reserve` before its transaction: from a block
 * of ids this process reserved ahead (small clones and creates), or by an autocommitted statement
 * of its own; either way no transaction holds the counter row (it would serialize every clone of
 * every account). The range is then private to that request; ids of a rolled-back request are
 * simply never used. A requested id (POST /todo/tasks with an `id`) goes through `claim` inside the
 * transaction: it moves the counter past itself, so no later range can contain it, and checks
 * that no task has it. A range reserved earlier could still contain it; whichever INSERT comes
 * second then fails on the primary key, which the engine turns into TASK_ID_TAKEN for the claim
 * or, for the clone, into a retry that allocates inside its transaction (after every committed
 * claim, and before any later one, which then sees the clone's rows); a block that met a claimed
 * id is dropped.
 *
 * A v2 copy that runs as an operation (TASK.COPY, TASK_LIST.COPY, PROJECT.COPY) learns its task
 * count only from the source it reads in the job's transaction; it then takes its range with
 * `reserveBeside`, one autocommitted statement on another connection of the job's pool, before
 * its transaction has locked any row (so whatever holds the counter waits for nothing the copy
 * holds), and keeps no lock on the counter for the rest of the copy, however long. The same
 * primary-key clash makes it roll back to a savepoint taken before it and run once more with ids
 * allocated inside its transaction (CopyIds).
 *
 * `allocate` is the same reservation inside the caller's transaction: on SQLite, where one writer
 * runs at a time; in the retries above; and in a v2 copy made within its request (at most
 * COPY_SYNC_MAX_TASKS tasks, a short transaction), since reserving after its source read would
 * take a second connection of the request pool per request, which a burst of copies could use up.
 * Such a copy of a few tasks takes them from the block instead when it holds enough at that
 * moment (`takeReady`), which waits for nothing.
 */
@Injectable()
export class TaskIdAllocator {
  /** Ids this process reserved ahead for small clones: `next` up to, not including, `end`. */
  private block = { next: 0, end: 0 };
  private refilling: Promise<void> | null = null;
  /** Writes in progress whose ids must follow their order alone (`inOrder`). */
  private ordered = 0;

  constructor(private readonly db: Database) {}

  /**
   * Runs `work` with every range reserved by a statement of its own, none from the block, so that
   * its ids follow the order of its writes on the shared counter alone, as on SQLite (the demo
   * data, whose ids the Swagger examples name).
   */
  async inOrder<T>(work: () => Promise<T>): Promise<T> {
    this.ordered++;
    try {
      return await work();
    } finally {
      this.ordered--;
    }
  }

  /**
   * `count` fresh consecutive ids, outside any transaction. A clone of fewer than
   * BLOCK_TAKERS_BELOW nodes takes them from a block this process reserved ahead (ID_BLOCK ids by
   * one autocommitted statement, shared by concurrent callers), so most creates send no statement
   * for their ids; larger ones reserve their own range by one autocommitted statement. A block's
   * ids are this process's alone, so ids stay unique across instances.
   */
  async reserve(count: number): Promise<number[]> {
    if (count === 0) return [];
    if (count >= BLOCK_TAKERS_BELOW || this.ordered > 0) return this.db.read((m) => this.allocate(m, count));
    for (let round = 0; round < 3; round++) {
      const { next, end } = this.block;
      if (end - next >= count) {
        this.block.next = next + count;
        return Array.from({ length: count }, (_, i) => next + i);
      }
      // What is left of a block too short for this clone is dropped: a clone's ids are consecutive.
      this.refilling ??= this.refill().finally(() => (this.refilling = null));
      await this.refilling;
    }
    // Callers arriving meanwhile took every refill (a burst of creates): a range of its own.
    return this.db.read((m) => this.allocate(m, count));
  }

  /**
   * `count` ids from this process's block when it holds that many now, for a write already in its
   * transaction (a small v2 copy made within its request, where rows lock): no statement and no
   * wait. Otherwise undefined (the caller allocates inside its transaction) and a refill starts
   * for the next caller, which nobody waits for. A clash with a claimed id is the caller's to
   * handle, as for `reserve`.
   */
  takeReady(count: number): number[] | undefined {
    if (count === 0 || count >= BLOCK_TAKERS_BELOW || this.ordered > 0) return undefined;
    const { next, end } = this.block;
    if (end - next >= count) {
      this.block.next = next + count;
      return Array.from({ length: count }, (_, i) => next + i);
    }
    if (!this.refilling) {
      this.refilling = this.refill().finally(() => (this.refilling = null));
      // Awaited by `reserve` callers only; a failed refill is theirs to report.
      this.refilling.catch(() => undefined);
    }
    return undefined;
  }

  /**
   * Drops the rest of the block: a caller-chosen id (claim) lay in it, and the ids after it may
   * be claimed too. The next clone reserves a fresh block.
   */
  dropBlock(): void {
    this.block = { next: 0, end: 0 };
  }

  private async refill(): Promise<void> {
    // Database.read is the non-transactional path; this single UPDATE is atomic on its own.
    const ids = await this.db.read((m) => this.allocate(m, ID_BLOCK));
    this.block = { next: ids[0], end: ids[0] + ID_BLOCK };
  }

  /**
   * `count` fresh ids reserved by one autocommitted statement on another connection of the pool
   * that `m`'s transaction runs on, where rows lock; undefined on SQLite (allocate inside). Call
   * it only before the transaction has locked a row: the statement may wait for the counter.
   */
  async reserveBeside(m: EntityManager, count: number): Promise<number[] | undefined> {
    if (!this.db.sql.rowLocks) return undefined;
    return this.allocate(m.connection.manager, count);
  }

  /** `count` fresh ids, ascending. One statement. */
  async allocate(m: Queryable, count: number): Promise<number[]> {
    if (count === 0) return [];
    const end = await this.db.sql.increment(m, 'id_allocators', 'next_id', "name = 'tasks'", count);
    if (end - 1 > MAX_TASK_ID) throw new Error('The task id space is exhausted');
    const start = end - count;
    return Array.from({ length: count }, (_, i) => start + i);
  }

  /**
   * Takes a caller-chosen id: fails with TASK_ID_TAKEN when any task (of any account) has it, or
   * when it lies beyond both the counter and REQUESTABLE_ID_LIMIT. It moves the counter past
   * itself, so no later range can contain it; one reserved earlier may, and whichever INSERT comes
   * second fails. The limit keeps one request from moving the shared counter to the end of the id
   * space: past it, only ids given out before can be asked for (the widget asks for an id to undo
   * a delete; demo data and examples ask for small ones).
   */
  async claim(m: EntityManager, id: number): Promise<void> {
    const [counter] = (await m.query("SELECT next_id FROM id_allocators WHERE name = 'tasks'")) as Array<{
      next_id: number | string;
    }>;
    if (id >= Math.max(Number(counter.next_id), REQUESTABLE_ID_LIMIT))
      throw idNotGivenOut('TASK_ID_TAKEN', id);
    await m.query(
      `UPDATE id_allocators SET next_id = ${this.db.sql.greatest('next_id', '?')} WHERE name = 'tasks'`,
      [id + 1],
    );
    if (await taskIdUsed(m, id)) throw idTaken(id);
  }
}

/**
 * Ids a process reserves ahead at once for its small clones and creates, and the clone size from
 * which a clone reserves its own range instead. A block's unused ids are lost when the process
 * stops (ids are unique, not gapless): 1,000 per start in a space of 2^31.
 */
const ID_BLOCK = 1000;
const BLOCK_TAKERS_BELOW = 100;

/**
 * Below this, a caller may ask for any free task or project id; above it, only for ids the
 * counters have passed (see TaskIdAllocator.claim).
 */
export const REQUESTABLE_ID_LIMIT = 100_000_000;

export function idNotGivenOut(code: 'TASK_ID_TAKEN' | 'PROJECT_ID_TAKEN', id: number): DomainError {
  return new TasksError(
    code,
    `The id ${id} is above ${REQUESTABLE_ID_LIMIT - 1} and has not been given out yet; create it without an id`,
    { field: 'id', meta: { id } },
  );
}

export function idTaken(id: number): DomainError {
  return new TasksError('TASK_ID_TAKEN', `The id ${id} is already taken`, { field: 'id', meta: { id } });
}

/** A duplicate key on the primary key of `tasks` (a range met a claimed id; see TaskIdAllocator). */
export function isDuplicatePrimaryKey(sql: SqlDialect, error: unknown): boolean {
  return sql.isDuplicateKey(error) && /PRIMARY/i.test((error as Error)?.message ?? '');
}
