import { AppConfig } from '../config/app-config';

/** One sliding window of a request limit, counted in fixed buckets (a sliding window in steps). */
export interface RequestWindow {
  limit: number;
  lengthMs: number;
  bucketMs: number;
  label: string;
}

/** A full window and how long until it has room again. */
export interface FullWindow {
  window: RequestWindow;
  waitMs: number;
}

/** Hits per bucket number (`floor(time / bucketMs)`) of one window. */
export type BucketCounts = Map<number, number>;

/** The v2 face's windows per token (docs/v2.md#rate-limits); a limit of 0 turns its window off. */
export function requestWindows(config: AppConfig): RequestWindow[] {
  return [
    { limit: config.JSONAPI_RATE_LIMIT_PER_10S, lengthMs: 10_000, bucketMs: 1_000, label: '10 seconds' },
    {
      limit: config.JSONAPI_RATE_LIMIT_PER_30MIN,
      lengthMs: 1_800_000,
      bucketMs: 60_000,
      label: '30 minutes',
    },
  ].filter((w) => w.limit > 0);
}

export function bucketOf(window: RequestWindow, now: number): number {
  return Math.floor(now / window.bucketMs);
}

/** Buckets at or before this one have left the window. */
export function oldestBucket(window: RequestWindow, now: number): number {
  return Math.floor((now - window.lengthMs) / window.bucketMs);
}

/**
 * The full window that stays full longest, or null when every window has room. A window has room
 * again once enough of its oldest buckets have left it: every full one must, before a retry passes.
 */
export function longestWait(
  windows: RequestWindow[],
  counts: BucketCounts[],
  now: number,
): FullWindow | null {
  let longest: FullWindow | null = null;
  windows.forEach((window, i) => {
    const oldest = oldestBucket(window, now);
    const live = [...counts[i]].filter(([bucket]) => bucket > oldest).sort(([x], [y]) => x - y);
    let left = live.reduce((sum, [, hits]) => sum + hits, 0);
    if (left < window.limit) return;
    let waitMs = 0;
    for (const [bucket, hits] of live) {
      left -= hits;
      if (left < window.limit) {
        waitMs = bucket * window.bucketMs + window.lengthMs - now;
        break;
      }
    }
    if (!longest || waitMs > longest.waitMs) longest = { window, waitMs };
  });
  return longest;
}

/**
 * Counts requests per holder (a token's hash) in every window, where all instances of the service
 * agree: the database by default, Redis when REDIS_URL is set. `take` counts one request unless a
 * window is full, and then says which and for how long; refused requests are not counted.
 */
export abstract class RequestCounter {
  abstract take(holder: string, now: number): Promise<FullWindow | null>;
}
