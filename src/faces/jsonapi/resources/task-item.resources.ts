import { DEMO } from '../../../demo/demo-ids';
import { toOne } from '../jsonapi-document';
import { defineResource, isoOrNull } from '../jsonapi-resource';
import {
  BooleanAttribute,
  DateAttribute,
  DateTimeAttribute,
  IdAttribute,
  IntAttribute,
  MediaTypeAttribute,
  TextAttribute,
  TimeAttribute,
} from '../jsonapi.validators';

const TEXT_MAX = 65535;

export class TodoAttributes {
  @IdAttribute({ required: true })
  task_id: number;

  @TextAttribute(TEXT_MAX, { required: true, example: 'Send the welcome pack' })
  description: string;

  @IntAttribute(0, 1000000, { example: 1 })
  position?: number;

  @BooleanAttribute({ description: 'true closes the todo (closed_at = now)' })
  closed?: boolean;

  @IdAttribute({ nullable: true, description: 'A person' })
  assignee_id?: number | null;

  @DateAttribute({ nullable: true })
  due_date?: string | null;

  @TimeAttribute({ nullable: true })
  due_time?: string | null;
}

export class TodoUpdateAttributes {
  @TextAttribute(TEXT_MAX, { example: 'Send the welcome pack' })
  description?: string;

  @IntAttribute(0, 1000000)
  position?: number;

  @BooleanAttribute({ description: 'true closes the todo (closed_at = now), false reopens it' })
  closed?: boolean;

  @IdAttribute({ nullable: true })
  assignee_id?: number | null;

  @DateAttribute({ nullable: true })
  due_date?: string | null;

  @TimeAttribute({ nullable: true })
  due_time?: string | null;
}

export const todosResource = defineResource({
  kind: 'todos',
  type: 'todos',
  noun: 'todo',
  createAttributes: TodoAttributes,
  updateAttributes: TodoUpdateAttributes,
  relationshipAttributes: { task: 'task_id', assignee: 'assignee_id' },
  filters: {
    task_id: { property: 'taskId', ops: ['eq'], value: 'int' },
    assignee_id: { property: 'assigneeId', ops: ['eq'], value: 'int' },
  },
  sorts: { position: 'position', created_at: 'createdAt' },
  toValues: (a: Partial<TodoAttributes>, now: Date) => ({
    ...(a.task_id !== undefined ? { taskId: a.task_id } : {}),
    ...(a.description !== undefined ? { description: a.description } : {}),
    ...(a.position !== undefined ? { position: a.position } : {}),
    ...(a.closed !== undefined ? { closedAt: a.closed ? now : null } : {}),
    ...(a.assignee_id !== undefined ? { assigneeId: a.assignee_id } : {}),
    ...(a.due_date !== undefined ? { dueDate: a.due_date } : {}),
    ...(a.due_time !== undefined ? { dueTime: a.due_time } : {}),
  }),
  attributes: (t) => ({
    description: t.description,
    position: t.position,
    closed: t.closedAt !== null,
    closed_at: isoOrNull(t.closedAt),
    due_date: t.dueDate,
    due_time: t.dueTime,
    todoable_type: 'task',
    created_at: isoOrNull(t.createdAt),
  }),
  relationships: (t) => ({ task: toOne('tasks', t.taskId), assignee: toOne('people', t.assigneeId) }),
  examples: {
    create: {
      data: {
        type: 'todos',
        attributes: { task_id: DEMO.v2.tasks.checklist, description: 'Book the meeting room', position: 3 },
      },
    },
    update: { closed: true },
    id: DEMO.v2.todos.contract,
  },
});

export class CommentAttributes {
  @IdAttribute({ required: true })
  task_id: number;

  @TextAttribute(TEXT_MAX, { required: true, example: '<p>Kick-off is on Monday.</p>' })
  body: string;

  @DateTimeAttribute({ nullable: true })
  pinned_at?: string | null;

  @BooleanAttribute({ description: 'A draft is never copied' })
  draft?: boolean;

  @BooleanAttribute({ description: 'A hidden comment is never copied' })
  hidden?: boolean;

  @IdAttribute({ nullable: true, description: 'The person who wrote it' })
  creator_id?: number | null;
}

export class CommentUpdateAttributes {
  @TextAttribute(TEXT_MAX)
  body?: string;

  @DateTimeAttribute({ nullable: true })
  pinned_at?: string | null;

  @BooleanAttribute()
  draft?: boolean;

  @BooleanAttribute()
  hidden?: boolean;
}

export const commentsResource = defineResource({
  kind: 'comments',
  type: 'comments',
  noun: 'comment',
  createAttributes: CommentAttributes,
  updateAttributes: CommentUpdateAttributes,
  relationshipAttributes: { task: 'task_id' },
  filters: { task_id: { property: 'taskId', ops: ['eq'], value: 'int' } },
  sorts: { created_at: 'createdAt' },
  toValues: (a: Partial<CommentAttributes>) => ({
    ...(a.task_id !== undefined ? { taskId: a.task_id } : {}),
    ...(a.body !== undefined ? { body: a.body } : {}),
    ...(a.pinned_at !== undefined ? { pinnedAt: a.pinned_at === null ? null : new Date(a.pinned_at) } : {}),
    ...(a.draft !== undefined ? { draft: a.draft } : {}),
    ...(a.hidden !== undefined ? { hidden: a.hidden } : {}),
    ...(a.creator_id !== undefined ? { creatorId: a.creator_id } : {}),
  }),
  attributes: (c) => ({
    body: c.body,
    commentable_type: 'task',
    commentable_id: c.taskId,
    draft: c.draft,
    hidden: c.hidden,
    pinned_at: isoOrNull(c.pinnedAt),
    created_at: isoOrNull(c.createdAt),
    updated_at: isoOrNull(c.updatedAt),
    deleted_at: isoOrNull(c.deletedAt),
  }),
  relationships: (c) => ({ task: toOne('tasks', c.taskId), creator: toOne('people', c.creatorId) }),
  examples: {
    create: {
      data: {
        type: 'comments',
        attributes: { task_id: DEMO.v2.tasks.checklist, body: '<p>Kick-off is on Monday.</p>' },
      },
    },
    update: { body: '<p>Use the client’s new logo in the welcome pack.</p>' },
    id: DEMO.v2.comment,
  },
});

export class AttachmentAttributes {
  @IdAttribute({ nullable: true, description: 'The task it belongs to (or comment_id)' })
  task_id?: number | null;

  @IdAttribute({ nullable: true, description: 'The comment it belongs to (or task_id)' })
  comment_id?: number | null;

  @TextAttribute(255, { required: true, example: 'welcome.pdf' })
  name: string;

  @MediaTypeAttribute({ example: 'application/pdf' })
  content_type?: string;

  @IntAttribute(0, 2147483647, {
    example: 48213,
    description: 'Bytes of the file, as the client knows it; uploading the content sets the real size',
  })
  size?: number;
}

export class AttachmentUpdateAttributes {
  @TextAttribute(255, { example: 'welcome.pdf' })
  name?: string;
}

export const attachmentsResource = defineResource({
  kind: 'attachments',
  type: 'attachments',
  noun: 'attachment',
  createAttributes: AttachmentAttributes,
  updateAttributes: AttachmentUpdateAttributes,
  relationshipAttributes: { task: 'task_id', comment: 'comment_id' },
  filters: {
    task_id: { property: 'taskId', ops: ['eq'], value: 'int' },
    comment_id: { property: 'commentId', ops: ['eq'], value: 'int' },
  },
  sorts: { name: 'name', created_at: 'createdAt' },
  toValues: (a: Partial<AttachmentAttributes>) => ({
    ...(a.task_id !== undefined ? { taskId: a.task_id } : {}),
    ...(a.comment_id !== undefined ? { commentId: a.comment_id } : {}),
    ...(a.name !== undefined ? { name: a.name } : {}),
    ...(a.content_type !== undefined ? { contentType: a.content_type } : {}),
    ...(a.size !== undefined ? { size: a.size } : {}),
  }),
  attributes: (a) => ({
    name: a.name,
    content_type: a.contentType,
    size: a.size,
    file_size: a.size,
    attachable_type: a.taskId ? 'task' : 'comment',
    url: `/api/v2/attachments/${a.id}/content`,
    created_at: isoOrNull(a.createdAt),
  }),
  relationships: (a) => ({ task: toOne('tasks', a.taskId), comment: toOne('comments', a.commentId) }),
  examples: {
    create: {
      data: {
        type: 'attachments',
        attributes: {
          task_id: DEMO.v2.tasks.checklist,
          name: 'welcome.pdf',
          content_type: 'application/pdf',
        },
      },
    },
    update: { name: 'welcome-letter-2031.txt' },
    id: DEMO.v2.attachment,
  },
});

export class TaskDependencyAttributes {
  @IdAttribute({ required: true, description: 'Task A of "A blocks B"' })
  task_id: number;

  @IdAttribute({ required: true, description: 'Task B of "A blocks B"' })
  dependent_task_id: number;

  @IntAttribute(1, 3, { required: true, description: '1 blocking, 2 waiting on, 3 linked', example: 1 })
  type_id: number;
}

export class TaskDependencyUpdateAttributes {
  @IntAttribute(1, 3, {
    required: true,
    description: '1 blocking, 2 waiting on, 3 linked (the reverse row follows)',
  })
  type_id: number;
}

const DEPENDENCY_NAMES: Record<number, string> = { 1: 'blocking', 2: 'waiting_on', 3: 'linked' };

export const taskDependenciesResource = defineResource({
  kind: 'task_dependencies',
  type: 'task_dependencies',
  noun: 'task dependency',
  createAttributes: TaskDependencyAttributes,
  updateAttributes: TaskDependencyUpdateAttributes,
  relationshipAttributes: { task: 'task_id', dependent_task: 'dependent_task_id' },
  filters: {
    task_id: { property: 'taskId', ops: ['eq'], value: 'int' },
    dependent_task_id: { property: 'dependentTaskId', ops: ['eq'], value: 'int' },
    type_id: { property: 'typeId', ops: ['eq', 'not_eq'], value: 'int' },
  },
  toValues: (a: Partial<TaskDependencyAttributes>) => ({
    ...(a.task_id !== undefined ? { taskId: a.task_id } : {}),
    ...(a.dependent_task_id !== undefined ? { dependentTaskId: a.dependent_task_id } : {}),
    ...(a.type_id !== undefined ? { typeId: a.type_id } : {}),
  }),
  attributes: (d) => ({
    type_id: d.typeId,
    dependency_type: DEPENDENCY_NAMES[d.typeId],
    created_at: isoOrNull(d.createdAt),
  }),
  relationships: (d) => ({
    task: toOne('tasks', d.taskId),
    dependent_task: toOne('tasks', d.dependentTaskId),
    reverse_dependency: toOne('task_dependencies', d.reverseId),
  }),
  examples: {
    create: {
      data: {
        type: 'task_dependencies',
        attributes: {
          task_id: DEMO.v2.tasks.welcomeLetter,
          dependent_task_id: DEMO.v2.tasks.accounts,
          type_id: 1,
        },
      },
    },
    update: { type_id: 3 },
    id: DEMO.v2.dependency,
  },
});

export const templatesResource = defineResource({
  kind: 'templates',
  type: 'templates',
  noun: 'template',
  filters: { target_type: { property: 'targetType', ops: ['eq'], value: 'string' } },
  sorts: { name: 'name', created_at: 'createdAt' },
  toValues: () => ({}),
  attributes: (t) => ({
    name: t.name,
    description: t.description,
    target_type: t.targetType,
    target_id: t.targetId,
    created_at: isoOrNull(t.createdAt),
  }),
  relationships: (t) => ({ task: toOne('tasks', t.targetId) }),
  examples: { id: DEMO.v2.template },
});
