import { Module } from '@nestjs/common';
import { CloneEngine } from './clone-engine';
import { PeopleService } from './people.service';
import { ProjectsService } from './projects.service';
import { TaskChangeFeed } from './task-change-feed';
import { TaskIdAllocator } from './task-ids';
import { TaskTreeReader } from './task-tree-reader';
import { TasksService } from './tasks.service';

const TASK_STORE = [
  TaskChangeFeed,
  TaskIdAllocator,
  CloneEngine,
  TasksService,
  TaskTreeReader,
  ProjectsService,
  PeopleService,
];

/** The task store and its clone engine, shared by the /todo and /api/v2 faces. */
@Module({ providers: TASK_STORE, exports: TASK_STORE })
export class TasksModule {}
