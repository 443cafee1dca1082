import {
  BEFORE_FIRST,
  FIRST_KEY,
  ORDER_GAP,
  rekeyList,
  rekeyWindow,
  spread,
} from '../../../src/tasks/store/order-keys';

describe('spread', () => {
  it('spaces keys evenly inside a gap and at ORDER_GAP after the last task', () => {
    expect(spread(0, 100, 3)).toEqual([25, 50, 75]);
    expect(spread(10, null, 2)).toEqual([10 + ORDER_GAP, 10 + 2 * ORDER_GAP]);
    expect(spread(BEFORE_FIRST, 3, 3)).toEqual([0, 1, 2]);
  });

  it('begins a list mid key space, and grows it at its top at ORDER_GAP as far as at its end', () => {
    expect(spread(BEFORE_FIRST, null, 2)).toEqual([FIRST_KEY, FIRST_KEY + ORDER_GAP]);
    expect(spread(BEFORE_FIRST, FIRST_KEY, 2)).toEqual([FIRST_KEY - 2 * ORDER_GAP, FIRST_KEY - ORDER_GAP]);
    // Ten batches of 10,000 put at the top each leave the next the same room at the same spacing.
    let first = FIRST_KEY;
    for (let batch = 0; batch < 10; batch++) {
      const keys = spread(BEFORE_FIRST, first, 10_000)!;
      expect(keys[1] - keys[0]).toBe(ORDER_GAP);
      expect(keys[9_999]).toBe(first - ORDER_GAP);
      first = keys[0];
    }
    // Where the top has no room left at that spacing (a list begun low), evenly down to 0.
    expect(spread(BEFORE_FIRST, 2 * ORDER_GAP, 3)).toEqual([32767, 65535, 98303]);
  });

  it('refuses a gap too small for the keys', () => {
    expect(spread(5, 6, 1)).toBeNull();
    expect(spread(5, 8, 3)).toBeNull();
    expect(spread(Number.MAX_SAFE_INTEGER - 1, null, 1)).toEqual([Number.MAX_SAFE_INTEGER]);
  });
});

describe('rekeyList', () => {
  const apply = (list: Array<{ id: number; key: number | undefined }>) => {
    const changed = rekeyList(list);
    return { changed, keys: list.map((e) => changed.get(e.id) ?? e.key!) };
  };
  const ascending = (keys: number[]) => keys.every((k, i) => i === 0 || k > keys[i - 1]);

  it('keeps every key of a list that only lost tasks', () => {
    expect(
      rekeyList([
        { id: 1, key: 10 },
        { id: 3, key: 30 },
      ]).size,
    ).toBe(0);
  });

  it('gives a moved task a key between its neighbours and keeps the others', () => {
    const { changed, keys } = apply([
      { id: 2, key: 20 },
      { id: 1, key: 10 },
      { id: 3, key: 30 },
    ]);
    expect(ascending(keys)).toBe(true);
    expect(changed.size).toBe(1);
  });

  it('numbers the whole list again when a gap is full', () => {
    const { changed, keys } = apply([
      { id: 1, key: 0 },
      { id: 9, key: undefined },
      { id: 2, key: 1 },
    ]);
    expect(keys).toEqual([FIRST_KEY, FIRST_KEY + ORDER_GAP, FIRST_KEY + 2 * ORDER_GAP]);
    expect(changed.size).toBe(3);
  });

  it('keeps the longest ascending run of a shuffled list', () => {
    const list = [5, 1, 2, 8, 3, 4, 9, 6].map((k) => ({ id: k, key: k * 100 }));
    const { changed, keys } = apply(list);
    expect(ascending(keys)).toBe(true);
    expect(changed.size).toBe(3);
  });
});

describe('rekeyWindow', () => {
  it('keeps keys inside the part and gives a task from outside it a key there', () => {
    // The part of a list between keys 100 and 400; task 9 came from far down the same list.
    const changed = rekeyWindow(
      [
        { id: 1, key: 200 },
        { id: 9, key: 5000 },
        { id: 2, key: 300 },
      ],
      { lo: 100, hi: 400 },
    );
    expect([...changed!]).toEqual([[9, 250]]);
  });

  it('spaces the part evenly between its bounds when a gap is full, and gives up when they are too close', () => {
    const part = [
      { id: 1, key: 11 },
      { id: 9, key: undefined },
      { id: 2, key: 12 },
    ];
    expect([...rekeyWindow(part, { lo: 10, hi: 50 })!]).toEqual([
      [1, 20],
      [9, 30],
      [2, 40],
    ]);
    expect(rekeyWindow(part, { lo: 10, hi: 13 })).toBeNull();
    expect(rekeyWindow(part, { lo: BEFORE_FIRST, hi: null })!.size).toBe(3);
  });
});
