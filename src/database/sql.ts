import type { EntityManager } from 'typeorm';
import { allDone } from '../common/all-done';

// The one helper for raw SQL: placeholders, chunks, and what drivers answer. Values are always
// bound, never spliced into the text; booleans and times are bound as numbers and
// `YYYY-MM-DD HH:MM:SS.SSS` (see sql-time.ts), which both drivers accept. What differs between
// the dialects is behind SqlDialect (sql-dialect.ts).

/** Anything that runs a statement: a TypeORM manager, in a transaction or not. */
export type Queryable = Pick<EntityManager, 'query'>;

/**
 * Statements that wait for no answer of one another, in one round trip where the driver can:
 * `work` starts them on the Queryable it is given, and each promise it returns settles with its
 * statement's answer. On MySQL/MariaDB the statements `work` started before it returned go in one
 * text (the pool's `multipleStatements`), in the order started, and the server runs them in that
 * order; on SQLite, which has no round trips, one by one in that order. A statement started later
 * (a second chunk, after the first one's answer) goes on its own. If one fails the server runs
 * none after it: every promise of that text fails with its error, and this throws it once all
 * have settled (allDone).
 *
 * A round trip saved is a wait saved for a turn of the event loop, which under load is longer than
 * the statement: mysql2 sends a connection's next statement only once it has read the answer
 * before.
 */
export async function sendTogether<T extends readonly unknown[]>(
  m: Queryable,
  sql: { readonly name: string },
  work: (together: Queryable) => readonly [...{ [K in keyof T]: Promise<T[K]> }],
): Promise<T> {
  if (sql.name !== 'mysql') return allDone(work(m));
  const held: Array<{
    text: string;
    params: unknown[];
    settle: (error: unknown, answer?: unknown) => void;
  }> = [];
  let sent = false;
  const together: Queryable = {
    query: ((text: string, params: unknown[] = []) => {
      if (sent) return m.query(text, params);
      return new Promise<unknown>((resolve, reject) =>
        held.push({ text, params, settle: (error, answer) => (error ? reject(error) : resolve(answer)) }),
      );
    }) as Queryable['query'],
  };
  const started = work(together);
  sent = true;
  if (held.length === 1) {
    const [one] = held;
    m.query(one.text, one.params).then(
      (answer) => one.settle(null, answer),
      (error) => one.settle(error),
    );
  } else if (held.length > 1) {
    m.query(
      held.map((h) => h.text).join('; '),
      held.flatMap((h) => h.params),
    ).then(
      (answers: unknown[]) => held.forEach((h, i) => h.settle(null, answers[i])),
      (error) => held.forEach((h) => h.settle(error)),
    );
  }
  return allDone(started);
}

/**
 * Ids (or rows) per statement: an IN list or a multi-row INSERT of up to this many stays well
 * under SQLite's 32,766 bound variables and MySQL's packet size.
 */
export const CHUNK = 1000;

/** `?, ?, ?`: `n` placeholders. */
export function marks(n: number): string {
  return new Array<string>(n).fill('?').join(', ');
}

/** `(?, ?), (?, ?)`: `rows` tuples of `columns` placeholders, for a multi-row INSERT. */
export function tuples(rows: number, columns: number): string {
  const one = `(${marks(columns)})`;
  return new Array<string>(rows).fill(one).join(', ');
}

export function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * `column` among `ids`, as a condition and its values: each run of at least three consecutive ids
 * as one `BETWEEN`, the others in one `IN` list. Ids are given out in ranges (a copy's, a clone's,
 * an import's), so a subtree's are mostly runs; MySQL/MariaDB plan a `BETWEEN` with one index dive
 * where they make one per listed value (`eq_range_index_dive_limit = 0`, bounded-mysql.ts): for
 * 1,000 ids in six parts of one statement, 11 ms of planning against under 1.
 */
export function amongIds(column: string, ids: readonly number[]): { sql: string; params: number[] } {
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  const conditions: string[] = [];
  const params: number[] = [];
  const single: number[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    if (j - i >= 2) {
      conditions.push(`${column} BETWEEN ? AND ?`);
      params.push(sorted[i], sorted[j]);
    } else {
      single.push(...sorted.slice(i, j + 1));
    }
    i = j + 1;
  }
  if (single.length) {
    conditions.push(`${column} IN (${marks(single.length)})`);
    params.push(...single);
  }
  if (conditions.length === 0) return { sql: '1 = 0', params };
  return { sql: conditions.length === 1 ? conditions[0] : `(${conditions.join(' OR ')})`, params };
}

/** Runs `read` over `ids` a chunk at a time and concatenates the rows. */
export async function inChunks<T>(ids: number[], read: (part: number[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (const part of chunks(ids)) out.push(...(await read(part)));
  return out;
}

/** The id of the row an INSERT made: mysql2 answers a result header, better-sqlite3 the new rowid. */
export function insertedId(result: unknown): number {
  return Number(
    typeof result === 'object' && result !== null ? (result as { insertId: number }).insertId : result,
  );
}

/** A nullable integer column as read back (drivers may answer BIGINT as a string). */
export function intOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

/** A boolean column as read back (0/1, or true/false). */
export function bool(value: unknown): boolean {
  return value === true || Number(value) === 1;
}

/**
 * A page of the ids of an account's rows of `table` (ids ascending), optionally where one column
 * has one value, and how many there are in all. `table` and `column` come from the caller's code.
 */
export async function idsPage(
  m: Queryable,
  table: string,
  accountId: number,
  equal: [column: string, value: string] | null,
  page: { offset: number; limit: number },
): Promise<{ ids: number[]; total: number }> {
  const where = `account_id = ?${equal ? ` AND ${equal[0]} = ?` : ''}`;
  const params = equal ? [accountId, equal[1]] : [accountId];
  const [{ n }] = (await m.query(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`, params)) as Array<{
    n: number;
  }>;
  const rows = (await m.query(`SELECT id FROM ${table} WHERE ${where} ORDER BY id LIMIT ? OFFSET ?`, [
    ...params,
    page.limit,
    page.offset,
  ])) as Array<{ id: number }>;
  return { ids: rows.map((r) => Number(r.id)), total: Number(n) };
}

/** The SQL operator of each comparison a record query may name (LIKE ones take an ESCAPE clause). */
export const SQL_COMPARISONS = {
  eq: '=',
  not_eq: '<>',
  contains: 'LIKE',
  not_contain: 'NOT LIKE',
  gt: '>',
  gt_eq: '>=',
  lt: '<',
  lt_eq: '<=',
} as const;
