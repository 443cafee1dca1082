import { Global, Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { databaseOptions } from '../config/database.options';
import { boundsOfDriver } from './bounded-mysql';
import { assertUtf8mb4Database, assertUtf8mb4Tables } from './charset';
import { Database } from './database';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        ...databaseOptions(config.DATABASE_URL, {
          poolSize: config.DATABASE_POOL_SIZE,
          connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
          // No bound on statements yet: the migrations run while the DataSource opens, and one
          // may take minutes. onModuleInit sets it.
          bounds: { acquireTimeoutMs: config.DATABASE_ACQUIRE_TIMEOUT_MS, queryTimeoutMs: 0 },
        }),
        // Run in onModuleInit, once the database's character set is known to be right.
        migrationsRun: false,
        // Fail at start rather than retry for a minute: a wrong DATABASE_URL should be loud.
        retryAttempts: 0,
      }),
    }),
  ],
  providers: [Database],
  exports: [Database],
})
export class DatabaseModule implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    await assertUtf8mb4Database(this.dataSource);
    if (this.config.MIGRATIONS_RUN) await this.dataSource.runMigrations({ transaction: 'all' });
    await assertUtf8mb4Tables(this.dataSource);
    const bounds = boundsOfDriver((this.dataSource.options as { driver?: unknown }).driver);
    if (bounds) bounds.queryTimeoutMs = this.config.DATABASE_QUERY_TIMEOUT_MS;
  }
}
