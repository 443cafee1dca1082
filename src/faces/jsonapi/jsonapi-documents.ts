import { Injectable } from '@nestjs/common';
import { RecordQuery, TaskReadModel } from '../../tasks/read/task-read-model.service';
import { TasksError } from '../../tasks/tasks.errors';
import { compoundDocument, pageMeta, ResourceObject } from './jsonapi-document';
import { includeTree, JsonApiGraph } from './jsonapi-graph';
import { JsonApiQuery, MAX_PAGE_SIZE } from './jsonapi-query';

const NOUNS = { projects: 'project', people: 'person', tasks: 'task' } as const;

/** The v2 face's presenter: the documents its routes answer, read from the store. */
@Injectable()
export class JsonApiDocuments {
  constructor(
    private readonly graph: JsonApiGraph,
    private readonly reads: TaskReadModel,
  ) {}

  /** One project or person; a missing one is a 404. */
  async one(type: 'projects' | 'people', accountId: number, id: number) {
    const [resource] = await this.graph.byIds(accountId, type, [id]);
    if (!resource) throw new TasksError('TASK_DETAIL_NOT_FOUND', `No ${NOUNS[type]} ${id}`);
    return compoundDocument(resource);
  }

  /** A page of projects or people, optionally filtered by one exact attribute. */
  async page(
    type: 'projects' | 'people',
    accountId: number,
    query: JsonApiQuery,
    filterBy: 'name' | 'email',
  ) {
    const equal = query.filter.operands.find((o) => 'attribute' in o && o.attribute === filterBy) as
      | { value: string }
      | undefined;
    const page = await this.reads.page(
      type,
      accountId,
      equal ? { property: filterBy, value: equal.value } : null,
      {
        offset: (query.page.number - 1) * query.page.size,
        limit: query.page.size,
      },
    );
    const data = await this.graph.byIds(accountId, type, page.ids);
    return compoundDocument(data, [], {
      fields: query.fields,
      meta: pageMeta(page.total, query.page, MAX_PAGE_SIZE),
    });
  }

  /**
   * Tasks with what `include` reaches: one (`single`) or a list. A single task that is gone is a
   * 404 (`missing` says how to word it).
   */
  async tasks(
    accountId: number,
    ids: number[],
    options: {
      single: boolean;
      query?: Pick<JsonApiQuery, 'include' | 'fields'>;
      meta?: object;
      missing?: string;
    },
  ) {
    const data = await this.graph.taskResources(accountId, ids);
    if (options.single && data.length === 0 && options.missing)
      throw new TasksError('TASK_NOT_FOUND', options.missing);
    return this.withIncluded(accountId, options.single ? data[0] : data, data, options.query, options.meta);
  }

  /** A page of tasks, filtered and sorted. */
  async taskPage(accountId: number, query: JsonApiQuery, search: RecordQuery & { templates: boolean }) {
    const page = await this.reads.taskPage(accountId, search);
    const data = await this.graph.taskResources(accountId, page.ids);
    return this.withIncluded(accountId, data, data, query, pageMeta(page.total, query.page, MAX_PAGE_SIZE));
  }

  private async withIncluded(
    accountId: number,
    primary: ResourceObject | ResourceObject[],
    sources: ResourceObject[],
    query: Pick<JsonApiQuery, 'include' | 'fields'> = { include: [], fields: {} },
    meta?: object,
  ) {
    const included = await this.graph.include(accountId, sources, includeTree(query.include));
    return compoundDocument(primary, included, {
      fields: query.fields,
      includeRequested: query.include.length > 0,
      ...(meta ? { meta } : {}),
    });
  }
}
