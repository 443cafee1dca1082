import { Module } from '@nestjs/common';

/** The DHTMLX To Do List widget's REST backend under /todo (shared/specs/todolist-rest.md). */
@Module({})
export class TodoModule {}
