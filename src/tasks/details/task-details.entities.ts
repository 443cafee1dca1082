import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

// The rows around a task that the v2 face's copy flags select (docs/v2.md#flags): workflows and
// statuses, task lists, project memberships, custom fields, todos, comments, attachments,
// subscribers, dependencies and templates. Every row carries its account.

@Entity('workflows')
export class Workflow {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ name: 'account_id', type: 'int' }) accountId: number;
  @Column({ type: 'varchar', length: 255 }) name: string;
  @Column({ name: 'created_at', type: 'datetime', precision: 3 }) createdAt: Date;
}

export const STATUS_CATEGORY = { notStarted: 1, started: 2, closed: 3 } as const;

@Entity('workflow_statuses')
export class WorkflowStatus {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ name: 'account_id', type: 'int' }) accountId: number;
  @Column({ name: 'workflow_id', type: 'int' }) workflowId: number;
  @Column({ type: 'varchar', length: 255 }) name: string;
  /** 1 not started, 2 started, 3 closed. */
  @Column({ name: 'category_id', type: 'int' }) categoryId: number;
  @Column({ type: 'int', default: 0 }) position: number;
  @Column({ name: 'color_id', type: 'int', nullable: true }) colorId: number | null;
  @Column({ name: 'created_at', type: 'datetime', precision: 3 }) createdAt: Date;
}

@Entity('task_lists')
export class TaskList {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ name: 'account_id', type: 'int' }) accountId: number;
  @Column({ name: 'project_id', type: 'int' }) projectId: number;
  @Column({ type: 'varchar', length: 255 }) name: string;
  @Column({ type: 'int', default: 0 }) position: number;
  @Column({ name: 'archived_at', type: 'datetime', precision: 3, nullable: true }) archivedAt: Date | null;
  @Column({ name: 'created_at', type: 'datetime', precision: 3 }) createdAt: Date;
}

@Entity('memberships')
export class Membership {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ name: 'account_id', type: 'int' }) accountId: number;
  @Column({ name: 'project_id', type: 'int' }) projectId: number;
  @Column({ name: 'person_id', type: 'int' }) personId: number;
  @Column({ name: 'created_at', type: 'datetime', precision: 3 }) createdAt: Date;
}

export const CUSTOM_FIELD_TYPE = {
  text: 1,
  number: 2,
  select: 3,
  date: 4,
  person: 5,
  attachment: 6,
} as const;

export interface CustomFieldOption {
  id: number;
  value: string;
}

@Entity('custom_fields')
export class CustomField {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ name: 'account_id', type: 'int' }) accountId: number;
  @Column({ type: 'varchar', length: 255 }) name: string;
  @Column({ name: 'customizable_type', type: 'varchar', length: 32 }) customizableType: string;
  @Column({ name: 'data_type_id', type: 'int' }) dataTypeId: number;
  /** Select options, JSON `[{id, value}]`. */
  @Column({ type: 'text', nullable: true }) options: string | null;
  @Column({ name: 'archived_at', type: 'datetime', precision: 3, nullable: true }) archivedAt: Date | null;
  @Column({ name: 'created_at', type: 'datetime', precision: 3 }) createdAt: Date;
}

@Entity('todos')
export class Todo {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ name: 'account_id', type: 'int' }) accountId: number;
  @Column({ name: 'task_id', type: 'int' }) taskId: number;
  @Column({ type: 'text' }) description: string;
  @Column({ type: 'int', default: 0 }) position: number;
  @Column({ name: 'closed_at', type: 'datetime', precision: 3, nullable: true }) closedAt: Date | null;
  @Column({ name: 'due_date', type: 'varchar', length: 10, nullable: true }) dueDate: string | null;
  @Column({ name: 'due_time', type: 'varchar', length: 5, nullable: true }) dueTime: string | null;
  @Column({ name: 'assignee_id', type: 'int', nullable: true }) assigneeId: number | null;
  @Column({ name: 'created_at', type: 'datetime', precision: 3 }) createdAt: Date;
}

@Entity('comments')
export class Comment {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ name: 'account_id', type: 'int' }) accountId: number;
  @Column({ name: 'task_id', type: 'int' }) taskId: number;
  @Column({ type: 'text' }) body: string;
  @Column({ name: 'creator_id', type: 'int', nullable: true }) creatorId: number | null;
  @Column({ name: 'pinned_at', type: 'datetime', precision: 3, nullable: true }) pinnedAt: Date | null;
  @Column({ type: 'boolean', default: false }) draft: boolean;
  @Column({ type: 'boolean', default: false }) hidden: boolean;
  @Column({ name: 'deleted_at', type: 'datetime', precision: 3, nullable: true }) deletedAt: Date | null;
  @Column({ name: 'created_at', type: 'datetime', precision: 3 }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'datetime', precision: 3 }) updatedAt: Date;
}

/** Metadata of a stored file; the bytes live in `blobs` (raw SQL: the column type differs per dialect). */
@Entity('attachments')
export class Attachment {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ name: 'account_id', type: 'int' }) accountId: number;
  @Column({ name: 'task_id', type: 'int', nullable: true }) taskId: number | null;
  @Column({ name: 'comment_id', type: 'int', nullable: true }) commentId: number | null;
  @Column({ type: 'varchar', length: 255 }) name: string;
  @Column({ name: 'content_type', type: 'varchar', length: 255, default: 'application/octet-stream' })
  contentType: string;
  @Column({ type: 'int', default: 0 }) size: number;
  @Column({ name: 'blob_id', type: 'int', nullable: true }) blobId: number | null;
  @Column({ name: 'created_at', type: 'datetime', precision: 3 }) createdAt: Date;
}

@Entity('task_subscribers')
export class TaskSubscriber {
  @PrimaryColumn({ name: 'task_id', type: 'int' }) taskId: number;
  @PrimaryColumn({ name: 'person_id', type: 'int' }) personId: number;
  @Column({ name: 'account_id', type: 'int' }) accountId: number;
}

export const DEPENDENCY_TYPE = { blocking: 1, waitingOn: 2, linked: 3 } as const;

/** Row (task A, dependent B, 1) reads "A blocks B"; its reverse (B, A, 2) "B waits on A". */
@Entity('task_dependencies')
export class TaskDependency {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ name: 'account_id', type: 'int' }) accountId: number;
  @Column({ name: 'task_id', type: 'int' }) taskId: number;
  @Column({ name: 'dependent_task_id', type: 'int' }) dependentTaskId: number;
  @Column({ name: 'type_id', type: 'int' }) typeId: number;
  @Column({ name: 'reverse_id', type: 'int', nullable: true }) reverseId: number | null;
  @Column({ name: 'created_at', type: 'datetime', precision: 3 }) createdAt: Date;
}

@Entity('templates')
export class Template {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ name: 'account_id', type: 'int' }) accountId: number;
  @Column({ type: 'varchar', length: 255 }) name: string;
  @Column({ type: 'text', nullable: true }) description: string | null;
  @Column({ name: 'target_type', type: 'varchar', length: 32 }) targetType: string;
  @Column({ name: 'target_id', type: 'int' }) targetId: number;
  @Column({ name: 'created_at', type: 'datetime', precision: 3 }) createdAt: Date;
}

export const TASK_DETAIL_ENTITIES = [
  Workflow,
  WorkflowStatus,
  TaskList,
  Membership,
  CustomField,
  Todo,
  Comment,
  Attachment,
  TaskSubscriber,
  TaskDependency,
  Template,
];
