/** A read's outcome held without a rejection, so that one issued ahead of a failure leaves none behind. */
export type Settled<T> = { value: T } | { error: unknown };

export function settle<T>(read: Promise<T>): Promise<Settled<T>> {
  return read.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

/**
 * Runs `each` over `parts` in order with what `read` returned for each, issuing the next part's
 * read before `each` runs for this one: on a transaction's connection the database runs that read
 * while the service plans and builds this part's statements, and its rows are in by the time they
 * are written. At most two parts' rows are held at once. `first`: the first part's read, issued
 * earlier by the caller. The reads must not depend on what `each` writes.
 */
export async function readingAhead<P, R>(
  parts: P[],
  read: (part: P) => Promise<R>,
  each: (rows: R, part: P) => Promise<void>,
  first?: Promise<Settled<R>>,
): Promise<void> {
  let next = parts.length > 0 ? (first ?? settle(read(parts[0]))) : undefined;
  for (let k = 0; k < parts.length; k++) {
    const got = await next!;
    if ('error' in got) throw got.error;
    if (k + 1 < parts.length) next = settle(read(parts[k + 1]));
    await each(got.value, parts[k]);
  }
}
