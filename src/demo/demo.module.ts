import { Module } from '@nestjs/common';
import { OperationsModule } from '../operations/operations.module';
import { PoolsModule } from '../pools/pools.module';
import { TasksModule } from '../tasks/tasks.module';
import { DemoSeeder } from './demo-seed';

/** `npm run seed:demo`: demo data for every face, written through the domain services. */
@Module({
  imports: [TasksModule, PoolsModule, OperationsModule],
  providers: [DemoSeeder],
  exports: [DemoSeeder],
})
export class DemoModule {}
