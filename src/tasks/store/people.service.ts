import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../../common/clock';
import { DomainError } from '../../common/domain-error';
import { Database } from '../../database/database';
import { Person } from './person.entity';
import {
  advanceContent,
  chunks,
  forUpdate,
  INSERT_CHUNK,
  keyOf,
  marksFor,
  newStamp,
  readStructure,
} from './task-sql';
import { TasksError } from '../tasks.errors';

export interface PersonView {
  id: number;
  label: string;
  avatar: string | null;
  color: string | null;
}

export interface PersonInput {
  label: string;
  avatar: string | null;
  color: string | null;
}

/** The widget's `label` is stored as first/last name, split at the first space (v2 people). */
export function splitLabel(label: string): { firstName: string; lastName: string } {
  const space = label.indexOf(' ');
  return space < 0
    ? { firstName: label, lastName: '' }
    : { firstName: label.slice(0, space), lastName: label.slice(space + 1) };
}

export function joinLabel(firstName: string, lastName: string): string {
  return lastName ? `${firstName} ${lastName}` : firstName;
}

/** People (the widget's users) and the account's tag list. */
@Injectable()
export class PeopleService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  listPeople(accountId: number): Promise<PersonView[]> {
    return this.db.read(async (m) => {
      const rows = (await m.query(
        'SELECT id, first_name, last_name, avatar_url, color FROM people WHERE account_id = ? ORDER BY id',
        [accountId],
      )) as Array<{
        id: number;
        first_name: string;
        last_name: string;
        avatar_url: string | null;
        color: string | null;
      }>;
      return rows.map((r) => ({
        id: Number(r.id),
        label: joinLabel(r.first_name, r.last_name),
        avatar: r.avatar_url,
        color: r.color,
      }));
    });
  }

  createPerson(accountId: number, input: PersonInput): Promise<number> {
    return this.db.transaction(async (m) => {
      const { firstName, lastName } = splitLabel(input.label);
      const result = await m.insert(Person, {
        accountId,
        firstName,
        lastName,
        avatarUrl: input.avatar,
        color: input.color,
        createdAt: this.clock.now(),
      });
      return Number(result.identifiers[0].id);
    });
  }

  updatePerson(accountId: number, id: number, input: PersonInput): Promise<void> {
    return this.db.transaction(async (m) => {
      await this.assertExists(m, accountId, id);
      const { firstName, lastName } = splitLabel(input.label);
      await m.query(
        'UPDATE people SET first_name = ?, last_name = ?, avatar_url = ?, color = ? WHERE account_id = ? AND id = ?',
        [firstName, lastName, input.avatar, input.color, accountId, id],
      );
    });
  }

  /** Deletes a person; they disappear from every task's `assigned` (the order of the rest is kept). */
  deletePerson(accountId: number, id: number): Promise<void> {
    return this.db.transaction(async (m) => {
      // Locked first: an assignment made meanwhile waits on the person row (its foreign key check)
      // rather than slipping in after the read below and losing its task's new stamp.
      await this.assertExists(m, accountId, id, true);
      const lock = forUpdate(this.db.dialect);
      // Their tasks change (`assigned`): new stamps and read revisions for them and their projects.
      const assigned = (await m.query(
        `SELECT task_id FROM task_assignees WHERE account_id = ? AND person_id = ?${lock}`,
        [accountId, id],
      )) as Array<{ task_id: number }>;
      const taskIds = assigned.map((r) => Number(r.task_id));
      const tasks = await readStructure(m, this.db.dialect, accountId, taskIds, true);
      for (const part of chunks(taskIds, INSERT_CHUNK)) {
        await m.query(
          `UPDATE tasks SET revision = ? WHERE account_id = ? AND id IN (${marksFor(part.length)})`,
          [newStamp(), accountId, ...part],
        );
      }
      await m.query('DELETE FROM task_assignees WHERE account_id = ? AND person_id = ?', [accountId, id]);
      await m.query('DELETE FROM people WHERE account_id = ? AND id = ?', [accountId, id]);
      // The content revision is every writer's last lock.
      await advanceContent(
        m,
        this.db.dialect,
        accountId,
        tasks.map((t) => keyOf(t.projectId)),
      );
    });
  }

  listTags(accountId: number): Promise<string[]> {
    return this.db.read(async (m) => {
      const rows = (await m.query('SELECT name FROM account_tags WHERE account_id = ? ORDER BY position', [
        accountId,
      ])) as Array<{ name: string }>;
      return rows.map((r) => r.name);
    });
  }

  /** Replaces the account's tag list (duplicates dropped, order kept). */
  replaceTags(accountId: number, tags: string[]): Promise<void> {
    const unique = [...new Set(tags)];
    return this.db.transaction(async (m) => {
      await m.query('DELETE FROM account_tags WHERE account_id = ?', [accountId]);
      if (unique.length === 0) return;
      await m.query(
        `INSERT INTO account_tags (account_id, position, name) VALUES ${unique.map(() => '(?, ?, ?)').join(', ')}`,
        unique.flatMap((name, i) => [accountId, i, name]),
      );
    });
  }

  private async assertExists(m: EntityManager, accountId: number, id: number, lock = false): Promise<void> {
    const rows = await m.query(
      `SELECT id FROM people WHERE account_id = ? AND id = ?${lock ? forUpdate(this.db.dialect) : ''}`,
      [accountId, id],
    );
    if (rows.length === 0) throw userNotFound(id);
  }
}

function userNotFound(id: number): DomainError {
  return new TasksError('USER_NOT_FOUND', `User ${id} does not exist`, { meta: { id } });
}
