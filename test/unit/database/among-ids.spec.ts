import { amongIds } from '../../../src/database/sql';

// A copy names its tasks by id runs where it can: the condition must select exactly the ids given.
describe('amongIds, a column among a list of ids', () => {
  const matches = (ids: number[]) => {
    const { sql, params } = amongIds('task_id', ids);
    // Evaluates the condition the way a database would, over the values it binds.
    const values = [...params];
    const terms = sql.replace(/^\(|\)$/g, '').split(' OR ');
    const tests = terms.map((term) => {
      if (term.includes('BETWEEN')) {
        const [low, high] = values.splice(0, 2);
        return (id: number) => id >= low && id <= high;
      }
      const listed = new Set(values.splice(0, (term.match(/\?/g) ?? []).length));
      return (id: number) => listed.has(id);
    });
    expect(values).toEqual([]);
    return (id: number) => tests.some((test) => test(id));
  };

  it('writes runs of three or more consecutive ids as ranges, the rest as one list', () => {
    expect(amongIds('t.id', [5, 3, 4, 9, 20, 21, 22, 23, 11, 12])).toEqual({
      sql: '(t.id BETWEEN ? AND ? OR t.id BETWEEN ? AND ? OR t.id IN (?, ?, ?))',
      params: [3, 5, 20, 23, 9, 11, 12],
    });
  });

  it('needs no OR for one run or for ids that form none', () => {
    expect(amongIds('id', [7, 8, 9, 10])).toEqual({ sql: 'id BETWEEN ? AND ?', params: [7, 10] });
    expect(amongIds('id', [1, 3, 5])).toEqual({ sql: 'id IN (?, ?, ?)', params: [1, 3, 5] });
    expect(amongIds('id', [2, 2, 3])).toEqual({ sql: 'id IN (?, ?)', params: [2, 3] });
  });

  it('selects no row for no ids', () => {
    expect(amongIds('id', [])).toEqual({ sql: '1 = 0', params: [] });
  });

  it('selects exactly the ids given, whatever their order, runs and repeats', () => {
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let round = 0; round < 50; round++) {
      const ids = Array.from({ length: 1 + Math.floor(random() * 60) }, () => Math.floor(random() * 80));
      const selects = matches(ids);
      const given = new Set(ids);
      for (let id = -1; id <= 81; id++) expect([id, selects(id)]).toEqual([id, given.has(id)]);
    }
  });
});
