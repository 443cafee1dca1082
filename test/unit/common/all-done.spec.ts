import { allDone } from '../../../src/common/all-done';

describe('allDone', () => {
  it("gives every promise's value, in the order given", async () => {
    const [a, b, c] = await allDone([Promise.resolve(1), Promise.resolve('two'), Promise.resolve(undefined)]);
    expect([a, b, c]).toEqual([1, 'two', undefined]);
  });

  it('throws the first rejection in the order given, only once every promise has ended', async () => {
    let lateEnded = false;
    const late = new Promise<number>((resolve) =>
      setTimeout(() => {
        lateEnded = true;
        resolve(3);
      }, 20),
    );
    const failure = allDone([
      Promise.resolve(1),
      Promise.reject(new Error('first')),
      late,
      Promise.reject(new Error('second')),
    ]);
    await expect(failure).rejects.toThrow('first');
    expect(lateEnded).toBe(true);
  });
});
