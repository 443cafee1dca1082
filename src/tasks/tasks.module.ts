import { Module } from '@nestjs/common';
import { CloneEngine } from './clone-engine';
import { DemoSeeder } from './demo-seed';
import { PeopleService } from './people.service';
import { ProjectsService } from './projects.service';
import { TaskIdAllocator } from './task-ids';
import { TaskTreeReader } from './task-tree-reader';
import { TasksService } from './tasks.service';

/** The task store and its clone engine, shared by the /todo and /api/v2 faces. */
@Module({
  providers: [
    TaskIdAllocator,
    CloneEngine,
    TasksService,
    TaskTreeReader,
    ProjectsService,
    PeopleService,
    DemoSeeder,
  ],
  exports: [
    TaskIdAllocator,
    CloneEngine,
    TasksService,
    TaskTreeReader,
    ProjectsService,
    PeopleService,
    DemoSeeder,
  ],
})
export class TasksModule {}
