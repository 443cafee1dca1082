import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AccountsModule } from './accounts/accounts.module';
import { AuthGuard } from './auth/auth.guard';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { DemoModule } from './demo/demo.module';
import { FaceErrorFilter } from './faces/face-error.filter';
import { JsonApiModule } from './faces/jsonapi/jsonapi.module';
import { TodoModule } from './faces/todo/todo.module';
import { TolokaModule } from './faces/toloka/toloka.module';
import { HealthModule } from './health/health.module';
import { OperationsModule } from './operations/operations.module';
import { PoolsModule } from './pools/pools.module';
import { TasksModule } from './tasks/tasks.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        AccountsModule,
        HealthModule,
        TasksModule,
        PoolsModule,
        OperationsModule,
        TodoModule,
        TolokaModule,
        JsonApiModule,
        // Seeds only when asked (the CLI's seed:demo); here so that tests seed the app they run.
        DemoModule,
      ],
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: FaceErrorFilter },
      ],
    };
  }
}
