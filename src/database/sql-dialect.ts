import type { Dialect } from '../config/database.options';
import type { Queryable } from './sql';

/**
 * What differs between MySQL/MariaDB and SQLite in the SQL the service writes: the one place that
 * knows. Callers ask for a construct (a locking read, an upsert), never for the dialect's name.
 */
export interface SqlDialect {
  readonly name: Dialect;
  /**
   * Whether reads can lock rows. MySQL/MariaDB can; SQLite runs one writer at a time (Database
   * serializes every unit of work), so there is nothing to lock and nothing to wait for.
   */
  readonly rowLocks: boolean;
  /**
   * ` FOR UPDATE` where rows lock (such a read also sees what committed after the transaction's
   * snapshot), else nothing.
   */
  readonly forUpdate: string;
  /**
   * ` FOR UPDATE SKIP LOCKED` where rows lock (MySQL 8, MariaDB ≥ 10.6): a locking read that passes
   * over rows another transaction holds. Nothing on SQLite, whose one writer serializes claims.
   */
  readonly forUpdateSkipLocked: string;
  /** ` LOCK IN SHARE MODE` where rows lock (rather than FOR SHARE, which MariaDB does not parse), else nothing. */
  readonly forShare: string;
  /**
   * Whether UPDATE takes ORDER BY, so that rows can be moved in an order that keeps a unique index
   * valid at every row (a unique index is checked row by row on both dialects).
   */
  readonly orderedUpdate: boolean;
  /**
   * An inner join that reads its left table first, then the right one by the join condition:
   * MySQL's `STRAIGHT_JOIN`, and SQLite's `CROSS JOIN`, whose order its planner keeps.
   */
  readonly joinInOrder: string;
  /** An index hint that keeps a plan on the named index, or nothing. */
  forceIndex(index: string): string;
  /** In an upsert's update, the value a column would have taken in the row that met the key. */
  incoming(column: string): string;
  /** The larger of two expressions. */
  greatest(a: string, b: string): string;
  /** A DATETIME column as `YYYY-MM-DD HH:MM:SS.SSS…` text (SQLite stores that text already). */
  timeText(column: string, as: string): string;
  /**
   * A multi-row INSERT of `rows` rows of `columns` that, where a row's key `keys` exists, applies
   * `update` (a SET list over the existing row) instead.
   */
  upsert(table: string, columns: string[], rows: number, keys: string[], update: string): string;
  /** Adds `by` to a counter column of the one row `where` selects and answers its new value. */
  increment(m: Queryable, table: string, column: string, where: string, by: number): Promise<number>;
  /**
   * The new value of the last `increment` on the same connection, as an SQL expression that a later
   * statement of its transaction can use without waiting for that answer (MySQL's
   * `LAST_INSERT_ID()`, which only an AUTO_INCREMENT value the server generates changes); null
   * where there is none (SQLite).
   */
  readonly lastIncrement: string | null;
  /** Whether an error is the database refusing a duplicate primary or unique key. */
  isDuplicateKey(error: unknown): boolean;
}

const tuples = (rows: number, columns: number) =>
  new Array<string>(rows).fill(`(${new Array<string>(columns).fill('?').join(', ')})`).join(', ');

const MYSQL: SqlDialect = {
  name: 'mysql',
  rowLocks: true,
  forUpdate: ' FOR UPDATE',
  forUpdateSkipLocked: ' FOR UPDATE SKIP LOCKED',
  forShare: ' LOCK IN SHARE MODE',
  orderedUpdate: true,
  joinInOrder: 'STRAIGHT_JOIN',
  forceIndex: (index) => ` FORCE INDEX (${index})`,
  incoming: (column) => `VALUES(${column})`,
  greatest: (a, b) => `GREATEST(${a}, ${b})`,
  timeText: (column, as) => `DATE_FORMAT(${column}, '%Y-%m-%d %H:%i:%s.%f') AS ${as}`,
  upsert: (table, columns, rows, _keys, update) =>
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples(rows, columns.length)} ON DUPLICATE KEY UPDATE ${update}`,
  async increment(m, table, column, where, by) {
    // LAST_INSERT_ID(expr) hands the new value back on this connection, without a second read.
    const result = (await m.query(
      `UPDATE ${table} SET ${column} = LAST_INSERT_ID(${column} + ?) WHERE ${where}`,
      [by],
    )) as { insertId: number | string };
    return Number(result.insertId);
  },
  lastIncrement: 'LAST_INSERT_ID()',
  isDuplicateKey: (error) => (error as { code?: string })?.code === 'ER_DUP_ENTRY',
};

const SQLITE: SqlDialect = {
  name: 'sqlite',
  rowLocks: false,
  forUpdate: '',
  forUpdateSkipLocked: '',
  forShare: '',
  orderedUpdate: false,
  joinInOrder: 'CROSS JOIN',
  forceIndex: () => '',
  incoming: (column) => `excluded.${column}`,
  greatest: (a, b) => `MAX(${a}, ${b})`,
  timeText: (column, as) => (column === as || column.endsWith(`.${as}`) ? column : `${column} AS ${as}`),
  upsert: (table, columns, rows, keys, update) =>
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples(rows, columns.length)} ON CONFLICT (${keys.join(', ')}) DO UPDATE SET ${update}`,
  async increment(m, table, column, where, by) {
    const [row] = (await m.query(
      `UPDATE ${table} SET ${column} = ${column} + ? WHERE ${where} RETURNING ${column} AS value`,
      [by],
    )) as Array<{ value: number | string }>;
    return Number(row.value);
  },
  lastIncrement: null,
  isDuplicateKey: (error) => /UNIQUE constraint failed/i.test((error as Error)?.message ?? ''),
};

export function sqlDialect(name: Dialect): SqlDialect {
  return name === 'mysql' ? MYSQL : SQLITE;
}
