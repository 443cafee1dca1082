import { pushTo } from '../../common/group-by';
import { Injectable } from '@nestjs/common';
import { RecordKindName, RecordOf, TaskDetailsService } from '../../tasks/details/task-details.service';
import {
  PersonRecord,
  ProjectRecord,
  TaskCounters,
  TaskReadModel,
  TaskRecord,
} from '../../tasks/read/task-read-model.service';
import { Relationship, ResourceObject, toMany, toOne } from './jsonapi-document';
import type { RelationshipGraph } from './jsonapi-query';
import { isoOrNull, JsonApiResource } from './jsonapi-resource';
import {
  customFieldsResource,
  membershipsResource,
  taskListsResource,
} from './resources/project-setup.resources';
import {
  attachmentsResource,
  commentsResource,
  taskDependenciesResource,
  templatesResource,
  todosResource,
} from './resources/task-item.resources';
import { workflowsResource, workflowStatusesResource } from './resources/workflow.resources';

// The v2 object graph: how each type serializes, and how `include` paths are followed from any
// type to its related resources, a level at a time (a fixed number of queries per level).

/** type → relationship → target type; every includable path follows these edges. */
export const RELATIONSHIPS: RelationshipGraph = {
  tasks: {
    project: 'projects',
    task_list: 'task_lists',
    workflow_status: 'workflow_statuses',
    parent_task: 'tasks',
    assignee: 'people',
    creator: 'people',
    template_object: 'templates',
    subtasks: 'tasks',
    todos: 'todos',
    comments: 'comments',
    attachments: 'attachments',
    subscribers: 'people',
    task_dependencies: 'task_dependencies',
  },
  todos: { task: 'tasks', assignee: 'people' },
  comments: { task: 'tasks', creator: 'people' },
  attachments: { task: 'tasks', comment: 'comments' },
  task_dependencies: { task: 'tasks', dependent_task: 'tasks', reverse_dependency: 'task_dependencies' },
  task_lists: { project: 'projects' },
  workflow_statuses: { workflow: 'workflows' },
  projects: { workflow: 'workflows' },
  templates: { task: 'tasks' },
  people: {},
  workflows: {},
};

const DETAIL_RESOURCES: Record<string, JsonApiResource<RecordKindName, object, object>> = Object.fromEntries(
  [
    workflowsResource,
    workflowStatusesResource,
    taskListsResource,
    membershipsResource,
    customFieldsResource,
    todosResource,
    commentsResource,
    attachmentsResource,
    taskDependenciesResource,
    templatesResource,
  ].map((r) => [r.type, r as unknown as JsonApiResource<RecordKindName, object, object>]),
);

const TO_MANY = new Set(['subtasks', 'todos', 'comments', 'attachments', 'subscribers', 'task_dependencies']);

function dateOf(date: Date | null): string | null {
  return date ? date.toISOString().slice(0, 10) : null;
}

export function taskResource(task: TaskRecord, counters: TaskCounters | undefined): ResourceObject {
  const c = counters;
  return {
    type: 'tasks',
    id: String(task.id),
    attributes: {
      title: task.title,
      description: task.description,
      // Task ids are unique across the store, so a task without its own number shows its id.
      number: String(task.taskNumber ?? task.id),
      task_number: String(task.taskNumber ?? task.id),
      private: task.private,
      start_date: task.startDate,
      due_date: dateOf(task.dueAt),
      due_time: task.dueTime,
      closed: task.closed,
      closed_at: isoOrNull(task.closedAt),
      initial_estimate: task.initialEstimate,
      remaining_time: task.remainingTime,
      worked_time: 0,
      billable_time: 0,
      booked_time: 0,
      future_booked_time: 0,
      bookings_count: 0,
      repeat_schedule_id: task.repeatScheduleId,
      repeat_on_interval: task.repeatOnInterval,
      repeat_on_monthday: task.repeatOnMonthday,
      repeat_on_weekday: task.repeatOnWeekday,
      repeat_on_date: task.repeatOnDate,
      repeat_origin_id: task.repeatOriginId,
      placement: task.placement ?? task.position,
      subtask_placement: task.position,
      type_id: task.typeId ?? (task.parentId === null ? 1 : 2),
      tag_list: task.tagList,
      custom_fields: task.customFields,
      todo_count: c?.todoCount ?? 0,
      open_todo_count: c?.openTodoCount ?? 0,
      subtask_count: c?.subtaskCount ?? 0,
      open_subtask_count: c?.openSubtaskCount ?? 0,
      task_dependency_count: c?.dependencyCount ?? 0,
      blocking_dependency_count: c?.blockingCount ?? 0,
      waiting_on_dependency_count: c?.waitingOnCount ?? 0,
      linked_dependency_count: c?.linkedCount ?? 0,
      todo_assignee_ids: c?.todoAssigneeIds ?? [],
      created_at: isoOrNull(task.createdAt),
      updated_at: isoOrNull(task.updatedAt),
      last_activity_at: isoOrNull(task.updatedAt),
      deleted_at: isoOrNull(task.deletedAt),
    },
    relationships: {
      project: toOne('projects', task.projectId),
      task_list: toOne('task_lists', task.taskListId),
      workflow_status: toOne('workflow_statuses', task.workflowStatusId),
      parent_task: toOne('tasks', task.parentId),
      assignee: toOne('people', task.assigneeId),
      creator: toOne('people', task.creatorId),
      template_object: toOne('templates', task.templateId),
      subtasks: toMany('tasks', undefined),
      todos: toMany('todos', undefined),
      comments: toMany('comments', undefined),
      attachments: toMany('attachments', undefined),
      subscribers: toMany('people', undefined),
      task_dependencies: toMany('task_dependencies', undefined),
    },
    links: { self: `/api/v2/tasks/${task.id}` },
  };
}

export function personResource(person: PersonRecord): ResourceObject {
  return {
    type: 'people',
    id: String(person.id),
    attributes: {
      first_name: person.firstName,
      last_name: person.lastName,
      name: person.lastName ? `${person.firstName} ${person.lastName}` : person.firstName,
      email: person.email,
      avatar_url: person.avatarUrl,
      color: person.color,
      deactivated_at: isoOrNull(person.deactivatedAt),
      created_at: isoOrNull(person.createdAt),
    },
    relationships: {},
    links: { self: `/api/v2/people/${person.id}` },
  };
}

export function projectResource(project: ProjectRecord): ResourceObject {
  return {
    type: 'projects',
    id: String(project.id),
    attributes: {
      name: project.name,
      task_custom_fields_ids: project.taskCustomFieldsIds,
      created_at: isoOrNull(project.createdAt),
    },
    relationships: { workflow: toOne('workflows', project.workflowId) },
    links: { self: `/api/v2/projects/${project.id}` },
  };
}

function detailResource(type: string, record: RecordOf<RecordKindName>): ResourceObject {
  const resource = DETAIL_RESOURCES[type];
  return {
    type,
    id: String(record.id),
    attributes: resource.attributes(record),
    relationships: resource.relationships(record),
    links: { self: `/api/v2/${type}/${record.id}` },
  };
}

interface IncludeTree {
  [relationship: string]: IncludeTree;
}

export function includeTree(paths: string[]): IncludeTree {
  const tree: IncludeTree = {};
  for (const path of paths) {
    let node = tree;
    for (const name of path.split('.')) node = node[name] ??= {};
  }
  return tree;
}

const ids = (values: Array<number | null | undefined>) => [
  ...new Set(values.filter((v): v is number => typeof v === 'number')),
];

function linkedId(resource: ResourceObject, relationship: string): number | null {
  const rel = resource.relationships?.[relationship] as Relationship | undefined;
  if (!rel || !('data' in rel) || rel.data === null || Array.isArray(rel.data)) return null;
  return Number(rel.data.id);
}

/** Loads resources by type and id, and follows include trees from any resource. */
@Injectable()
export class JsonApiGraph {
  constructor(
    private readonly tasks: TaskReadModel,
    private readonly details: TaskDetailsService,
  ) {}

  async taskResources(accountId: number, taskIds: number[]): Promise<ResourceObject[]> {
    // Two independent reads: on MySQL/MariaDB they run side by side on two connections.
    const [records, counters] = await Promise.all([
      this.tasks.tasks(accountId, taskIds),
      this.tasks.counters(accountId, taskIds),
    ]);
    return records.map((t) => taskResource(t, counters.get(t.id)));
  }

  async byIds(accountId: number, type: string, idList: number[]): Promise<ResourceObject[]> {
    if (idList.length === 0) return [];
    if (type === 'tasks') return this.taskResources(accountId, idList);
    if (type === 'people') return (await this.tasks.people(accountId, idList)).map(personResource);
    if (type === 'projects') return (await this.tasks.projects(accountId, idList)).map(projectResource);
    const records = await this.details.related(type as RecordKindName, accountId, 'id' as never, idList);
    return records.map((r) => detailResource(type, r));
  }

  /**
   * Follows `tree` from `sources`, filling each followed to-many relationship's linkage on the
   * sources, and returns every resource reached (duplicates are removed by the document builder).
   */
  async include(
    accountId: number,
    sources: ResourceObject[],
    tree: IncludeTree,
    // One object per type+id across the whole document, primary data included: a resource reached
    // by two paths gets the linkage of both, so every included resource stays linked (full linkage).
    seen: Map<string, ResourceObject> = new Map(sources.map((r) => [`${r.type}:${r.id}`, r])),
  ): Promise<ResourceObject[]> {
    const included: ResourceObject[] = [];
    for (const [relationship, subtree] of Object.entries(tree)) {
      const byType = new Map<string, ResourceObject[]>();
      for (const source of sources) pushTo(byType, source.type, source);
      for (const [type, group] of byType) {
        const target = RELATIONSHIPS[type]?.[relationship];
        if (!target) continue;
        const loaded =
          TO_MANY.has(relationship) && type === 'tasks'
            ? await this.toManyOfTasks(accountId, group, relationship, target)
            : await this.byIds(accountId, target, ids(group.map((s) => linkedId(s, relationship))));
        const reached = loaded.map((r) => {
          const key = `${r.type}:${r.id}`;
          const known = seen.get(key);
          if (known) return known;
          seen.set(key, r);
          return r;
        });
        included.push(...reached);
        if (Object.keys(subtree).length)
          included.push(...(await this.include(accountId, reached, subtree, seen)));
      }
    }
    return included;
  }

  private async toManyOfTasks(
    accountId: number,
    tasks: ResourceObject[],
    relationship: string,
    target: string,
  ): Promise<ResourceObject[]> {
    const taskIds = tasks.map((t) => Number(t.id));
    let byTask: Map<number, number[]>;
    if (relationship === 'subtasks') {
      byTask = await this.tasks.childrenOf(accountId, taskIds);
    } else if (relationship === 'subscribers') {
      byTask = await this.tasks.subscribersOf(accountId, taskIds);
    } else {
      const kind = relationship as 'todos' | 'comments' | 'attachments' | 'task_dependencies';
      const records = await this.details.related(kind, accountId, 'taskId', taskIds);
      const sorted =
        kind === 'todos'
          ? [...records].sort(
              (a, b) => (a as { position: number }).position - (b as { position: number }).position,
            )
          : records;
      byTask = new Map(taskIds.map((id) => [id, [] as number[]]));
      for (const record of sorted) byTask.get((record as { taskId: number }).taskId)?.push(record.id);
    }
    for (const task of tasks) {
      task.relationships![relationship] = toMany(target, byTask.get(Number(task.id)) ?? []);
    }
    const targetIds = [...new Set([...byTask.values()].flat())];
    const resources = await this.byIds(accountId, target, targetIds);
    const order = new Map(targetIds.map((id, i) => [String(id), i]));
    return resources.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  }
}
