import { Account } from '../accounts/account.entity';
import { ApiToken } from '../accounts/api-token.entity';
import { IdempotencyKey } from '../idempotency/idempotency-key.entity';
import { Operation } from '../operations/operation.entity';
import { CrowdProject } from '../pools/crowd-project.entity';
import { Pool } from '../pools/pool.entity';
import { RateLimitEvent } from '../rate-limits/rate-limit-event.entity';
import { TASK_DETAIL_ENTITIES } from '../tasks/details/task-details.entities';
import { Person } from '../tasks/store/person.entity';
import { Project } from '../tasks/store/project.entity';
import { AccountTag, Task, TaskAssignee } from '../tasks/store/task.entity';

// Every TypeORM entity of the service. Modules append theirs here.
export const ALL_ENTITIES = [
  Account,
  ApiToken,
  Project,
  Person,
  Task,
  TaskAssignee,
  AccountTag,
  ...TASK_DETAIL_ENTITIES,
  CrowdProject,
  Pool,
  Operation,
  RateLimitEvent,
  IdempotencyKey,
];
