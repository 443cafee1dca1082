import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Brackets, EntityManager, In, ObjectLiteral, WhereExpressionBuilder } from 'typeorm';
import { Clock } from '../../common/clock';
import { Database } from '../../database/database';
import { containsPattern, LIKE_ESCAPE } from '../../database/sql-like';
import { toSqlDateTime } from '../../database/sql-time';
import { Person } from '../store/person.entity';
import { Project } from '../store/project.entity';
import { Task } from '../store/task.entity';
import { RecordCondition, RecordFilter, RecordPage, RecordQuery } from './record-query';
import {
  Attachment,
  Comment,
  CustomField,
  DEPENDENCY_TYPE,
  Membership,
  TaskDependency,
  TaskList,
  Template,
  Todo,
  Workflow,
  WorkflowStatus,
} from './task-details.entities';
import { TasksError } from '../tasks.errors';

interface Owned extends ObjectLiteral {
  id: number;
  accountId: number;
}

type Reference = new () => Owned;

/** What the store needs to know about one kind of record. */
interface RecordKind<E extends Owned> {
  entity: new () => E;
  label: string;
  /** Foreign keys that must name an object of the caller's account. */
  references: Array<{ property: keyof E & string; entity: Reference; label: string }>;
  /** Rules applied to the values before every write (defaults, derived fields). */
  prepare?(values: Partial<E>, now: Date): void;
}

const kind = <E extends Owned>(k: RecordKind<E>) => k;

export const RECORD_KINDS = {
  workflows: kind({ entity: Workflow, label: 'workflow', references: [] }),
  workflow_statuses: kind({
    entity: WorkflowStatus,
    label: 'workflow status',
    references: [{ property: 'workflowId', entity: Workflow, label: 'workflow' }],
  }),
  task_lists: kind({
    entity: TaskList,
    label: 'task list',
    references: [{ property: 'projectId', entity: Project as Reference, label: 'project' }],
  }),
  memberships: kind({
    entity: Membership,
    label: 'membership',
    references: [
      { property: 'projectId', entity: Project as Reference, label: 'project' },
      { property: 'personId', entity: Person as Reference, label: 'person' },
    ],
  }),
  custom_fields: kind({ entity: CustomField, label: 'custom field', references: [] }),
  todos: kind({
    entity: Todo,
    label: 'todo',
    references: [
      { property: 'taskId', entity: Task as Reference, label: 'task' },
      { property: 'assigneeId', entity: Person as Reference, label: 'person' },
    ],
  }),
  comments: kind({
    entity: Comment,
    label: 'comment',
    references: [
      { property: 'taskId', entity: Task as Reference, label: 'task' },
      { property: 'creatorId', entity: Person as Reference, label: 'person' },
    ],
    prepare: (values, now) => {
      values.updatedAt = now;
    },
  }),
  attachments: kind({
    entity: Attachment,
    label: 'attachment',
    references: [
      { property: 'taskId', entity: Task as Reference, label: 'task' },
      { property: 'commentId', entity: Comment, label: 'comment' },
    ],
  }),
  task_dependencies: kind({
    entity: TaskDependency,
    label: 'task dependency',
    references: [
      { property: 'taskId', entity: Task as Reference, label: 'task' },
      { property: 'dependentTaskId', entity: Task as Reference, label: 'task' },
    ],
  }),
  templates: kind({ entity: Template, label: 'template', references: [] }),
};

export type RecordKindName = keyof typeof RECORD_KINDS;
export type RecordOf<K extends RecordKindName> = InstanceType<(typeof RECORD_KINDS)[K]['entity']>;

const SQL_OPS: Record<RecordCondition['op'], string> = {
  eq: '=',
  not_eq: '<>',
  contains: 'LIKE',
  not_contain: 'NOT LIKE',
  gt: '>',
  gt_eq: '>=',
  lt: '<',
  lt_eq: '<=',
};

const snakeCase = (property: string) => property.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The reverse of a dependency type: blocking ↔ waiting on, linked ↔ linked (tasks-copy.md §3.6). */
export function reverseDependencyType(typeId: number): number {
  if (typeId === DEPENDENCY_TYPE.blocking) return DEPENDENCY_TYPE.waitingOn;
  if (typeId === DEPENDENCY_TYPE.waitingOn) return DEPENDENCY_TYPE.blocking;
  return DEPENDENCY_TYPE.linked;
}

/**
 * The records around tasks that the v2 face manages and its copy flags select. Every read and
 * write is scoped by account; an id of another account is reported exactly like a missing one.
 */
@Injectable()
export class TaskDetailsService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  create<K extends RecordKindName>(
    name: K,
    accountId: number,
    values: Partial<RecordOf<K>>,
  ): Promise<RecordOf<K>> {
    if (name === 'task_dependencies') {
      return this.createDependency(accountId, values as Partial<TaskDependency>) as Promise<RecordOf<K>>;
    }
    const k = RECORD_KINDS[name] as unknown as RecordKind<RecordOf<K>>;
    return this.db.transaction(async (m) => {
      const now = this.clock.now();
      const row = { ...values, accountId, createdAt: now } as Partial<RecordOf<K>>;
      k.prepare?.(row, now);
      await this.checkReferences(m, k, accountId, row);
      await this.checkUnique(m, name, accountId, row);
      return m.save(k.entity, m.create(k.entity, row as RecordOf<K>));
    });
  }

  get<K extends RecordKindName>(name: K, accountId: number, id: number): Promise<RecordOf<K>> {
    return this.db.read((m) => this.find(m, name, accountId, id));
  }

  /**
   * Records of one kind whose `property` is one of `values` (for `include`). Joins the caller's
   * unit of work: on SQLite a nested `db.read` would wait on the caller for ever.
   */
  findBy<K extends RecordKindName>(
    m: EntityManager,
    name: K,
    accountId: number,
    property: keyof RecordOf<K> & string,
    values: number[],
  ): Promise<RecordOf<K>[]> {
    if (values.length === 0) return Promise.resolve([]);
    const k = RECORD_KINDS[name] as unknown as RecordKind<RecordOf<K>>;
    return m.find(k.entity, {
      where: { accountId, [property]: In(values) } as never,
      order: { id: 'ASC' } as never,
    });
  }

  list<K extends RecordKindName>(
    name: K,
    accountId: number,
    query: RecordQuery,
  ): Promise<RecordPage<RecordOf<K>>> {
    const k = RECORD_KINDS[name] as unknown as RecordKind<RecordOf<K>>;
    return this.db.read(async (m) => {
      const qb = m.createQueryBuilder(k.entity, 'r').where('r.accountId = :accountId', { accountId });
      if (query.filter && query.filter.operands.length) {
        qb.andWhere(new Brackets((where) => this.applyFilter(where, query.filter!, { n: 0 })));
      }
      for (const { property, descending } of query.order ?? [])
        qb.addOrderBy(`r.${property}`, descending ? 'DESC' : 'ASC');
      qb.addOrderBy('r.id', 'ASC');
      const [items, total] = await qb.skip(query.offset).take(query.limit).getManyAndCount();
      return { items, total };
    });
  }

  update<K extends RecordKindName>(
    name: K,
    accountId: number,
    id: number,
    values: Partial<RecordOf<K>>,
  ): Promise<RecordOf<K>> {
    const k = RECORD_KINDS[name] as unknown as RecordKind<RecordOf<K>>;
    return this.db.transaction(async (m) => {
      const existing = await this.find(m, name, accountId, id);
      // A PATCH that sets nothing changes nothing (no derived field either, such as updated_at).
      if (Object.values(values).every((value) => value === undefined)) return existing;
      const row = { ...values } as Partial<RecordOf<K>>;
      k.prepare?.(row, this.clock.now());
      await this.checkReferences(m, k, accountId, row);
      if (name === 'task_dependencies' && 'typeId' in row) {
        // The pair shares its lifecycle: a type change applies to both rows.
        const dependency = existing as unknown as TaskDependency;
        const typeId = (row as Partial<TaskDependency>).typeId!;
        if (dependency.reverseId) {
          await m.update(
            TaskDependency,
            { id: dependency.reverseId, accountId },
            { typeId: reverseDependencyType(typeId) },
          );
        }
      }
      await m.update(k.entity, { id, accountId } as never, row as never);
      return this.find(m, name, accountId, id);
    });
  }

  remove(name: RecordKindName, accountId: number, id: number): Promise<void> {
    return this.db.transaction(async (m) => {
      const existing = await this.find(m, name, accountId, id);
      await this.checkNotInUse(m, name, accountId, id);
      if (name === 'task_dependencies') {
        const reverseId = (existing as unknown as TaskDependency).reverseId;
        if (reverseId) await m.delete(TaskDependency, { id: reverseId, accountId });
      }
      await m.delete(RECORD_KINDS[name].entity, { id, accountId });
      if (name === 'attachments') await this.dropUnusedBlob(m, (existing as unknown as Attachment).blobId);
    });
  }

  /** Stores an attachment's bytes (replacing earlier ones); identical bytes share one blob. */
  putAttachmentContent(
    accountId: number,
    id: number,
    content: Buffer,
    contentType?: string,
  ): Promise<Attachment> {
    return this.db.transaction(async (m) => {
      const attachment = await this.find(m, 'attachments', accountId, id);
      const sha256 = createHash('sha256').update(content).digest('hex');
      const [existing] = await m.query(
        'SELECT id FROM blobs WHERE account_id = ? AND sha256 = ? AND size = ?',
        [accountId, sha256, content.length],
      );
      let blobId: number;
      if (existing) {
        blobId = Number(existing.id);
      } else {
        const result: unknown = await m.query(
          'INSERT INTO blobs (account_id, sha256, size, content, created_at) VALUES (?, ?, ?, ?, ?)',
          [accountId, sha256, content.length, content, toSqlDateTime(this.clock.now())],
        );
        // mysql2 answers a result header; better-sqlite3 the new rowid.
        blobId = Number(
          typeof result === 'object' && result !== null ? (result as { insertId: number }).insertId : result,
        );
      }
      const previous = attachment.blobId;
      await m.update(
        Attachment,
        { id, accountId },
        { blobId, size: content.length, ...(contentType ? { contentType } : {}) },
      );
      if (previous && previous !== blobId) await this.dropUnusedBlob(m, previous);
      return this.find(m, 'attachments', accountId, id);
    });
  }

  getAttachmentContent(
    accountId: number,
    id: number,
  ): Promise<{ attachment: Attachment; content: Buffer | null }> {
    return this.db.read(async (m) => {
      const attachment = await this.find(m, 'attachments', accountId, id);
      if (!attachment.blobId) return { attachment, content: null };
      const [row] = await m.query('SELECT content FROM blobs WHERE id = ? AND account_id = ?', [
        attachment.blobId,
        accountId,
      ]);
      return { attachment, content: row ? Buffer.from(row.content) : null };
    });
  }

  private async createDependency(
    accountId: number,
    values: Partial<TaskDependency>,
  ): Promise<TaskDependency> {
    const k = RECORD_KINDS.task_dependencies;
    return this.db.transaction(async (m) => {
      await this.checkReferences(m, k, accountId, values);
      if (values.taskId === values.dependentTaskId) {
        throw new TasksError('TASK_DETAIL_INVALID', 'A task cannot depend on itself', {
          field: 'dependent_task_id',
        });
      }
      const duplicate = await m.existsBy(TaskDependency, {
        accountId,
        taskId: values.taskId,
        dependentTaskId: values.dependentTaskId,
      });
      if (duplicate) {
        throw new TasksError('TASK_DETAIL_CONFLICT', 'These tasks already depend on each other', {
          field: 'dependent_task_id',
        });
      }
      const [forward] = await this.insertDependencyPairs(m, accountId, [
        { taskId: values.taskId!, dependentTaskId: values.dependentTaskId!, typeId: values.typeId! },
      ]);
      return forward;
    });
  }

  /**
   * Writes dependency pairs (each row plus its reverse) and links every pair; used by the create
   * route and by the copy engine. Returns the forward rows in input order.
   */
  async insertDependencyPairs(
    m: EntityManager,
    accountId: number,
    pairs: Array<{ taskId: number; dependentTaskId: number; typeId: number }>,
  ): Promise<TaskDependency[]> {
    const now = this.clock.now();
    const forward: TaskDependency[] = [];
    for (const pair of pairs) {
      const a = await m.save(
        TaskDependency,
        m.create(TaskDependency, { ...pair, accountId, reverseId: null, createdAt: now }),
      );
      const b = await m.save(
        TaskDependency,
        m.create(TaskDependency, {
          accountId,
          taskId: pair.dependentTaskId,
          dependentTaskId: pair.taskId,
          typeId: reverseDependencyType(pair.typeId),
          reverseId: a.id,
          createdAt: now,
        }),
      );
      await m.update(TaskDependency, { id: a.id }, { reverseId: b.id });
      forward.push({ ...a, reverseId: b.id });
    }
    return forward;
  }

  private async find<K extends RecordKindName>(
    m: EntityManager,
    name: K,
    accountId: number,
    id: number,
  ): Promise<RecordOf<K>> {
    const k = RECORD_KINDS[name] as unknown as RecordKind<RecordOf<K>>;
    const found = Number.isSafeInteger(id) ? await m.findOneBy(k.entity, { id, accountId } as never) : null;
    if (!found)
      throw new TasksError('TASK_DETAIL_NOT_FOUND', `No ${k.label} ${id}`, { meta: { kind: name } });
    return found;
  }

  private async checkReferences<E extends Owned>(
    m: EntityManager,
    k: RecordKind<E>,
    accountId: number,
    values: Partial<E>,
  ): Promise<void> {
    for (const reference of k.references) {
      const id = values[reference.property] as unknown;
      if (id === undefined || id === null) continue;
      const exists = typeof id === 'number' && (await m.existsBy(reference.entity, { id, accountId }));
      if (!exists) {
        throw new TasksError('TASK_DETAIL_REFERENCE_INVALID', `No ${reference.label} ${String(id)}`, {
          field: snakeCase(reference.property),
        });
      }
    }
  }

  private async checkUnique(
    m: EntityManager,
    name: RecordKindName,
    accountId: number,
    values: object,
  ): Promise<void> {
    if (name !== 'memberships') return;
    const { projectId, personId } = values as Partial<Membership>;
    if (await m.existsBy(Membership, { accountId, projectId, personId })) {
      throw new TasksError('TASK_DETAIL_CONFLICT', 'That person is already a member of the project', {
        field: 'person_id',
      });
    }
  }

  /** A list, status or workflow that tasks or projects still use cannot go (409). */
  private async checkNotInUse(
    m: EntityManager,
    name: RecordKindName,
    accountId: number,
    id: number,
  ): Promise<void> {
    const uses: Partial<Record<RecordKindName, [string, string]>> = {
      task_lists: [
        'SELECT 1 FROM tasks WHERE account_id = ? AND task_list_id = ? LIMIT 1',
        'tasks are in this task list',
      ],
      workflow_statuses: [
        'SELECT 1 FROM tasks WHERE account_id = ? AND workflow_status_id = ? LIMIT 1',
        'tasks have this status',
      ],
      workflows: [
        'SELECT 1 FROM projects WHERE account_id = ? AND workflow_id = ? LIMIT 1',
        'projects use this workflow',
      ],
    };
    const use = uses[name];
    if (!use) return;
    const found = (await m.query(use[0], [accountId, id])) as unknown[];
    if (found.length)
      throw new TasksError('TASK_DETAIL_CONFLICT', `Still in use: ${use[1]}`, { meta: { kind: name } });
  }

  /**
   * Drops bytes no attachment uses any more. On MySQL the blob row is locked first (a copy in
   * flight holds it shared until it commits) and the use is checked with a locking read, which
   * sees rows committed since this transaction's snapshot: a fresh copy's attachment keeps it.
   */
  private async dropUnusedBlob(m: EntityManager, blobId: number | null): Promise<void> {
    if (!blobId) return;
    const mysql = this.db.dialect === 'mysql';
    if (mysql) await m.query('SELECT id FROM blobs WHERE id = ? FOR UPDATE', [blobId]);
    const used = (await m.query(
      `SELECT 1 AS used FROM attachments WHERE blob_id = ? LIMIT 1${mysql ? ' LOCK IN SHARE MODE' : ''}`,
      [blobId],
    )) as unknown[];
    if (used.length) return;
    await m.query('DELETE FROM blobs WHERE id = ?', [blobId]);
  }

  private applyFilter(where: WhereExpressionBuilder, filter: RecordFilter, counter: { n: number }): void {
    filter.operands.forEach((operand, i) => {
      const join = (clause: Brackets | string, params?: object) => {
        if (i === 0) where.where(clause as string, params);
        else if (filter.op === 'or') where.orWhere(clause as string, params);
        else where.andWhere(clause as string, params);
      };
      if ('operands' in operand) {
        join(new Brackets((inner) => this.applyFilter(inner, operand, counter)));
        return;
      }
      const param = `p${counter.n++}`;
      const like = operand.op === 'contains' || operand.op === 'not_contain';
      const value = like ? containsPattern(String(operand.value)) : operand.value;
      if (operand.value === null) {
        join(`r.${operand.property} IS ${operand.op === 'not_eq' ? 'NOT ' : ''}NULL`);
      } else {
        join(`r.${operand.property} ${SQL_OPS[operand.op]} :${param}${like ? ` ${LIKE_ESCAPE}` : ''}`, {
          [param]: value,
        });
      }
    });
  }
}
