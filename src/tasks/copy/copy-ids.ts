import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Database } from '../../database/database';
import { WITH_NEXT } from '../../database/held-statements';
import { isDuplicatePrimaryKey, TaskIdAllocator } from '../store/task-ids';
import { StoreWrite, TaskWriteGateway } from '../store/write-gateway';

/**
 * Ids for `count` copied tasks: reserved outside the transaction (call it before the write locks
 * any row), or undefined when they are to be allocated inside it.
 */
export type ReserveIds = (count: number) => Promise<number[] | undefined>;

const SAVEPOINT = 'copy_ids';
const inside: ReserveIds = () => Promise.resolve(undefined);

/**
 * A copy joining a job's transaction (TASK.COPY, TASK_LIST.COPY, PROJECT.COPY) whose task ids
 * are reserved outside it where rows lock, so that no other creation of any account waits for
 * the counter until the copy commits (see TaskIdAllocator).
 */
@Injectable()
export class CopyIds {
  constructor(
    private readonly db: Database,
    private readonly gateway: TaskWriteGateway,
    private readonly ids: TaskIdAllocator,
  ) {}

  /**
   * `work` as TaskWriteGateway.join runs it, given a ReserveIds. A requested id claimed meanwhile
   * (TaskIdAllocator.claim) may lie in the reserved range: the copy's INSERT then fails on the
   * primary key, everything `work` wrote is rolled back to a savepoint taken before it, and it
   * runs once more with its ids allocated inside the transaction.
   */
  async join<T>(
    m: EntityManager,
    accountId: number,
    work: (w: StoreWrite, reserve: ReserveIds) => Promise<T>,
  ): Promise<T> {
    if (!this.db.sql.rowLocks) return this.gateway.join(m, accountId, (w) => work(w, inside));
    // Sent with the copy's first read: one round trip less before it starts.
    await m.query(`${WITH_NEXT}SAVEPOINT ${SAVEPOINT}`);
    try {
      return await this.gateway.join(m, accountId, (w) =>
        work(w, (count) => this.ids.reserveBeside(m, count)),
      );
    } catch (error) {
      if (!isDuplicatePrimaryKey(this.db.sql, error)) throw error;
      await m.query(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`);
      return this.gateway.join(m, accountId, (w) => work(w, inside));
    }
  }
}
