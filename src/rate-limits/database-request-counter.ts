import { BeforeApplicationShutdown, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Database } from '../database/database';
import { toSqlDateTime } from '../database/sql-time';
import {
  BucketCounts,
  bucketOf,
  FullWindow,
  longestWait,
  oldestBucket,
  RequestCounter,
  RequestWindow,
} from './request-windows';

/** How soon after a request its instance writes its counts (the reserved ones are already written). */
const FLUSH_AFTER_MS = 100;
const CLEANUP_EVERY_MS = 60_000;
const MAX_HOLDERS = 100_000;
const ROWS_PER_STATEMENT = 500;
/** A share of a window's limit is the most one instance reserves at once. */
const GRANT_SHARE = 10;
/** How long a reservation for the 10-second window stays usable (longer windows: their length). */
const GRANT_HORIZON_MS = 60_000;

interface Grant {
  /** The bucket the reservation is counted in: its last, so it counts as long as any of its requests. */
  until: number;
  left: number;
}

interface WindowState {
  used: BucketCounts;
  grant?: Grant;
}

interface HolderState {
  windows: WindowState[];
  /** `window index:bucket` rows whose value changed since they were last written. */
  dirty: Set<string>;
  /** The other instances' rows as last read: for sizing reservations only. */
  others?: BucketCounts[];
  othersInstances: number;
  reserving?: Promise<FullWindow | null>;
}

/**
 * Request counts in the database (`request_counts`: per holder, window, bucket and instance),
 * exact across instances and without a write per request. An instance admits a request only from
 * a reservation it has written first: a number of requests counted in the last bucket they may
 * happen in. Taking one writes it, then reads the other instances' rows, and gives back whatever
 * would put the window over its limit; as every instance writes before it reads, no two can both
 * miss each other, so no window ever admits more than its limit. Requests then use the reservation
 * in memory, and their exact buckets are written soon after (reservations only ever move to
 * earlier buckets or shrink, so what others read never undercounts). A reservation is a tenth of
 * the limit at most, less as the window fills, so what one instance holds unused keeps the others
 * under the limit by little. A request costs no database round trip while its token has
 * reservations left; taking one costs a durable write and an indexed read (tokens that make a few
 * requests a minute take one about once a minute).
 */
export class DatabaseRequestCounter extends RequestCounter implements BeforeApplicationShutdown {
  private readonly logger = new Logger(DatabaseRequestCounter.name);
  private readonly instance = randomUUID();
  private readonly holders = new Map<string, HolderState>();
  private writes: Promise<unknown> = Promise.resolve();
  private flushTimer?: NodeJS.Timeout;
  private lastCleanup = 0;

  constructor(
    private readonly db: Database,
    private readonly windows: RequestWindow[],
    private readonly now: () => number,
  ) {
    super();
  }

  async take(holder: string, now: number): Promise<FullWindow | null> {
    if (this.windows.length === 0) return null;
    const state = this.stateOf(holder);
    for (;;) {
      // One reservation at a time per token in this instance; the others wait for it.
      if (state.reserving) {
        await state.reserving.catch(() => undefined);
        continue;
      }
      this.expire(holder, state, now);
      if (state.windows.every((w) => w.grant && w.grant.left > 0)) {
        this.windows.forEach((window, i) => {
          const w = state.windows[i];
          const bucket = bucketOf(window, now);
          w.used.set(bucket, (w.used.get(bucket) ?? 0) + 1);
          w.grant!.left -= 1;
          state.dirty.add(`${i}:${bucket}`).add(`${i}:${w.grant!.until}`);
        });
        this.scheduleFlush();
        return null;
      }
      state.reserving = this.reserve(holder, state, now);
      try {
        const full = await state.reserving;
        if (full) return full;
      } finally {
        state.reserving = undefined;
      }
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    // Unused reservations are given back, so that the other instances may use them.
    for (const [, state] of this.holders) {
      state.windows.forEach((w, i) => {
        if (w.grant) state.dirty.add(`${i}:${w.grant.until}`);
        w.grant = undefined;
      });
    }
    await this.write().catch((error: Error) =>
      this.logger.warn(`request counts not written at shutdown: ${error.message}`),
    );
  }

  private stateOf(holder: string): HolderState {
    let state = this.holders.get(holder);
    if (!state) {
      // Forgetting holders only wastes what they had reserved until it expires.
      if (this.holders.size >= MAX_HOLDERS) this.holders.clear();
      state = {
        windows: this.windows.map(() => ({ used: new Map() })),
        dirty: new Set(),
        othersInstances: 0,
      };
      this.holders.set(holder, state);
    }
    return state;
  }

  /** Forgets buckets that left their window, and ends reservations whose last bucket has passed. */
  private expire(holder: string, state: HolderState, now: number): void {
    this.windows.forEach((window, i) => {
      const w = state.windows[i];
      const oldest = oldestBucket(window, now);
      for (const bucket of w.used.keys()) if (bucket <= oldest) w.used.delete(bucket);
      if (w.grant && (w.grant.left <= 0 || w.grant.until < bucketOf(window, now))) {
        state.dirty.add(`${i}:${w.grant.until}`);
        w.grant = undefined;
      }
    });
  }

  /** Takes a reservation for every window that has none left; the full window if one cannot be had. */
  private async reserve(holder: string, state: HolderState, now: number): Promise<FullWindow | null> {
    const needed = this.windows.map((_, i) => !state.windows[i].grant);
    // A token seen first is sized as if it had the window to itself: the read after the write
    // gives back whatever others already hold.
    if (this.windows.some((w, i) => needed[i] && this.room(state, i, now) <= 0)) {
      // Room as last seen is no reason to refuse: what others held may have been given back.
      await this.readOthers(holder, state, now);
      const full = this.fullIfNoRoom(state, needed, now);
      if (full) return full;
    }
    this.windows.forEach((window, i) => {
      if (!needed[i]) return;
      const share = Math.floor(this.room(state, i, now) / (2 * state.othersInstances + 2));
      const size = Math.max(1, Math.min(share, Math.floor(window.limit / GRANT_SHARE)));
      const horizon = Math.max(window.lengthMs, GRANT_HORIZON_MS) / window.bucketMs;
      const until = bucketOf(window, now) + horizon - 1;
      state.windows[i].grant = { until, left: size };
      state.dirty.add(`${i}:${until}`);
    });
    await this.write(holder);
    await this.readOthers(holder, state, now);
    let gaveBack = false;
    this.windows.forEach((window, i) => {
      const grant = state.windows[i].grant;
      const over = -this.room(state, i, now);
      if (!needed[i] || !grant || over <= 0) return;
      grant.left = Math.max(0, grant.left - over);
      state.dirty.add(`${i}:${grant.until}`);
      gaveBack = true;
    });
    // Two instances that reserved the last room at once both give it back: written at once, so
    // that the next request of either finds it free again.
    if (gaveBack) await this.write(holder);
    return this.fullIfNoRoom(state, needed, now);
  }

  /** The full window, when a window that needs a reservation has nothing left to reserve. */
  private fullIfNoRoom(state: HolderState, needed: boolean[], now: number): FullWindow | null {
    const blocked = this.windows.some(
      (_, i) =>
        needed[i] &&
        !(state.windows[i].grant && state.windows[i].grant!.left > 0) &&
        this.room(state, i, now) <= 0,
    );
    if (!blocked) return null;
    return longestWait(
      this.windows,
      this.windows.map((_, i) => this.counts(state, i)),
      now,
    );
  }

  /** This window's limit less everything counted in it: this instance's and the others'. */
  private room(state: HolderState, i: number, now: number): number {
    const oldest = oldestBucket(this.windows[i], now);
    let used = 0;
    for (const [bucket, hits] of this.counts(state, i)) if (bucket > oldest) used += hits;
    return this.windows[i].limit - used;
  }

  private counts(state: HolderState, i: number): BucketCounts {
    const w = state.windows[i];
    const counts = new Map(w.used);
    if (w.grant) counts.set(w.grant.until, (counts.get(w.grant.until) ?? 0) + w.grant.left);
    for (const [bucket, hits] of state.others?.[i] ?? [])
      counts.set(bucket, (counts.get(bucket) ?? 0) + hits);
    return counts;
  }

  private async readOthers(holder: string, state: HolderState, now: number): Promise<void> {
    const ranges = this.windows.map(() => '(window_ms = ? AND bucket > ?)').join(' OR ');
    const rows: Array<{
      window_ms: number | string;
      bucket: number | string;
      instance: string;
      hits: number | string;
    }> = await this.db.read((m) =>
      m.query(
        `SELECT window_ms, bucket, instance, hits FROM request_counts WHERE holder = ? AND instance <> ? AND (${ranges})`,
        [holder, this.instance, ...this.windows.flatMap((w) => [w.lengthMs, oldestBucket(w, now)])],
      ),
    );
    const others: BucketCounts[] = this.windows.map(() => new Map());
    for (const row of rows) {
      const i = this.windows.findIndex((w) => w.lengthMs === Number(row.window_ms));
      const bucket = Number(row.bucket);
      others[i].set(bucket, (others[i].get(bucket) ?? 0) + Number(row.hits));
    }
    state.others = others;
    state.othersInstances = new Set(rows.map((r) => r.instance)).size;
  }

  private scheduleFlush(): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.write().catch((error: Error) => this.logger.warn(`request counts not written: ${error.message}`));
    }, FLUSH_AFTER_MS);
    this.flushTimer.unref();
  }

  /**
   * Writes the changed rows of one holder (a reservation) or of all. Writes run one at a time and
   * each takes the values as they are when it starts, so a later write never puts back an older
   * value; the values are absolute, so a failed write is simply written again later.
   */
  private write(only?: string): Promise<void> {
    const run = this.writes.then(() => this.writeNow(only));
    this.writes = run.catch(() => undefined);
    return run;
  }

  private async writeNow(only?: string): Promise<void> {
    const taken: Array<[HolderState, Set<string>]> = [];
    const rows: unknown[][] = [];
    for (const [holder, state] of only ? [[only, this.stateOf(only)] as const] : this.holders) {
      if (state.dirty.size === 0) continue;
      taken.push([state, state.dirty]);
      for (const key of state.dirty) {
        const [i, bucket] = key.split(':').map(Number);
        const window = this.windows[i];
        const w = state.windows[i];
        const hits = (w.used.get(bucket) ?? 0) + (w.grant?.until === bucket ? w.grant.left : 0);
        const expires = new Date((bucket + 1) * window.bucketMs + window.lengthMs);
        rows.push([holder, window.lengthMs, bucket, this.instance, hits, toSqlDateTime(expires)]);
      }
      state.dirty = new Set();
    }
    const now = this.now();
    const cleanup = !only && now - this.lastCleanup >= CLEANUP_EVERY_MS;
    if (rows.length === 0 && !cleanup) return;
    const { sql } = this.db;
    const statements: Array<[string, unknown[]]> = [];
    for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
      const part = rows.slice(start, start + ROWS_PER_STATEMENT);
      statements.push([
        sql.upsert(
          'request_counts',
          ['holder', 'window_ms', 'bucket', 'instance', 'hits', 'expires_at'],
          part.length,
          ['holder', 'window_ms', 'bucket', 'instance'],
          `hits = ${sql.incoming('hits')}, expires_at = ${sql.incoming('expires_at')}`,
        ),
        part.flat(),
      ]);
    }
    if (cleanup) {
      this.lastCleanup = now;
      statements.push(['DELETE FROM request_counts WHERE expires_at < ?', [toSqlDateTime(new Date(now))]]);
    }
    try {
      // A reservation moving to the buckets it was used in is never seen half-way: one statement
      // (the usual case, and a reservation's: no BEGIN and COMMIT round trips), or one transaction.
      const [[sql, parameters], ...more] = statements;
      if (more.length === 0) await this.db.read((m) => m.query(sql, parameters));
      else
        await this.db.transaction(async (m) => {
          for (const [text, values] of statements) await m.query(text, values);
        });
    } catch (error) {
      for (const [state, keys] of taken) for (const key of keys) state.dirty.add(key);
      this.scheduleFlush();
      throw error;
    }
  }
}
