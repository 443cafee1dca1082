import { TaskChange, TaskChangeFeed } from '../../../src/tasks/store/task-changes.service';

const update = (projectKey: number, revision: number): TaskChange => ({
  kind: 'updated',
  accountId: 1,
  revisions: new Map([[`c${projectKey}`, revision]]),
  tasks: [],
});

describe('TaskChangeFeed announcements', () => {
  const settledNow = async (promise: Promise<void> | null) => {
    let done = false;
    void promise?.then(() => (done = true));
    await new Promise((resolve) => setImmediate(resolve));
    return done;
  };

  it('lets readers of a project wait for a write announced in it until that write is told', async () => {
    const feed = new TaskChangeFeed();
    const heard: TaskChange[] = [];
    feed.subscribe({ interested: () => true, changed: (change) => void heard.push(change) });
    expect(feed.settled(1, [7])).toBeNull();

    const write = feed.write();
    write.announce(update(7, 3));
    expect(feed.settled(1, [8])).toBeNull();
    expect(feed.settled(2, null)).toBeNull();
    const waiting = feed.settled(1, [7]);
    const waitingForAll = feed.settled(1, null);
    expect(await settledNow(waiting)).toBe(false);

    write.tell();
    expect(heard).toEqual([update(7, 3)]);
    expect(await settledNow(waiting)).toBe(true);
    expect(await settledNow(waitingForAll)).toBe(true);
    expect(feed.settled(1, [7])).toBeNull();
  });

  it('tells only what the last attempt announced, and nothing for a write that failed', async () => {
    const feed = new TaskChangeFeed();
    const heard: TaskChange[] = [];
    feed.subscribe({ interested: () => true, changed: (change) => void heard.push(change) });

    const retried = feed.write();
    retried.begin();
    retried.announce(update(7, 3));
    retried.begin();
    expect(feed.settled(1, [7])).toBeNull();
    retried.announce(update(7, 4));
    retried.tell();
    retried.end();

    const failed = feed.write();
    failed.begin();
    failed.announce(update(7, 5));
    const waiting = feed.settled(1, [7]);
    failed.end();
    expect(await settledNow(waiting)).toBe(true);
    failed.tell();
    expect(heard).toEqual([update(7, 4)]);
  });

  it('ends a failed attempt’s announcement at once, and shows what is still to be told', async () => {
    const feed = new TaskChangeFeed();
    const write = feed.write();
    await expect(
      write.attempt(async () => {
        write.announce(update(7, 3));
        expect(feed.announcing(1, [7])).toBe(true);
        expect(feed.announcing(1, [8])).toBe(false);
        throw new Error('deadlock');
      }),
    ).rejects.toThrow('deadlock');
    expect(feed.announcing(1, [7])).toBe(false);
    expect(feed.settled(1, [7])).toBeNull();
  });

  it('stops a reader waiting after a bounded time even if a writer never ends', async () => {
    jest.useFakeTimers();
    try {
      const feed = new TaskChangeFeed();
      feed.write().announce(update(7, 3));
      const waiting = feed.settled(1, [7]);
      let done = false;
      void waiting!.then(() => (done = true));
      await jest.advanceTimersByTimeAsync(199);
      expect(done).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      expect(done).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });
});
