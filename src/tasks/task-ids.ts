import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DomainError } from '../common/domain-error';
import { Database } from '../database/database';

export const MAX_TASK_ID = 2_147_483_647;

/**
 * Task ids. Under MySQL 8's default innodb_autoinc_lock_mode=2 a multi-row INSERT's auto-increment
 * ids need not be consecutive, so ids come from one counter row instead: one UPDATE reserves a
 * whole range. The row stays locked until the caller's transaction ends, which is what makes an
 * explicitly requested id (todolist-rest.md §5.2) safe: whoever reserved it has committed or
 * rolled back before `claim` looks for it. Always call inside a transaction, after the ordering
 * locks (lock order: task_list_locks, then id_allocators).
 */
@Injectable()
export class TaskIdAllocator {
  constructor(private readonly db: Database) {}

  /** `count` fresh ids, ascending. One statement. */
  async allocate(m: EntityManager, count: number): Promise<number[]> {
    if (count === 0) return [];
    let end: number;
    if (this.db.dialect === 'mysql') {
      const result = (await m.query(
        "UPDATE id_allocators SET next_id = LAST_INSERT_ID(next_id + ?) WHERE name = 'tasks'",
        [count],
      )) as { insertId: number | string };
      end = Number(result.insertId);
    } else {
      const [row] = (await m.query(
        "UPDATE id_allocators SET next_id = next_id + ? WHERE name = 'tasks' RETURNING next_id",
        [count],
      )) as Array<{ next_id: number }>;
      end = Number(row.next_id);
    }
    if (end - 1 > MAX_TASK_ID) throw new Error('The task id space is exhausted');
    const start = end - count;
    return Array.from({ length: count }, (_, i) => start + i);
  }

  /** Reserves a caller-chosen id: fails with TASK_ID_TAKEN when any task (of any account) has it. */
  async claim(m: EntityManager, id: number): Promise<void> {
    const greatest = this.db.dialect === 'mysql' ? 'GREATEST' : 'MAX';
    await m.query(`UPDATE id_allocators SET next_id = ${greatest}(next_id, ?) WHERE name = 'tasks'`, [
      id + 1,
    ]);
    const rows = await m.query('SELECT id FROM tasks WHERE id = ?', [id]);
    if (rows.length > 0) {
      throw new DomainError('TASK_ID_TAKEN', `The id ${id} is already taken`, { field: 'id', meta: { id } });
    }
  }
}
