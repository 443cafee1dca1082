import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../../common/clock';
import { Database } from '../../database/database';
import { missingCustomField, workflowExists } from '../details/project-setup.table';
import { TasksError } from '../tasks.errors';
import {
  deleteProject,
  insertProject,
  projectIdUse,
  projectNames,
  ProjectValues,
  updateProject,
} from './projects.table';
import { accountRowExists } from './account-rows.table';
import { idNotGivenOut, REQUESTABLE_ID_LIMIT } from './task-ids';
import { writePlaces } from './tasks.table';
import { StoreWrite, TaskWriteGateway } from './write-gateway';

export type { ProjectValues } from './projects.table';

export interface ProjectInput extends ProjectValues {
  name: string;
  /** A caller-chosen id, honoured if free. */
  requestedId?: number;
}

/** Task projects of an account (the widget's projects, v2's `projects`); not Toloka's projects. */
@Injectable()
export class ProjectsService {
  constructor(
    private readonly db: Database,
    private readonly gateway: TaskWriteGateway,
    private readonly clock: Clock,
  ) {}

  list(accountId: number): Promise<Array<{ id: number; name: string }>> {
    return this.db.read((m) => projectNames(m, accountId));
  }

  /** Creates a project; a requested id is honoured if free. */
  create(accountId: number, input: ProjectInput): Promise<number> {
    return this.gateway.write(accountId, async (w) => {
      await checkSetup(w.m, accountId, input);
      const id =
        input.requestedId === undefined
          ? await insertProject(w.m, accountId, input, this.clock.now())
          : await this.insertWithId(w, input, input.requestedId);
      w.record('project-created', () => ({
        kind: 'project-created',
        projectId: id,
        name: input.name,
        placements: [],
      }));
      return id;
    });
  }

  private async insertWithId(w: StoreWrite, input: ProjectInput, requestedId: number): Promise<number> {
    // A higher id would move the auto-increment counter of every account: see REQUESTABLE_ID_LIMIT.
    const { top, used } = await projectIdUse(w.m, requestedId);
    if (requestedId >= Math.max(top + 1, REQUESTABLE_ID_LIMIT)) {
      throw idNotGivenOut('PROJECT_ID_TAKEN', requestedId);
    }
    if (used) throw projectIdTaken(requestedId);
    try {
      return await insertProject(w.m, w.accountId, { ...input, id: requestedId }, this.clock.now());
    } catch (error) {
      // Two requests for the same free id: the second INSERT meets the first's row.
      if (w.sql.isDuplicateKey(error)) throw projectIdTaken(requestedId);
      throw error;
    }
  }

  /** Sets the values given (undefined: unchanged). */
  update(accountId: number, projectId: number, values: ProjectValues): Promise<void> {
    return this.gateway.write(accountId, async (w) => {
      if (!(await accountRowExists(w.m, w.sql, 'projects', accountId, projectId)))
        throw projectNotFound(projectId);
      await checkSetup(w.m, accountId, values);
      await updateProject(w.m, accountId, projectId, values);
      w.record('project-updated', () => ({
        kind: 'project-updated',
        projectId,
        ...(values.name === undefined ? {} : { name: values.name }),
        placements: [],
      }));
    });
  }

  /**
   * Deletes a project; its tasks move to No project keeping their hierarchy, its roots appended
   * to the No project root list in their previous order.
   */
  delete(accountId: number, projectId: number): Promise<void> {
    return this.gateway.write(accountId, async (w) => {
      if (!(await accountRowExists(w.m, w.sql, 'projects', accountId, projectId)))
        throw projectNotFound(projectId);
      const forest = await w.lockAndLoad([], [0, projectId]);
      const roots = [...forest.list(projectId, null)];
      for (const id of roots) {
        forest.detach(id);
        forest.insert([id], null, null, forest.list(null, null).length);
      }
      const keyed = forest.keyChanges();
      const placements = forest.changes(keyed);
      await writePlaces(w.m, accountId, keyed);
      // The lock row stays: a project made later with the same id continues its read revisions
      // instead of starting them again (a read cache could take an old revision for a new one).
      await deleteProject(w.m, accountId, projectId);
      // Its tasks enter No project from elsewhere: readers there must compare stamps.
      w.touchContent([0]);
      w.record('project-deleted', () => ({ kind: 'project-deleted', projectId, placements }));
    });
  }
}

/** The workflow and task custom fields a project names must be the account's. */
async function checkSetup(m: EntityManager, accountId: number, values: ProjectValues): Promise<void> {
  if (values.workflowId !== undefined && values.workflowId !== null) {
    if (!(await workflowExists(m, accountId, values.workflowId))) {
      throw new TasksError('TASK_DETAIL_REFERENCE_INVALID', `No workflow ${values.workflowId}`, {
        field: 'workflow_id',
      });
    }
  }
  // A project enables only task custom fields of its own organization.
  const unknown = await missingCustomField(m, accountId, values.taskCustomFieldsIds ?? []);
  if (unknown !== undefined) {
    throw new TasksError('TASK_DETAIL_REFERENCE_INVALID', `No task custom field ${unknown}`, {
      field: 'task_custom_fields_ids',
    });
  }
}

function projectIdTaken(id: number): TasksError {
  return new TasksError('PROJECT_ID_TAKEN', `The project id ${id} is already taken`, { field: 'id' });
}

function projectNotFound(id: number): TasksError {
  return new TasksError('PROJECT_NOT_FOUND', `Project ${id} does not exist`, { meta: { id } });
}
