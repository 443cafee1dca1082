import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { hashToken } from '../../accounts/accounts.service';
import { extractToken } from '../../auth/token-extractor';
import { Clock } from '../../common/clock';
import { DomainError } from '../../common/domain-error';
import { AppConfig } from '../../config/app-config';

interface Window {
  limit: number;
  lengthMs: number;
  bucketMs: number;
  label: string;
}

/** Counts per token in fixed buckets; a window's count is the sum of its buckets (a sliding window in steps). */
class BucketedCounter {
  private readonly buckets = new Map<number, number>();

  constructor(private readonly window: Window) {}

  count(now: number): number {
    const oldest = Math.floor((now - this.window.lengthMs) / this.window.bucketMs);
    let total = 0;
    for (const [bucket, n] of this.buckets) {
      if (bucket <= oldest) this.buckets.delete(bucket);
      else total += n;
    }
    return total;
  }

  /** How long until the window has room again: until enough of its oldest buckets have left it. */
  msUntilRoom(now: number): number {
    let left = this.count(now);
    for (const bucket of [...this.buckets.keys()].sort((x, y) => x - y)) {
      left -= this.buckets.get(bucket)!;
      if (left < this.window.limit) return bucket * this.window.bucketMs + this.window.lengthMs - now;
    }
    return 0;
  }

  add(now: number): void {
    const bucket = Math.floor(now / this.window.bucketMs);
    this.buckets.set(bucket, (this.buckets.get(bucket) ?? 0) + 1);
  }
}

/**
 * The v2 face's request limits per token (tasks-copy.md §1.1, Productive's values): by default 100
 * requests in 10 s and 4,000 in 30 min, counted by each service instance in memory — with several
 * instances behind a balancer each allows that much. Over a limit: 429 with Retry-After.
 */
@Injectable()
export class JsonApiRateLimitGuard implements CanActivate {
  private readonly counters = new Map<string, BucketedCounter[]>();
  private readonly windows: Window[];

  constructor(
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.windows = [
      { limit: config.JSONAPI_RATE_LIMIT_PER_10S, lengthMs: 10_000, bucketMs: 1_000, label: '10 seconds' },
      {
        limit: config.JSONAPI_RATE_LIMIT_PER_30MIN,
        lengthMs: 1_800_000,
        bucketMs: 60_000,
        label: '30 minutes',
      },
    ].filter((w) => w.limit > 0);
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.windows.length === 0) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const token = extractToken(request.headers);
    if (!token) return true; // authentication has already answered 401
    const key = hashToken(token);
    let counters = this.counters.get(key);
    if (!counters) {
      if (this.counters.size > 100_000) this.counters.clear();
      counters = this.windows.map((w) => new BucketedCounter(w));
      this.counters.set(key, counters);
    }
    const now = this.clock.now().getTime();
    // Every full window must have room again before a retry can pass: the longest wait of them.
    const full = this.windows
      .map((window, i) => ({
        window,
        wait: counters[i].count(now) >= window.limit ? counters[i].msUntilRoom(now) : -1,
      }))
      .filter((w) => w.wait >= 0)
      .sort((a, b) => b.wait - a.wait)[0];
    if (full) {
      const { window } = full;
      context
        .switchToHttp()
        .getResponse<FastifyReply>()
        .header('retry-after', String(Math.max(1, Math.ceil(full.wait / 1000))));
      throw new DomainError(
        'REQUEST_RATE_LIMITED',
        `More than ${window.limit} requests in ${window.label} with this token`,
        {
          meta: { limit: window.limit, period: window.label },
        },
      );
    }
    for (const counter of counters) counter.add(now);
    return true;
  }
}
