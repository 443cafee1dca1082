import { Global, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig, jobsConnections } from '../config/app-config';
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
          poolSize: config.DATABASE_POOL_SIZE - jobsConnections(config),
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
export class DatabaseModule implements OnModuleInit, OnApplicationShutdown {
  private jobsDataSource?: DataSource;

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly db: Database,
  ) {}

  async onModuleInit(): Promise<void> {
    await assertUtf8mb4Database(this.dataSource);
    if (this.config.MIGRATIONS_RUN) await this.dataSource.runMigrations({ transaction: 'all' });
    await assertUtf8mb4Tables(this.dataSource);
    const bounds = boundsOfDriver((this.dataSource.options as { driver?: unknown }).driver);
    if (bounds) bounds.queryTimeoutMs = this.config.DATABASE_QUERY_TIMEOUT_MS;
    const share = jobsConnections(this.config);
    if (share > 0) {
      // The same driver (and so the same bounds), a pool of its own.
      const options = this.dataSource.options as typeof this.dataSource.options & { extra: object };
      this.jobsDataSource = new DataSource({
        ...options,
        poolSize: share,
        // Its transactions mostly ask for no level: each keeps TypeORM's SET before its START
        // (PoolExtras in bounded-mysql.ts).
        extra: { ...options.extra, connectionLimit: share, sessionIsolation: false },
      } as typeof options);
      await this.jobsDataSource.initialize();
      // The same listeners (the task store's after-commit change event), present and to come.
      Object.assign(this.jobsDataSource, { subscribers: this.dataSource.subscribers });
      this.db.useForJobs(this.jobsDataSource);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    // After the job service stopped (beforeApplicationShutdown).
    if (this.jobsDataSource?.isInitialized) await this.jobsDataSource.destroy();
  }
}
