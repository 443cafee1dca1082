/**
 * Waits for every promise, then throws the first rejection in the order given, if any. Unlike
 * Promise.all it never returns while some are still running: statements sent at once on a
 * transaction's connection must all have ended before the transaction may roll back.
 */
export async function allDone(work: Array<Promise<unknown>>): Promise<void> {
  const outcomes = await Promise.allSettled(work);
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) throw failed.reason;
}
