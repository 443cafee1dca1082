import { settlesWithin } from '../../../src/common/settles-within';

describe('settlesWithin', () => {
  it('is true for work that resolves or rejects in time', async () => {
    await expect(settlesWithin(Promise.resolve('done'), 1000)).resolves.toBe(true);
    await expect(settlesWithin(Promise.reject(new Error('failed')), 1000)).resolves.toBe(true);
  });

  it('is false, at the time given, for work that has not settled by then', async () => {
    const started = Date.now();
    await expect(settlesWithin(new Promise(() => undefined), 50)).resolves.toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });

  it('leaves no timer behind once the work settled', async () => {
    jest.useFakeTimers();
    try {
      await settlesWithin(Promise.resolve(), 60_000);
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });
});
