import type { EntityManager } from 'typeorm';
import { chunks, inChunks, insertedId, marks } from '../../database/sql';
import { fromSqlDateTime, toSqlDateTime } from '../../database/sql-time';

// `people`: who tasks are assigned to (the widget's users, v2's `people`), and `account_tags`.

export interface PersonRow {
  id: number;
  firstName: string;
  lastName: string;
  email: string | null;
  avatarUrl: string | null;
  color: string | null;
  deactivatedAt: Date | null;
  createdAt: Date | null;
}

export interface PersonValues {
  firstName?: string;
  lastName?: string;
  email?: string | null;
  avatarUrl?: string | null;
  color?: string | null;
  /** Set: when the person was deactivated; null: active again. */
  deactivatedAt?: Date | null;
}

const COLUMNS: Record<Exclude<keyof PersonValues, 'deactivatedAt'>, string> = {
  firstName: 'first_name',
  lastName: 'last_name',
  email: 'email',
  avatarUrl: 'avatar_url',
  color: 'color',
};

const str = (v: unknown) => (v === null || v === undefined ? null : String(v));

function toPerson(r: Record<string, unknown>): PersonRow {
  return {
    id: Number(r.id),
    firstName: String(r.first_name),
    lastName: String(r.last_name ?? ''),
    email: str(r.email),
    avatarUrl: str(r.avatar_url),
    color: str(r.color),
    deactivatedAt: fromSqlDateTime(r.deactivated_at as Date | string | null),
    createdAt: fromSqlDateTime(r.created_at as Date | string | null),
  };
}

const SELECT =
  'SELECT id, first_name, last_name, email, avatar_url, color, deactivated_at, created_at FROM people';

/** Every person of the account, by id. */
export async function allPeople(m: EntityManager, accountId: number): Promise<PersonRow[]> {
  return (
    (await m.query(`${SELECT} WHERE account_id = ? ORDER BY id`, [accountId])) as Array<
      Record<string, unknown>
    >
  ).map(toPerson);
}

/** People by id, in id order (missing ones are absent). */
export async function peopleRows(m: EntityManager, accountId: number, ids: number[]): Promise<PersonRow[]> {
  const rows = await inChunks(
    [...new Set(ids)],
    (part) =>
      m.query(`${SELECT} WHERE account_id = ? AND id IN (${marks(part.length)}) ORDER BY id`, [
        accountId,
        ...part,
      ]) as Promise<Array<Record<string, unknown>>>,
  );
  return rows.map(toPerson);
}

/** Which of the ids are people of the account. */
export async function existingPeople(
  m: EntityManager,
  accountId: number,
  ids: number[],
): Promise<Set<number>> {
  const found = new Set<number>();
  for (const part of chunks([...new Set(ids)])) {
    const rows = await m.query(
      `SELECT id FROM people WHERE account_id = ? AND id IN (${marks(part.length)})`,
      [accountId, ...part],
    );
    for (const r of rows) found.add(Number(r.id));
  }
  return found;
}

export async function insertPerson(
  m: EntityManager,
  accountId: number,
  values: PersonValues & { firstName: string },
  now: Date,
): Promise<number> {
  const result: unknown = await m.query(
    'INSERT INTO people (account_id, first_name, last_name, email, avatar_url, color, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    [
      accountId,
      values.firstName,
      values.lastName ?? '',
      values.email ?? null,
      values.avatarUrl ?? null,
      values.color ?? null,
      toSqlDateTime(now),
    ],
  );
  return insertedId(result);
}

/** Sets the values given (undefined: unchanged). */
export async function updatePerson(
  m: EntityManager,
  accountId: number,
  id: number,
  values: PersonValues,
): Promise<void> {
  const sets: Array<[string, unknown]> = [];
  for (const [key, column] of Object.entries(COLUMNS) as Array<[keyof typeof COLUMNS, string]>) {
    if (values[key] !== undefined) sets.push([column, values[key]]);
  }
  if (values.deactivatedAt !== undefined)
    sets.push(['deactivated_at', values.deactivatedAt && toSqlDateTime(values.deactivatedAt)]);
  if (sets.length === 0) return;
  await m.query(
    `UPDATE people SET ${sets.map(([c]) => `${c} = ?`).join(', ')} WHERE id = ? AND account_id = ?`,
    [...sets.map(([, v]) => v), id, accountId],
  );
}

export async function deletePerson(m: EntityManager, accountId: number, id: number): Promise<void> {
  await m.query('DELETE FROM people WHERE account_id = ? AND id = ?', [accountId, id]);
}

export async function accountTags(m: EntityManager, accountId: number): Promise<string[]> {
  const rows = (await m.query('SELECT name FROM account_tags WHERE account_id = ? ORDER BY position', [
    accountId,
  ])) as Array<{ name: string }>;
  return rows.map((r) => r.name);
}

/** Replaces the account's tag list with `tags` (already without duplicates). */
export async function replaceAccountTags(m: EntityManager, accountId: number, tags: string[]): Promise<void> {
  await m.query('DELETE FROM account_tags WHERE account_id = ?', [accountId]);
  if (tags.length === 0) return;
  await m.query(
    `INSERT INTO account_tags (account_id, position, name) VALUES ${tags.map(() => '(?, ?, ?)').join(', ')}`,
    tags.flatMap((name, i) => [accountId, i, name]),
  );
}
