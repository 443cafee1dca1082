import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { Database } from '../../database/database';
import { TasksError } from '../tasks.errors';
import {
  accountTags,
  allPeople,
  deletePerson,
  insertPerson,
  PersonRow,
  PersonValues,
  replaceAccountTags,
  updatePerson,
} from './people.table';
import { accountRowExists } from './account-rows.table';
import { tasksAssignedTo, unassignPerson } from './task-assignees.table';
import { keyOf } from './task-fields';
import { newStamp, setColumnOf } from './tasks.table';
import { TaskWriteGateway } from './write-gateway';

export type { PersonRow, PersonValues } from './people.table';

export interface PersonChanges extends Omit<PersonValues, 'deactivatedAt'> {
  /** true deactivates the person (copies then leave them out), false makes them active again. */
  deactivated?: boolean;
}

/** People tasks are assigned to (the widget's users, v2's `people`) and the account's tag list. */
@Injectable()
export class PeopleService {
  constructor(
    private readonly db: Database,
    private readonly gateway: TaskWriteGateway,
    private readonly clock: Clock,
  ) {}

  list(accountId: number): Promise<PersonRow[]> {
    return this.db.read((m) => allPeople(m, accountId));
  }

  create(accountId: number, values: PersonValues & { firstName: string }): Promise<number> {
    return this.gateway.write(accountId, async (w) => {
      const personId = await insertPerson(w.m, accountId, values, this.clock.now());
      w.record('person-created', () => ({ kind: 'person-created', personId, tasks: [] }));
      return personId;
    });
  }

  /** Sets the values given (undefined: unchanged). */
  update(accountId: number, personId: number, changes: PersonChanges): Promise<void> {
    return this.gateway.write(accountId, async (w) => {
      if (!(await accountRowExists(w.m, w.sql, 'people', accountId, personId)))
        throw personNotFound(personId);
      const { deactivated, ...values } = changes;
      await updatePerson(w.m, accountId, personId, {
        ...values,
        ...(deactivated === undefined ? {} : { deactivatedAt: deactivated ? this.clock.now() : null }),
      });
      w.record('person-updated', () => ({ kind: 'person-updated', personId, tasks: [] }));
    });
  }

  /** Deletes a person; they disappear from every task's assigned people (the order of the rest is kept). */
  delete(accountId: number, personId: number): Promise<void> {
    return this.gateway.write(accountId, async (w) => {
      // Locked first: an assignment made meanwhile waits on the person row (its foreign key check)
      // rather than slipping in after the read below and losing its task's new stamp.
      if (!(await accountRowExists(w.m, w.sql, 'people', accountId, personId, true)))
        throw personNotFound(personId);
      // Their tasks change (assigned people): new stamps and content revisions for their projects.
      const taskIds = await tasksAssignedTo(w.m, w.sql, accountId, personId);
      const tasks = await w.lockRows(taskIds);
      await setColumnOf(w.m, accountId, taskIds, 'revision', newStamp());
      await unassignPerson(w.m, accountId, personId);
      await deletePerson(w.m, accountId, personId);
      w.touchContent(tasks.map((t) => keyOf(t.projectId)));
      w.record('person-deleted', () => ({
        kind: 'person-deleted',
        personId,
        tasks: tasks.map((t) => ({ id: t.id, projectId: t.projectId })),
      }));
    });
  }

  listTags(accountId: number): Promise<string[]> {
    return this.db.read((m) => accountTags(m, accountId));
  }

  /** Replaces the account's tag list (duplicates dropped, order kept). */
  replaceTags(accountId: number, tags: string[]): Promise<void> {
    return this.db.transaction((m) => replaceAccountTags(m, accountId, [...new Set(tags)]));
  }
}

function personNotFound(id: number): TasksError {
  return new TasksError('USER_NOT_FOUND', `User ${id} does not exist`, { meta: { id } });
}
