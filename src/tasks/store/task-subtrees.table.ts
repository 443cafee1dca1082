import type { EntityManager } from 'typeorm';
import { marks } from '../../database/sql';

// Walks of the task tree: the ids of a subtree or of task lists' trees, in one statement each.

// A task (`?`) of the account (`?`) and all its live descendants (`?`: the account again);
// UNION (not UNION ALL) stops at cycles in stored data.
export const SUBTREE = `WITH RECURSIVE subtree(id) AS (
       SELECT id FROM tasks WHERE id = ? AND account_id = ? AND deleted_at IS NULL
       UNION
       SELECT t.id FROM tasks t JOIN subtree s ON t.parent_id = s.id WHERE t.account_id = ? AND t.deleted_at IS NULL
     )`;

/**
 * The live top-level tasks of task lists (not those that back a template) and all their live
 * descendants, in one statement.
 */
export async function listSubtreeIds(
  m: EntityManager,
  accountId: number,
  listIds: number[],
): Promise<number[]> {
  if (listIds.length === 0) return [];
  const rows = (await m.query(
    `WITH RECURSIVE subtree(id) AS (
       SELECT id FROM tasks WHERE account_id = ? AND task_list_id IN (${marks(listIds.length)})
         AND parent_id IS NULL AND template_id IS NULL AND deleted_at IS NULL
       UNION
       SELECT t.id FROM tasks t JOIN subtree s ON t.parent_id = s.id WHERE t.account_id = ? AND t.deleted_at IS NULL
     ) SELECT id FROM subtree`,
    [accountId, ...listIds, accountId],
  )) as Array<{ id: number }>;
  return rows.map((r) => Number(r.id));
}
