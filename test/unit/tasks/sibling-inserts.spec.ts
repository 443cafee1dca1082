import { combineInserts, SiblingInsert } from '../../../src/tasks/store/sibling-inserts';

/** The inserts one at a time, in arrival order, on a list of `n` original tasks `o0…`. */
function oneByOne(n: number, inserts: SiblingInsert[]): string[] {
  const list = Array.from({ length: n }, (_, i) => `o${i}`);
  inserts.forEach((insert, k) => {
    const rows = Array.from({ length: insert.count }, (_, j) => `i${k}.${j}`);
    let at: number;
    if (insert.side === 'after') at = insert.slot === 0 ? 0 : list.indexOf(`o${insert.slot - 1}`) + 1;
    else at = insert.slot === n ? list.length : list.indexOf(`o${insert.slot}`);
    list.splice(at, 0, ...rows);
  });
  return list;
}

/** The same list from combineInserts' starts and steps. */
function combined(n: number, inserts: SiblingInsert[]): string[] {
  const { starts, steps } = combineInserts(inserts);
  const total = n + inserts.reduce((s, x) => s + x.count, 0);
  const list = new Array<string>(total);
  for (let q = 0; q < n; q++) {
    const step = [...steps].reverse().find((s) => s.from <= q);
    list[q + (step?.by ?? 0)] = `o${q}`;
  }
  inserts.forEach((insert, k) => {
    for (let j = 0; j < insert.count; j++) {
      if (list[starts[k] + j] !== undefined) throw new Error(`slot ${starts[k] + j} taken twice`);
      list[starts[k] + j] = `i${k}.${j}`;
    }
  });
  return list;
}

describe('combineInserts', () => {
  it('is the plain gap for one insert', () => {
    expect(combineInserts([{ slot: 3, count: 2, side: 'after' }])).toEqual({
      starts: [3],
      steps: [{ from: 3, by: 2 }],
    });
    expect(combineInserts([{ slot: 5, count: 1, side: 'before' }])).toEqual({
      starts: [5],
      steps: [{ from: 5, by: 1 }],
    });
  });

  it('puts the latest `after` insert closest to its task and the latest `before` closest to its own', () => {
    const inserts: SiblingInsert[] = [
      { slot: 2, count: 1, side: 'after' },
      { slot: 2, count: 1, side: 'before' },
      { slot: 2, count: 1, side: 'after' },
      { slot: 2, count: 1, side: 'before' },
    ];
    expect(combined(4, inserts)).toEqual(['o0', 'o1', 'i2.0', 'i0.0', 'i1.0', 'i3.0', 'o2', 'o3']);
    expect(combined(4, inserts)).toEqual(oneByOne(4, inserts));
  });

  it('matches inserting one at a time, on 2,000 random cases', () => {
    let seed = 42;
    const random = (m: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % m;
    };
    for (let c = 0; c < 2000; c++) {
      const n = random(8);
      const inserts = Array.from({ length: 1 + random(6) }, () => ({
        slot: random(n + 1),
        count: 1 + random(3),
        side: random(2) === 0 ? ('after' as const) : ('before' as const),
      }));
      expect(combined(n, inserts)).toEqual(oneByOne(n, inserts));
    }
  });
});
