import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { AuthenticatedRequest } from '../../auth/auth.decorators';
import { Clock } from '../../common/clock';
import { RequestCounter } from '../../rate-limits/request-windows';
import { RequestError } from '../../common/request.errors';

/**
 * The v2 face's request limits per token (docs/v2.md#rate-limits): by default 100
 * requests in 10 s and 4,000 in 30 min, counted where every instance agrees (the database, or
 * Redis with REDIS_URL). Over a limit: 429 with Retry-After, the seconds until the window has room.
 */
@Injectable()
export class JsonApiRateLimitGuard implements CanActivate {
  constructor(
    private readonly clock: Clock,
    private readonly counter: RequestCounter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // Authentication ran first and hashed the token (it has answered 401 without one).
    const { tokenHash } = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (!tokenHash) return true;
    // Half the hash names the token well enough and keeps the counters' key short.
    const full = await this.counter.take(tokenHash.slice(0, 32), this.clock.now().getTime());
    if (!full) return true;
    context
      .switchToHttp()
      .getResponse<FastifyReply>()
      .header('retry-after', String(Math.max(1, Math.ceil(full.waitMs / 1000))));
    throw new RequestError(
      'REQUEST_RATE_LIMITED',
      `More than ${full.window.limit} requests in ${full.window.label} with this token`,
      { meta: { limit: full.window.limit, period: full.window.label } },
    );
  }
}
