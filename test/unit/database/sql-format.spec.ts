import { format } from 'mysql2';
import { tuples } from '../../../src/database/sql';
import { formatStatement, formatTuples } from '../../../src/database/sql-format';

// formatStatement replaces mysql2's own format (SqlString.format) for speed: it must write the
// very same text for every value, or a statement would say something else than it was given.
describe('formatStatement, the text of a statement with its bound values', () => {
  const connection = (stringifyObjects = false) => ({ config: { stringifyObjects } });
  const same = (sql: string, values: unknown, timeZone = 'Z', stringifyObjects = false) =>
    expect(formatStatement.call(connection(stringifyObjects), sql, values, timeZone)).toBe(
      format(sql, values, stringifyObjects, timeZone),
    );

  const values: unknown[] = [
    0,
    -0,
    7,
    -42,
    2 ** 53,
    1.5,
    1e-7,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    BigInt('12345678901234567890'),
    '',
    'plain text',
    "it's",
    'say "hi"',
    'back\\slash',
    'line\nbreak\r\ttab',
    'nul\0byte',
    'bs\bsub\x1a',
    'ünïcødé 🎉',
    '?',
    '??',
    null,
    undefined,
    true,
    false,
    new Date(Date.UTC(2030, 2, 1, 17, 0, 0, 123)),
    new Date(Number.NaN),
    Buffer.from('bytes\x00\xff'),
    [1, 'two', null],
    [
      [1, 2],
      [3, 4],
    ],
    { toSqlString: () => 'NOW()' },
    { a: 1, b: 'x' },
  ];

  it('writes every kind of value as mysql2 does', () => {
    for (const value of values) {
      same('SELECT ?', [value]);
      same('INSERT INTO t (a, b) VALUES (?, ?), (?, ?)', [value, 1, 'x', value]);
    }
  });

  it('writes times in the connection’s time zone and objects as the connection says', () => {
    const date = new Date(Date.UTC(2030, 2, 1, 17, 0, 0, 123));
    same('SELECT ?', [date], 'local');
    same('SELECT ?', [date], '+02:00');
    same('UPDATE t SET ?', [{ a: 1 }], 'Z', true);
  });

  it('leaves placeholders without values, ignores values without placeholders, and takes one value as a list', () => {
    same('SELECT ?, ?, ?', [1, 2]);
    same('SELECT ?', [1, 2, 3]);
    same('SELECT 1', [1]);
    same('SELECT ?', 5);
    same('SELECT ?', 'x');
    same('SELECT ?', []);
    same('SELECT ?', null);
    same('SELECT ?', undefined);
    same('?', [1]);
    same('? AND ?', ['a', 'b']);
  });

  it('hands identifiers (`??`) to mysql2', () => {
    same('SELECT ?? FROM ?? WHERE id = ?', ['name', 'people', 3]);
    same('SELECT ??? FROM t WHERE id = ?', [3]);
  });

  it('writes a large multi-row INSERT as mysql2 does', () => {
    const rows = 800;
    const sql = `INSERT INTO t (a, b, c, d) VALUES ${new Array<string>(rows).fill('(?, ?, ?, ?)').join(', ')}`;
    const params: unknown[] = [];
    for (let i = 0; i < rows; i++) params.push(i, `title ${i}`, i % 3 ? null : "o'clock", i % 2 === 0);
    same(sql, params);
  });

  it('writes the rows of a multi-row INSERT, some columns left out, as formatStatement does', () => {
    const width = 5;
    const kept = [0, 2, 3];
    // Every kind of value in every kept column, with a column left out between them.
    const flat: unknown[] = [];
    for (const value of values) flat.push(value, 'left out', 7, value, null, 'x', null, value, 'y', null);
    const rows = flat.length / width;
    const bound: unknown[] = [];
    for (let row = 0; row < flat.length; row += width) for (const c of kept) bound.push(flat[row + c]);
    for (const [timeZone, stringifyObjects] of [
      ['Z', false],
      ['local', false],
      ['+02:00', true],
    ] as const) {
      expect(`VALUES ${formatTuples(flat, width, kept, stringifyObjects, timeZone)}`).toBe(
        formatStatement.call(
          connection(stringifyObjects),
          `VALUES ${tuples(rows, kept.length)}`,
          bound,
          timeZone,
        ),
      );
    }
    expect(formatTuples([1, 'a', 2, 'b'], 2, [0, 1], false)).toBe("(1, 'a'), (2, 'b')");
  });
});
