import type { ObjectLiteral } from 'typeorm';
import { Person } from '../store/person.entity';
import { Project } from '../store/project.entity';
import { Task } from '../store/task.entity';
import {
  Attachment,
  Comment,
  CustomField,
  Membership,
  TaskDependency,
  TaskList,
  Template,
  Todo,
  Workflow,
  WorkflowStatus,
} from './task-details.entities';

// The kinds of records around tasks that the v2 face manages as resources of their own.

export interface Owned extends ObjectLiteral {
  id: number;
  accountId: number;
}

type Reference = new () => Owned;

/** What the store needs to know about one kind of record. */
export interface RecordKind<E extends Owned> {
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

export const snakeCase = (property: string) => property.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
