import { Module } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database';
import { SecretsModule } from '../secrets/secrets.module';
import { ServiceSecretsService } from '../secrets/service-secrets.service';
import { DatabaseRequestCounter } from './database-request-counter';
import { RedisRequestCounter } from './redis-request-counter';
import { RequestCounter, requestWindows } from './request-windows';

/** Request limits counted where every instance agrees: Redis when REDIS_URL is set, else the database. */
@Module({
  imports: [SecretsModule],
  providers: [
    {
      provide: RequestCounter,
      inject: [AppConfig, Database, Clock, ServiceSecretsService],
      useFactory: (
        config: AppConfig,
        db: Database,
        clock: Clock,
        secrets: ServiceSecretsService,
      ): RequestCounter =>
        config.REDIS_URL
          ? new RedisRequestCounter(
              config.REDIS_URL,
              {
                connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
                commandTimeoutMs: config.DATABASE_QUERY_TIMEOUT_MS,
              },
              requestWindows(config),
              () => secrets.redisScope(),
            )
          : new DatabaseRequestCounter(db, requestWindows(config), () => clock.now().getTime()),
    },
  ],
  exports: [RequestCounter],
})
export class RequestLimitsModule {}
