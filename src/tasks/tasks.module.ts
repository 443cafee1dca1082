import { Module } from '@nestjs/common';

/** The task store and its clone engine, shared by the /todo and /api/v2 faces. */
@Module({})
export class TasksModule {}
