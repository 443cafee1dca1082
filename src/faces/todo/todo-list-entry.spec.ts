import { bodyOf, Entry, MAX_PIECES, newEntry, placed, render, splice } from './todo-list-entry';

// A root list of No project, tasks 1..n, each fragment's JSON standing for the task.
function entryOf(ids: number[]): Entry {
  const entry = newEntry(1, 0);
  for (const id of ids) entry.fragments.set(id, task(id));
  entry.lists.set('0:0', ids.slice());
  render(entry);
  return entry;
}

function task(id: number, text = `task ${id}`) {
  return placed(
    { stamp: 1, head: `"text":${JSON.stringify(text)}`, tail: '"x":1', creationDate: null },
    { id, parentId: null, projectId: null },
  );
}

const bytesOf = (entry: Entry) => {
  const body = bodyOf(entry);
  return Buffer.concat(body.pieces, body.length);
};

describe('a cached list body in pieces', () => {
  it('stays the same bytes as a fresh render through many patches between reads', () => {
    const entry = entryOf([1, 2, 3, 4, 5]);
    let seed = 11;
    const random = (m: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return Math.floor((seed / 2 ** 31) * m);
    };
    let next = 6;
    let most = 0;
    // Far more patches than pieces are kept for, reads now and then.
    for (let round = 0; round < 1000; round++) {
      const order = entry.order;
      if (random(2) === 0) {
        const at = random(order.length + 1);
        const fresh = Array.from({ length: 1 + random(3) }, () => next++);
        for (const id of fresh) entry.fragments.set(id, task(id));
        entry.lists.get('0:0')!.splice(at, 0, ...fresh);
        splice(entry, [{ at, remove: 0, ids: fresh }]);
      } else {
        const at = random(order.length);
        const id = order[at];
        entry.fragments.set(id, task(id, `edited ${round} ✓`));
        splice(entry, [{ at, remove: 1, ids: [id] }]);
      }
      expect(entry.body!.length).toBeLessThanOrEqual(MAX_PIECES + 3 * 2 + 2);
      most = Math.max(most, entry.body!.length);
      if (round % 50 === 0) {
        // Checked as the pieces stand (a read would join this small body).
        const patched = Buffer.concat(entry.body!, entry.bodyLength);
        const fresh = { ...entry, body: null };
        render(fresh);
        expect(patched.equals(bytesOf(fresh))).toBe(true);
        const listed = (JSON.parse(patched.toString()) as Array<{ id: number }>).map((x) => x.id);
        expect(listed).toEqual(entry.lists.get('0:0'));
      }
    }
    // The pieces were joined between reads, when there came to be too many.
    expect(most).toBeGreaterThan(MAX_PIECES - 8);
    expect(entry.body!.length).toBeLessThan(most);
    // A small body is joined for its readers.
    const patched = bodyOf(entry).pieces[0];
    expect(entry.body).toHaveLength(1);
    expect(entry.bodyLength).toBe(patched.length);
    const fresh = { ...entry, body: null };
    render(fresh);
    expect(patched.equals(bytesOf(fresh))).toBe(true);
    // Offsets still point at each task's JSON.
    entry.order.forEach((id, i) =>
      expect(patched.toString('utf8', entry.offsets[i], entry.offsets[i] + 8)).toBe(
        `{"id":${id},`.slice(0, 8),
      ),
    );
  });
});

describe('a large cached list body', () => {
  it('is read in the pieces a patch left, never joined nor changed under an earlier reader', () => {
    const many = Array.from({ length: 3000 }, (_, i) => i + 1);
    const entry = entryOf(many);
    expect(entry.bodyLength).toBeGreaterThan(64 * 1024);
    const before = bodyOf(entry);
    const beforeBytes = Buffer.concat(before.pieces);
    entry.fragments.set(1500, task(1500, 'edited'));
    splice(entry, [{ at: 1499, remove: 1, ids: [1500] }]);
    const after = bodyOf(entry);
    expect(after.pieces.length).toBeGreaterThan(1);
    expect(entry.body).toBe(after.pieces);
    expect(after.length).toBe(after.pieces.reduce((n, piece) => n + piece.length, 0));
    const fresh = { ...entry, body: null };
    render(fresh);
    expect(Buffer.concat(after.pieces).equals(bytesOf(fresh))).toBe(true);
    // The earlier reader's pieces still hold the body it was given.
    expect(Buffer.concat(before.pieces).equals(beforeBytes)).toBe(true);
  });
});
