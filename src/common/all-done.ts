/**
 * Promise.all's values, but it waits for every promise before throwing the first rejection in
 * the order given: it never returns while some are still running. Statements sent at once on a
 * transaction's connection must all have ended before the transaction may roll back.
 */
export async function allDone<T extends readonly unknown[]>(
  work: readonly [...{ [K in keyof T]: Promise<T[K]> }],
): Promise<T> {
  const outcomes = await Promise.allSettled(work);
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) throw failed.reason;
  return outcomes.map((o) => (o as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
