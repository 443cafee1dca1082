import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { Database } from '../../database/database';
import { toSqlDateTime } from '../../database/sql-time';
import { TasksError } from '../tasks.errors';

export interface ProjectInput {
  name?: string;
  workflowId?: number | null;
  taskCustomFieldsIds?: number[] | null;
}

export interface PersonInput {
  firstName?: string;
  lastName?: string;
  email?: string | null;
  avatarUrl?: string | null;
}

/** v2 writes of the shared `projects` and `people` rows, with the columns only v2 uses. */
@Injectable()
export class StoreWriteService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  createProject(accountId: number, input: ProjectInput): Promise<number> {
    return this.db.transaction(async (m) => {
      await this.checkWorkflow(m, accountId, input.workflowId);
      await this.checkCustomFields(m, accountId, input.taskCustomFieldsIds);
      const result: unknown = await m.query(
        'INSERT INTO projects (account_id, name, workflow_id, task_custom_fields_ids, created_at) VALUES (?, ?, ?, ?, ?)',
        [
          accountId,
          input.name,
          input.workflowId ?? null,
          fieldsText(input.taskCustomFieldsIds),
          toSqlDateTime(this.clock.now()),
        ],
      );
      return insertedId(result);
    });
  }

  updateProject(accountId: number, id: number, input: ProjectInput): Promise<void> {
    return this.db.transaction(async (m) => {
      await this.exists(m, 'projects', accountId, id, 'project');
      await this.checkWorkflow(m, accountId, input.workflowId);
      await this.checkCustomFields(m, accountId, input.taskCustomFieldsIds);
      const sets: Array<[string, unknown]> = [];
      if (input.name !== undefined) sets.push(['name', input.name]);
      if (input.workflowId !== undefined) sets.push(['workflow_id', input.workflowId]);
      if (input.taskCustomFieldsIds !== undefined)
        sets.push(['task_custom_fields_ids', fieldsText(input.taskCustomFieldsIds)]);
      if (sets.length) {
        await m.query(
          `UPDATE projects SET ${sets.map(([c]) => `${c} = ?`).join(', ')} WHERE id = ? AND account_id = ?`,
          [...sets.map(([, v]) => v), id, accountId],
        );
      }
    });
  }

  createPerson(accountId: number, input: PersonInput): Promise<number> {
    return this.db.transaction(async (m) => {
      const result: unknown = await m.query(
        'INSERT INTO people (account_id, first_name, last_name, email, avatar_url, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        [
          accountId,
          input.firstName,
          input.lastName ?? '',
          input.email ?? null,
          input.avatarUrl ?? null,
          toSqlDateTime(this.clock.now()),
        ],
      );
      return insertedId(result);
    });
  }

  updatePerson(accountId: number, id: number, input: PersonInput & { deactivated?: boolean }): Promise<void> {
    return this.db.transaction(async (m) => {
      await this.exists(m, 'people', accountId, id, 'person');
      const sets: Array<[string, unknown]> = [];
      if (input.firstName !== undefined) sets.push(['first_name', input.firstName]);
      if (input.lastName !== undefined) sets.push(['last_name', input.lastName]);
      if (input.email !== undefined) sets.push(['email', input.email]);
      if (input.avatarUrl !== undefined) sets.push(['avatar_url', input.avatarUrl]);
      if (input.deactivated !== undefined)
        sets.push(['deactivated_at', input.deactivated ? toSqlDateTime(this.clock.now()) : null]);
      if (sets.length) {
        await m.query(
          `UPDATE people SET ${sets.map(([c]) => `${c} = ?`).join(', ')} WHERE id = ? AND account_id = ?`,
          [...sets.map(([, v]) => v), id, accountId],
        );
      }
    });
  }

  private async exists(
    m: { query: (q: string, p: unknown[]) => Promise<unknown[]> },
    table: 'projects' | 'people',
    accountId: number,
    id: number,
    noun: string,
  ) {
    const found = await m.query(`SELECT id FROM ${table} WHERE id = ? AND account_id = ?`, [id, accountId]);
    if (found.length === 0) throw new TasksError('TASK_DETAIL_NOT_FOUND', `No ${noun} ${id}`);
  }

  private async checkWorkflow(
    m: { query: (q: string, p: unknown[]) => Promise<unknown[]> },
    accountId: number,
    workflowId: number | null | undefined,
  ) {
    if (workflowId === undefined || workflowId === null) return;
    const found = await m.query('SELECT id FROM workflows WHERE id = ? AND account_id = ?', [
      workflowId,
      accountId,
    ]);
    if (found.length === 0)
      throw new TasksError('TASK_DETAIL_REFERENCE_INVALID', `No workflow ${workflowId}`, {
        field: 'workflow_id',
      });
  }

  /** A project enables only task custom fields of its own organization. */
  private async checkCustomFields(
    m: { query: (q: string, p: unknown[]) => Promise<unknown[]> },
    accountId: number,
    ids: number[] | null | undefined,
  ) {
    const wanted = [...new Set(ids ?? [])];
    if (wanted.length === 0) return;
    const found = (await m.query(
      `SELECT id FROM custom_fields WHERE account_id = ? AND customizable_type = 'tasks' AND id IN (${wanted.map(() => '?').join(', ')})`,
      [accountId, ...wanted],
    )) as Array<{ id: number | string }>;
    const known = new Set(found.map((row) => Number(row.id)));
    const unknown = wanted.find((id) => !known.has(id));
    if (unknown !== undefined) {
      throw new TasksError('TASK_DETAIL_REFERENCE_INVALID', `No task custom field ${unknown}`, {
        field: 'task_custom_fields_ids',
      });
    }
  }
}

function fieldsText(ids: number[] | null | undefined): string | null {
  return ids === undefined || ids === null ? null : JSON.stringify(ids);
}

/** mysql2 answers a result header; better-sqlite3 the new rowid. */
export function insertedId(result: unknown): number {
  return Number(
    typeof result === 'object' && result !== null ? (result as { insertId: number }).insertId : result,
  );
}
