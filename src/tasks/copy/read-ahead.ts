/** A read's outcome held without a rejection, so that one issued ahead of a failure leaves none behind. */
export type Settled<T> = { value: T } | { error: unknown };

export function settle<T>(read: Promise<T>): Promise<Settled<T>> {
  return read.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

/** A part's statements, all sent: `written` settles once every one of them has answered. */
export interface Sent {
  written: Promise<void>;
}

/**
 * Runs `each` over `parts` in order with what `read` returned for each. The next part's read is
 * issued before `each` runs for this one, and `each` runs for the next part as soon as this one's
 * statements are sent (`each` resolves then, with the promise of their answers): on a
 * transaction's connection the database runs the read and this part's writes while the service
 * plans and builds the next part's statements, and neither waits for the other. One part is read
 * ahead of the one being built (the first two parts are read at once), and at most two parts'
 * writes are unanswered. `each` rejects only before it sends anything; `first`: the first part's
 * read, issued earlier by the caller. The reads must not depend on what `each` writes. Everything
 * issued has answered by the time this returns or throws (the first error), so that the caller
 * may roll back.
 */
export async function readingAhead<P, R>(
  parts: P[],
  read: (part: P) => Promise<R>,
  each: (rows: R, part: P) => Promise<Sent>,
  first?: Promise<Settled<R>>,
): Promise<void> {
  let next = parts.length > 0 ? (first ?? settle(read(parts[0]))) : first;
  // The second part is read at once too, not once the first part's rows are taken in: the
  // database reads it meanwhile instead of waiting for the service in between.
  let second = parts.length > 1 ? settle(read(parts[1])) : undefined;
  let writing: Promise<Settled<void>> | undefined;
  try {
    for (let k = 0; k < parts.length; k++) {
      const got = await next!;
      if ('error' in got) throw got.error;
      next = second ?? (k + 1 < parts.length ? settle(read(parts[k + 1])) : undefined);
      second = undefined;
      const { written } = await each(got.value, parts[k]);
      const before = writing;
      writing = settle(written);
      const done = await before;
      if (done && 'error' in done) throw done.error;
    }
    const done = await writing;
    if (done && 'error' in done) throw done.error;
  } finally {
    await second;
    await next;
    await writing;
  }
}
