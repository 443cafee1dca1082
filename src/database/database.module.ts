import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { databaseOptions } from '../config/database.options';
import { Database } from './database';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        ...databaseOptions(config.DATABASE_URL, config.DATABASE_POOL_SIZE),
        migrationsRun: config.MIGRATIONS_RUN,
        // Fail at start rather than retry for a minute: a wrong DATABASE_URL should be loud.
        retryAttempts: 0,
      }),
    }),
  ],
  providers: [Database],
  exports: [Database],
})
export class DatabaseModule {}
