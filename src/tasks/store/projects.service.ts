import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { DomainError } from '../../common/domain-error';
import { Database } from '../../database/database';
import { Project } from './project.entity';
import { idNotGivenOut, REQUESTABLE_ID_LIMIT } from './task-ids';
import { advanceContent, writePlacements } from './task-sql';
import { TasksService } from './tasks.service';
import { TasksError } from '../tasks.errors';

export interface ProjectView {
  id: number;
  label: string;
}

/** Task projects of an account (the widget's projects, v2's `projects`). */
@Injectable()
export class ProjectsService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly tasks: TasksService,
  ) {}

  listProjects(accountId: number): Promise<ProjectView[]> {
    return this.db.read(async (m) => {
      const rows = (await m.query('SELECT id, name FROM projects WHERE account_id = ? ORDER BY id', [
        accountId,
      ])) as Array<{ id: number; name: string }>;
      return rows.map((r) => ({ id: Number(r.id), label: r.name }));
    });
  }

  /** Creates a project; a requested id is honoured if free (todolist-rest.md §5.8). */
  createProject(accountId: number, label: string, requestedId?: number): Promise<number> {
    return this.db.transaction(async (m) => {
      const now = this.clock.now();
      if (requestedId !== undefined) {
        // A higher id would move the auto-increment counter of every account: see
        // REQUESTABLE_ID_LIMIT.
        const [{ top }] = (await m.query('SELECT MAX(id) AS top FROM projects')) as Array<{
          top: number | null;
        }>;
        if (requestedId >= Math.max(Number(top ?? 0) + 1, REQUESTABLE_ID_LIMIT)) {
          throw idNotGivenOut('PROJECT_ID_TAKEN', requestedId);
        }
        const taken = await m.query('SELECT id FROM projects WHERE id = ?', [requestedId]);
        if (taken.length > 0) {
          throw projectIdTaken(requestedId);
        }
        try {
          await m.insert(Project, { id: requestedId, accountId, name: label, createdAt: now });
        } catch (error) {
          // Two requests for the same free id: the second INSERT meets the first's row.
          if (/UNIQUE|Duplicate/i.test((error as Error).message)) throw projectIdTaken(requestedId);
          throw error;
        }
        return requestedId;
      }
      const result = await m.insert(Project, { accountId, name: label, createdAt: now });
      return Number(result.identifiers[0].id);
    });
  }

  renameProject(accountId: number, projectId: number, label: string): Promise<void> {
    return this.db.transaction(async (m) => {
      const rows = await m.query('SELECT id FROM projects WHERE account_id = ? AND id = ?', [
        accountId,
        projectId,
      ]);
      if (rows.length === 0) throw projectNotFound(projectId);
      await m.query('UPDATE projects SET name = ? WHERE account_id = ? AND id = ?', [
        label,
        accountId,
        projectId,
      ]);
    });
  }

  /**
   * Deletes a project; its tasks move to No project keeping their hierarchy, its roots appended
   * to the No project root list in their previous order (todolist-rest.md §5.8).
   */
  deleteProject(accountId: number, projectId: number): Promise<void> {
    return this.db.transaction(async (m) => {
      const rows = await m.query('SELECT id FROM projects WHERE account_id = ? AND id = ?', [
        accountId,
        projectId,
      ]);
      if (rows.length === 0) throw projectNotFound(projectId);
      const forest = await this.tasks.lockAndLoad(m, accountId, [], [0, projectId]);
      const roots = [...forest.list(projectId, null)];
      for (const id of roots) {
        forest.detach(id);
        forest.insert([id], null, null, forest.list(null, null).length);
      }
      await writePlacements(m, accountId, forest.changes());
      // The lock row stays: a project made later with the same id continues its read revisions
      // instead of starting them again (a read cache could take an old revision for a new one).
      await m.query('DELETE FROM projects WHERE account_id = ? AND id = ?', [accountId, projectId]);
      // Its tasks enter No project from elsewhere: readers there must compare stamps. The content
      // revision is every writer's last lock.
      await advanceContent(m, this.db.dialect, accountId, [0]);
    });
  }
}

function projectIdTaken(id: number): DomainError {
  return new TasksError('PROJECT_ID_TAKEN', `The project id ${id} is already taken`, { field: 'id' });
}

function projectNotFound(id: number): DomainError {
  return new TasksError('PROJECT_NOT_FOUND', `Project ${id} does not exist`, { meta: { id } });
}
