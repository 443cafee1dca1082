import { Injectable } from '@nestjs/common';
import { Not } from 'typeorm';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import type { RangeFilter, SearchPage, SortKey } from '../common/search';
import { Database } from '../database/database';
import { fetchPage, whereRange } from '../database/search-query';
import { fromSqlDateTime } from '../database/sql-time';
import { IdempotencyRequest, IdempotencyService } from '../idempotency/idempotency.service';
import { OperationsService, OperationView } from '../operations/operations.service';
import { RateLimitsService } from '../rate-limits/rate-limits.service';
import { CrowdProject, CrowdProjectStatus } from './crowd-project.entity';
import { Pool } from './pool.entity';
import { createOnce, findProject, projectArchived } from './pool-lookups';

export interface CrowdProjectView {
  id: string;
  accountId: number;
  status: CrowdProjectStatus;
  fields: Record<string, unknown>;
  created: Date;
}

export interface CrowdProjectSearch {
  status?: CrowdProjectStatus;
  id?: RangeFilter<number>;
  created?: RangeFilter<Date>;
  sort: SortKey<'id' | 'created' | 'public_name' | 'private_comment'>[];
  limit: number;
}

function toProjectView(row: CrowdProject): CrowdProjectView {
  return {
    id: String(row.id),
    accountId: row.accountId,
    status: row.status,
    fields: JSON.parse(row.body) as Record<string, unknown>,
    created: fromSqlDateTime(row.createdAt)!,
  };
}

function projectColumns(fields: Record<string, unknown>) {
  return {
    publicName: String(fields.public_name ?? ''),
    privateComment: typeof fields.private_comment === 'string' ? fields.private_comment : null,
    body: JSON.stringify(fields),
  };
}

/**
 * v1 crowd projects (docs/v1.md#projects): a task spec and its pools, kept apart from the task
 * store's projects. Archiving writes the new state and an already-SUCCESS operation together.
 */
@Injectable()
export class CrowdProjectsService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly operations: OperationsService,
    private readonly rateLimits: RateLimitsService,
    private readonly idempotency: IdempotencyService,
  ) {}

  async createProject(
    accountId: number,
    fields: Record<string, unknown>,
    idempotency?: IdempotencyRequest,
  ): Promise<CrowdProjectView> {
    return createOnce(
      this.idempotency,
      idempotency,
      accountId,
      { entity: CrowdProject, status: 201, field: 'project_id' },
      async (m) => {
        await this.rateLimits.consume(m, accountId, 'PROJECT_CREATE');
        const row = m.create(CrowdProject, {
          accountId,
          status: 'ACTIVE',
          ...projectColumns(fields),
          createdAt: this.clock.now(),
        });
        const inserted = await m.insert(CrowdProject, row);
        row.id = String(inserted.identifiers[0].id);
        return toProjectView(row);
      },
      (id) => this.getProject(accountId, id),
    );
  }

  async getProject(accountId: number, id: string): Promise<CrowdProjectView> {
    return toProjectView(await this.db.read((m) => findProject(this.db, m, accountId, id)));
  }

  async searchProjects(accountId: number, query: CrowdProjectSearch): Promise<SearchPage<CrowdProjectView>> {
    const page = await this.db.read((m) => {
      const qb = m.createQueryBuilder(CrowdProject, 'p').where('p.account_id = :accountId', { accountId });
      if (query.status) qb.andWhere('p.status = :status', { status: query.status });
      whereRange(qb, 'p.id', query.id);
      whereRange(qb, 'p.created_at', query.created);
      return fetchPage(
        qb,
        {
          id: 'p.id',
          created: 'p.created_at',
          public_name: 'p.public_name',
          private_comment: 'p.private_comment',
        },
        'p.id',
        query.sort,
        query.limit,
      );
    });
    return { items: page.items.map(toProjectView), hasMore: page.hasMore };
  }

  async updateProject(
    accountId: number,
    id: string,
    fields: Record<string, unknown>,
  ): Promise<CrowdProjectView> {
    return this.db.transaction(async (m) => {
      const row = await findProject(this.db, m, accountId, id, true);
      if (row.status !== 'ACTIVE') throw projectArchived(id);
      Object.assign(row, projectColumns(fields));
      await m.update(CrowdProject, { id: row.id }, projectColumns(fields));
      return toProjectView(row);
    });
  }

  /** Always an operation, even when already archived: toloka-kit parses a body. */
  async archiveProject(accountId: number, id: string): Promise<OperationView> {
    return this.db.transaction(async (m) => {
      const row = await findProject(this.db, m, accountId, id, true);
      const open = await m.count(Pool, { where: { accountId, projectId: row.id, status: Not('ARCHIVED') } });
      if (open > 0) {
        throw new DomainError(
          'PROJECT_UNARCHIVED_POOLS',
          `Project ${id} has ${open} pool(s) that are not archived`,
        );
      }
      if (row.status !== 'ARCHIVED') await m.update(CrowdProject, { id: row.id }, { status: 'ARCHIVED' });
      return this.operations.recordFinished(m, {
        accountId,
        type: 'PROJECT.ARCHIVE',
        parameters: { project_id: String(row.id) },
        details: {},
      });
    });
  }
}
