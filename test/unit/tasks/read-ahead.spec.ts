import { readingAhead, settle } from '../../../src/tasks/copy/read-ahead';

// A copy's chunked passes: the service builds the next part while the database still writes the
// one before, and reads one part ahead; nothing it issued is left running when it ends.

/** A promise settled from outside. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const turns = () => new Promise((resolve) => setImmediate(resolve));

describe('readingAhead', () => {
  it('starts the next part while the one before is still being written, one read ahead, two writes at most', async () => {
    const log: string[] = [];
    const writes = [0, 1, 2, 3].map(() => deferred());
    let unanswered = 0;
    let most = 0;
    const run = readingAhead(
      [0, 1, 2, 3],
      (part) => {
        log.push(`read ${part}`);
        return Promise.resolve(part * 10);
      },
      (rows, part) => {
        log.push(`build ${part} (${rows})`);
        most = Math.max(most, ++unanswered);
        return Promise.resolve({ written: writes[part].promise.finally(() => unanswered--) });
      },
    );
    await turns();
    // Part 1 is built while part 0's writes are unanswered; part 2 waits for part 0's.
    expect(log).toEqual(['read 0', 'read 1', 'build 0 (0)', 'read 2', 'build 1 (10)']);
    writes[0].resolve();
    await turns();
    expect(log.slice(5)).toEqual(['read 3', 'build 2 (20)']);
    writes[1].resolve();
    writes[2].resolve();
    writes[3].resolve();
    await run;
    expect(log.slice(7)).toEqual(['build 3 (30)']);
    expect(most).toBe(2);
  });

  it('throws the first error only once every read and write it issued has ended', async () => {
    const late = deferred();
    const ended: string[] = [];
    let failed = false;
    const run = readingAhead(
      [0, 1, 2],
      (part) => Promise.resolve(part),
      (part) => {
        if (part === 0) return Promise.resolve({ written: Promise.reject(new Error('part 0 failed')) });
        return Promise.resolve({ written: late.promise.finally(() => ended.push(`write ${part}`)) });
      },
    ).catch((error: Error) => {
      failed = true;
      expect(error.message).toBe('part 0 failed');
    });
    await turns();
    // Part 1's write is still running: no error yet.
    expect(failed).toBe(false);
    late.resolve();
    await run;
    expect(failed).toBe(true);
    expect(ended).toEqual(['write 1']);
  });

  it('reads the part after next only once the next part has sent all its statements', async () => {
    const log: string[] = [];
    const sending = [0, 1, 2].map(() => deferred<void>());
    const run = readingAhead(
      [0, 1, 2],
      (part) => {
        log.push(`read ${part}`);
        return Promise.resolve(part);
      },
      async (part) => {
        log.push(`build ${part}`);
        await sending[part].promise;
        log.push(`sent ${part}`);
        return { written: Promise.resolve() };
      },
    );
    await turns();
    expect(log).toEqual(['read 0', 'read 1', 'build 0']);
    sending[0].resolve();
    await turns();
    expect(log).toEqual(['read 0', 'read 1', 'build 0', 'sent 0', 'read 2', 'build 1']);
    sending[1].resolve();
    sending[2].resolve();
    await run;
  });

  it('reads the second part while the first part’s read is still unanswered', async () => {
    const log: string[] = [];
    const reads = [0, 1, 2].map(() => deferred<number>());
    const run = readingAhead(
      [0, 1, 2],
      (part) => {
        log.push(`read ${part}`);
        return reads[part].promise;
      },
      (rows, part) => {
        log.push(`build ${part}`);
        return Promise.resolve({ written: Promise.resolve() });
      },
    );
    await turns();
    // The database goes from one read to the next without waiting for the service to take in the first.
    expect(log).toEqual(['read 0', 'read 1']);
    reads[0].resolve(0);
    await turns();
    expect(log).toEqual(['read 0', 'read 1', 'build 0']);
    reads[1].resolve(1);
    reads[2].resolve(2);
    await run;
    expect(log).toEqual(['read 0', 'read 1', 'build 0', 'read 2', 'build 1', 'build 2']);
  });

  it('takes the first read from the caller', async () => {
    const reads: number[] = [];
    const seen: number[] = [];
    await readingAhead(
      [1, 2],
      (part) => {
        reads.push(part);
        return Promise.resolve(part);
      },
      (rows) => {
        seen.push(rows);
        return Promise.resolve({ written: Promise.resolve() });
      },
      settle(Promise.resolve(100)),
    );
    expect(reads).toEqual([2]);
    expect(seen).toEqual([100, 2]);
  });
});
