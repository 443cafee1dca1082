import { escape, format } from 'mysql2';

// The text mysql2 sends for a statement with bound values (its text protocol writes each value
// into the statement). mysql2's own format (SqlString.format) runs a regular expression per
// placeholder (a match array each) and grows the text one concatenation at a time: a copy's
// multi-row INSERTs bind tens of thousands of values each (a profile of 1,000-task copies put
// escaping and encoding at ~12 % of the service's CPU, BENCHMARKS.md).
// This one finds the placeholders with indexOf and joins the pieces once, and writes every value
// exactly as SqlString does: numbers as text, strings quoted (through SqlString when they hold a
// character it escapes), anything else through SqlString itself.

// The characters SqlString.escape escapes in a string (\b here is a backspace, as in its own).
// eslint-disable-next-line no-control-regex
const ESCAPED = /[\0\b\t\n\r\x1a"'\\]/;

// Pieces (text between placeholders, values) joined into one string at a time.
const BLOCK = 2048;

function valueText(value: unknown, stringifyObjects: boolean, timeZone?: string): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return ESCAPED.test(value) ? escape(value) : `'${value}'`;
  if (value === null || value === undefined) return 'NULL';
  return escape(value, stringifyObjects, timeZone);
}

/**
 * mysql2's `queryFormat` (called with the connection as `this`): `sql` with `values` in place of
 * its `?` placeholders, the same text as SqlString.format gives (which still handles `??`).
 */
export function formatStatement(
  this: { config?: { stringifyObjects?: boolean } } | undefined,
  sql: string,
  values: unknown,
  timeZone?: string,
): string {
  const stringifyObjects = this?.config?.stringifyObjects ?? false;
  if (values === undefined || values === null) return sql;
  const list: unknown[] = Array.isArray(values) ? values : [values];
  if (sql.includes('??')) return format(sql, list, stringifyObjects, timeZone);
  // Joined a block at a time: no array of every piece, which for a large INSERT would be a
  // large object that only a full collection frees.
  const blocks: string[] = [];
  let pieces: string[] = [];
  let from = 0;
  for (const value of list) {
    const at = sql.indexOf('?', from);
    if (at < 0) break;
    pieces.push(sql.slice(from, at), valueText(value, stringifyObjects, timeZone));
    from = at + 1;
    if (pieces.length >= BLOCK) {
      blocks.push(pieces.join(''));
      pieces = [];
    }
  }
  if (from === 0) return sql;
  pieces.push(sql.slice(from));
  blocks.push(pieces.join(''));
  return blocks.length === 1 ? blocks[0] : blocks.join('');
}

/**
 * The rows of a multi-row INSERT with their values written in, `(a, b), (c, d)`: `values` row
 * after row, `width` a row, of which the columns `kept` (indexes, in order). The same text as
 * formatStatement gives for tuples() of those columns' values, without a placeholder to find
 * and with no array of every value kept: a large INSERT binds tens of thousands.
 */
export function formatTuples(
  values: unknown[],
  width: number,
  kept: number[],
  stringifyObjects: boolean,
  timeZone?: string,
): string {
  const rows = new Array<string>(Math.ceil(values.length / width));
  for (let row = 0, r = 0; row < values.length; row += width, r++) {
    let text = `(${valueText(values[row + kept[0]], stringifyObjects, timeZone)}`;
    for (let j = 1; j < kept.length; j++)
      text += `, ${valueText(values[row + kept[j]], stringifyObjects, timeZone)}`;
    rows[r] = `${text})`;
  }
  return rows.join(', ');
}
