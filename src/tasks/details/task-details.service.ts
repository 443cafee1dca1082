import { Injectable } from '@nestjs/common';
import { Brackets, EntityManager, In, WhereExpressionBuilder } from 'typeorm';
import { Clock } from '../../common/clock';
import { Database } from '../../database/database';
import { SQL_COMPARISONS } from '../../database/sql';
import { containsPattern, LIKE_ESCAPE } from '../../database/sql-like';
import type { RecordFilter, RecordPage, RecordQuery } from '../read/record-query';
import { workflowInUse } from '../store/projects.table';
import { tasksUse } from '../store/task-reads.table';
import { TasksError } from '../tasks.errors';
import { dropUnusedBlob } from './attachments.table';
import { insertDependencyPairs, reverseDependencyType } from './dependencies.table';
import { Owned, RECORD_KINDS, RecordKind, RecordKindName, RecordOf, snakeCase } from './record-kinds';
import { Attachment, Membership, TaskDependency } from './task-details.entities';

export type { RecordKindName, RecordOf } from './record-kinds';
export type { RecordCondition, RecordFilter, RecordQuery } from '../read/record-query';

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

  /** Records of one kind whose `property` is one of `values`, by id (for `include`). */
  related<K extends RecordKindName>(
    name: K,
    accountId: number,
    property: keyof RecordOf<K> & string,
    values: number[],
  ): Promise<RecordOf<K>[]> {
    if (values.length === 0) return Promise.resolve([]);
    return this.db.read((m) => this.findBy(m, name, accountId, property, values));
  }

  /**
   * The same inside the caller's unit of work: on SQLite a nested `db.read` would wait on the
   * caller for ever.
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
      if (name === 'attachments')
        await dropUnusedBlob(m, this.db.sql, (existing as unknown as Attachment).blobId);
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
      // The row and its reverse, each naming the other, with ids from the dependencies' counter.
      const now = this.clock.now();
      const pair = {
        taskId: values.taskId!,
        dependentTaskId: values.dependentTaskId!,
        typeId: values.typeId!,
      };
      const [id] = await insertDependencyPairs(m, this.db.sql, accountId, [pair], now);
      return m.create(TaskDependency, { id, accountId, ...pair, reverseId: id + 1, createdAt: now });
    });
  }

  /** One record of the account, or TASK_DETAIL_NOT_FOUND. */
  async find<K extends RecordKindName>(
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
    const use =
      name === 'task_lists'
        ? (await tasksUse(m, accountId, 'task_list_id', id)) && 'tasks are in this task list'
        : name === 'workflow_statuses'
          ? (await tasksUse(m, accountId, 'workflow_status_id', id)) && 'tasks have this status'
          : name === 'workflows'
            ? (await workflowInUse(m, accountId, id)) && 'projects use this workflow'
            : false;
    if (use) throw new TasksError('TASK_DETAIL_CONFLICT', `Still in use: ${use}`, { meta: { kind: name } });
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
        join(
          `r.${operand.property} ${SQL_COMPARISONS[operand.op]} :${param}${like ? ` ${LIKE_ESCAPE}` : ''}`,
          {
            [param]: value,
          },
        );
      }
    });
  }
}
