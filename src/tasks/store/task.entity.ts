import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One row per task, for both task faces. Ids come from TaskIdAllocator, never from the database.
 * The generated `project_key`/`parent_key` columns (COALESCE(…, 0)) exist in the table for the
 * ordering index and are deliberately not mapped here. Writes go through the Tasks services' SQL.
 */
@Entity('tasks')
export class Task {
  @PrimaryColumn({ type: 'int' })
  id: number;

  @Column({ name: 'account_id', type: 'int' })
  accountId: number;

  @Column({ name: 'project_id', type: 'int', nullable: true })
  projectId: number | null;

  @Column({ name: 'parent_id', type: 'int', nullable: true })
  parentId: number | null;

  /**
   * Sparse order key within (account, project, parent): siblings read in ascending keys, with gaps
   * between them (src/tasks/store/order-keys.ts). Dense positions are counted on read.
   */
  @Column({ name: 'sort_key', type: 'bigint' })
  sortKey: string;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'boolean', default: false })
  closed: boolean;

  @Column({ type: 'boolean', default: false })
  collapsed: boolean;

  @Column({ name: 'due_at', type: 'datetime', precision: 3, nullable: true })
  dueAt: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3, nullable: true })
  createdAt: Date | null;

  @Column({ name: 'closed_at', type: 'datetime', precision: 3, nullable: true })
  closedAt: Date | null;

  @Column({ name: 'edited_at', type: 'datetime', precision: 3, nullable: true })
  editedAt: Date | null;

  @Column({ type: 'int', nullable: true })
  priority: number | null;

  /** Custom keys of the widget, a JSON object as text. */
  @Column({ type: 'text', nullable: true })
  extra: string | null;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}

/** `assigned` of a task, in the order sent; v2's single assignee is position 0. */
@Entity('task_assignees')
export class TaskAssignee {
  @PrimaryColumn({ name: 'task_id', type: 'int' })
  taskId: number;

  @PrimaryColumn({ name: 'person_id', type: 'int' })
  personId: number;

  @Column({ name: 'account_id', type: 'int' })
  accountId: number;

  @Column({ type: 'int' })
  position: number;
}

/** The account's tag list (the widget's `tags`), in order. */
@Entity('account_tags')
export class AccountTag {
  @PrimaryColumn({ name: 'account_id', type: 'int' })
  accountId: number;

  @PrimaryColumn({ type: 'int' })
  position: number;

  @Column({ type: 'varchar', length: 255 })
  name: string;
}
