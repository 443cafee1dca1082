import { snapshotAccount } from '../../factories/task.factory';
import { describeEachDialect, TestAccount } from '../../support/test-app';
import { expectTodoError, todoClient, WireTask } from './todo-client';

// How POST /todo/clone reads its items and writes its answer: the paste path reads dates in the
// widget's own form digit by digit and writes the answer as bytes, so both are held here to what
// the general readers and JSON.stringify say.
describeEachDialect('POST /todo/clone: items and answer', (t) => {
  let account: TestAccount;
  const api = todoClient(t, () => account);

  beforeEach(async () => {
    account = await t().newAccount();
  });

  it('keeps dates in the widget’s form to the millisecond, as other spellings of the same moments', async () => {
    const dates = ['2024-02-29T23:59:59.999Z', '1000-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z'];
    const res = await api.post('/clone', {
      batch: [
        ...dates.map((due_date, i) => ({ id: `w${i}`, due_date, creation_date: due_date })),
        { id: 'other', due_date: '2024-02-29T23:59:59.999+00:00', creation_date: '2024-02-29 23:59:59.999' },
      ],
    });
    expect(res.statusCode).toBe(200);
    const answer = res.json() as Record<string, number>;
    const tasks = await api.json<WireTask[]>('/tasks');
    const byId = (id: number) => tasks.find((x) => x.id === id)!;
    dates.forEach((date, i) =>
      expect(byId(answer[`w${i}`])).toMatchObject({ due_date: date, creation_date: date }),
    );
    expect(byId(answer.other)).toMatchObject({ due_date: dates[0], creation_date: dates[0] });
  });

  it('refuses impossible dates in the widget’s form with the item’s path, writing nothing', async () => {
    const before = await snapshotAccount(t(), account.id);
    for (const [date, message] of [
      ['2023-02-29T00:00:00.000Z', 'must be a valid ISO-8601 date'],
      ['2030-04-31T10:00:00.000Z', 'must be a valid ISO-8601 date'],
      ['2030-13-01T00:00:00.000Z', 'must be a valid ISO-8601 date'],
      ['2030-11-02T24:00:00.000Z', 'must be a valid ISO-8601 date'],
      ['2030-11-02T08:60:00.000Z', 'must be a valid ISO-8601 date'],
      ['2030-11-02T08:15:0a.000Z', 'must be a valid ISO-8601 date'],
      ['0999-12-31T00:00:00.000Z', 'must be a date of the years 1000 to 9999'],
      ['0099-12-31T00:00:00.000Z', 'must be a valid ISO-8601 date'],
    ]) {
      const res = await api.post('/clone', {
        batch: [
          { id: 'a', due_date: '2030-11-02T08:15:00.000Z' },
          { id: 'b', parent: 'a', completion_date: date },
        ],
      });
      expectTodoError(res, 400, 'VALIDATION');
      expect(res.body).toContain('batch.1.completion_date');
      expect(res.body).toContain(message);
    }
    for (const [item, path] of [
      [{ id: 'b', checked: 'yes' }, 'batch.1.checked'],
      [{ id: 'b', collapsed: 1 }, 'batch.1.collapsed'],
      [{ id: 'b', text: 5 }, 'batch.1.text'],
      [{ id: '' }, 'batch.1.id'],
      [5, 'batch.1'],
    ] as Array<[unknown, string]>) {
      const res = await api.post('/clone', { batch: [{ id: 'a' }, item] });
      expectTodoError(res, 400, 'VALIDATION');
      expect(res.body).toContain(path);
    }
    expect(await snapshotAccount(t(), account.id)).toEqual(before);
  });

  it('answers client ids that JSON escapes or that are not ASCII, as JSON.stringify writes them', async () => {
    const ids = [
      'say "hi"',
      'back\\slash',
      'tab\there',
      'line\nbreak',
      'été ✈️',
      '\u007f',
      'temp://1',
      '-1',
      '1.5',
    ];
    const res = await api.post('/clone', {
      batch: ids.map((id, i) => ({ id, parent: i > 0 ? ids[i - 1] : null, text: `t${i}` })),
    });
    expect(res.statusCode).toBe(200);
    expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
    const answer = res.json() as Record<string, number>;
    const expected: Record<string, number> = {};
    ids.forEach((id, i) => (expected[String(i)] = answer[id]));
    ids.forEach((id) => (expected[id] = answer[id]));
    expect(res.body).toBe(JSON.stringify(expected));
    const tasks = await api.json<WireTask[]>('/tasks');
    ids.forEach((id, i) => {
      const task = tasks.find((x) => x.id === answer[id])!;
      expect(task.text).toBe(`t${i}`);
      expect(task.parent).toBe(i > 0 ? answer[ids[i - 1]] : null);
    });
  });

  it('keeps `__proto__` and `constructor` in a pasted item as custom keys, like any other', async () => {
    const res = await api.post(
      '/clone',
      '{"batch":[{"id":"a","text":"x","__proto__":{"polluted":1},"constructor":{"prototype":{"y":2}}}]}',
    );
    expect(res.statusCode).toBe(200);
    const id = (res.json() as Record<string, number>).a;
    const tasks = await api.json<WireTask[]>('/tasks');
    const task = tasks.find((x) => x.id === id)!;
    expect(Object.prototype.hasOwnProperty.call(task, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(task, '__proto__')!.value).toEqual({ polluted: 1 });
    expect(task.constructor).toEqual({ prototype: { y: 2 } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
