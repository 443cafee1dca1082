import { MigrationInterface, QueryRunner, Table, TableForeignKey } from 'typeorm';
import { accountForeignKey, createdAtColumn, idColumn, timeColumn } from '../migration-columns';

/**
 * The task store shared by the /todo and /api/v2 faces (docs/architecture.md#the-task-store).
 * Ordering (docs/todo.md#ordering): positions 0..n-1 per sibling list (account, project, parent),
 * enforced by a unique index over generated key columns in which "none" is 0, so that NULL
 * project/parent compare equal. Those columns are added with raw SQL per dialect; TypeORM's SQLite
 * runner rebuilds a table on addColumn and would drop them, so later migrations that touch
 * `tasks` on SQLite must use raw `ALTER TABLE tasks ADD COLUMN`.
 */
export class CreateTasks1763800100000 implements MigrationInterface {
  name = 'CreateTasks1763800100000';

  // eslint-disable-next-line max-lines-per-function -- a merged migration is never edited, only commented
  async up(queryRunner: QueryRunner): Promise<void> {
    const mysql = queryRunner.connection.options.type === 'mysql';

    await queryRunner.createTable(
      new Table({
        name: 'projects',
        columns: [
          idColumn(),
          { name: 'account_id', type: 'int' },
          { name: 'name', type: 'varchar', length: '255' },
          createdAtColumn(),
        ],
        indices: [{ columnNames: ['account_id', 'id'] }],
        foreignKeys: [accountForeignKey()],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'people',
        columns: [
          idColumn(),
          { name: 'account_id', type: 'int' },
          { name: 'first_name', type: 'varchar', length: '255' },
          { name: 'last_name', type: 'varchar', length: '255', default: "''" },
          { name: 'avatar_url', type: 'varchar', length: '2048', isNullable: true },
          { name: 'color', type: 'varchar', length: '64', isNullable: true },
          createdAtColumn(),
        ],
        indices: [{ columnNames: ['account_id', 'id'] }],
        foreignKeys: [accountForeignKey()],
      }),
    );

    // Task ids come from `id_allocators` (never auto-increment): a clone takes a whole range in
    // one statement, and an explicitly requested id bumps the counter past itself.
    await queryRunner.createTable(
      new Table({
        name: 'tasks',
        columns: [
          { name: 'id', type: 'int', isPrimary: true },
          { name: 'account_id', type: 'int' },
          { name: 'project_id', type: 'int', isNullable: true },
          { name: 'parent_id', type: 'int', isNullable: true },
          { name: 'position', type: 'int' },
          // /todo `text` ⇔ v2 `title`
          { name: 'title', type: 'text' },
          // /todo `checked` ⇔ v2 closed; `completion_date` ⇔ `closed_at`
          { name: 'closed', type: 'boolean', default: 0 },
          { name: 'collapsed', type: 'boolean', default: 0 },
          timeColumn('due_at', { nullable: true }),
          timeColumn('created_at', { nullable: true }),
          timeColumn('closed_at', { nullable: true }),
          timeColumn('edited_at', { nullable: true }),
          { name: 'priority', type: 'int', isNullable: true },
          // The widget's custom keys (docs/todo.md#task), a JSON object serialized as text.
          { name: 'extra', type: 'text', isNullable: true },
          timeColumn('updated_at'),
        ],
        foreignKeys: [accountForeignKey()],
      }),
    );
    if (mysql) {
      await queryRunner.query(
        'ALTER TABLE `tasks` ADD COLUMN `project_key` INT AS (COALESCE(`project_id`, 0)) STORED, ' +
          'ADD COLUMN `parent_key` INT AS (COALESCE(`parent_id`, 0)) STORED',
      );
    } else {
      await queryRunner.query(
        'ALTER TABLE "tasks" ADD COLUMN "project_key" INTEGER GENERATED ALWAYS AS (COALESCE("project_id", 0)) VIRTUAL',
      );
      await queryRunner.query(
        'ALTER TABLE "tasks" ADD COLUMN "parent_key" INTEGER GENERATED ALWAYS AS (COALESCE("parent_id", 0)) VIRTUAL',
      );
    }
    const q = mysql ? '`' : '"';
    await queryRunner.query(
      `CREATE UNIQUE INDEX ${q}uq_tasks_sibling_position${q} ON ${q}tasks${q} ` +
        `(${q}account_id${q}, ${q}project_key${q}, ${q}parent_key${q}, ${q}position${q})`,
    );
    await queryRunner.query(
      `CREATE INDEX ${q}ix_tasks_parent${q} ON ${q}tasks${q} (${q}account_id${q}, ${q}parent_id${q})`,
    );

    await queryRunner.createTable(
      new Table({
        name: 'task_assignees',
        columns: [
          { name: 'task_id', type: 'int', isPrimary: true },
          { name: 'person_id', type: 'int', isPrimary: true },
          { name: 'account_id', type: 'int' },
          // Order of `assigned` as sent; v2's single assignee is the one at position 0.
          { name: 'position', type: 'int' },
        ],
        indices: [{ columnNames: ['account_id', 'task_id'] }, { columnNames: ['person_id'] }],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['task_id'],
            referencedTableName: 'tasks',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
          new TableForeignKey({
            columnNames: ['person_id'],
            referencedTableName: 'people',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'account_tags',
        columns: [
          { name: 'account_id', type: 'int', isPrimary: true },
          { name: 'position', type: 'int', isPrimary: true },
          { name: 'name', type: 'varchar', length: '255' },
        ],
        foreignKeys: [accountForeignKey()],
      }),
    );

    // One row per (account, project key; 0 = no project), locked FOR UPDATE in ascending key order
    // by every structural change of that project's tasks (docs/todo.md#concurrency).
    await queryRunner.createTable(
      new Table({
        name: 'task_list_locks',
        columns: [
          { name: 'account_id', type: 'int', isPrimary: true },
          { name: 'project_key', type: 'int', isPrimary: true },
        ],
        foreignKeys: [accountForeignKey()],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'id_allocators',
        columns: [
          { name: 'name', type: 'varchar', length: '64', isPrimary: true },
          { name: 'next_id', type: 'int' },
        ],
      }),
    );
    await queryRunner.query(
      `INSERT INTO ${q}id_allocators${q} (${q}name${q}, ${q}next_id${q}) VALUES ('tasks', 1)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('id_allocators');
    await queryRunner.dropTable('task_list_locks');
    await queryRunner.dropTable('account_tags');
    await queryRunner.dropTable('task_assignees');
    await queryRunner.dropTable('tasks');
    await queryRunner.dropTable('people');
    await queryRunner.dropTable('projects');
  }
}
