import { MigrationInterface, QueryRunner, Table, TableColumnOptions } from 'typeorm';
import { cascadeTo, createdAtColumn, idColumn, timeColumn } from '../migration-columns';

type Kind = 'int' | 'text' | 'bool' | 'time' | `varchar(${number})`;

// Columns the JSON:API face adds to the task store's shared tables (docs/v2.md#resources).
// SQLite's TypeORM runner rebuilds a table on addColumn and would drop the generated ordering
// columns of `tasks`, so these go in as plain ALTER TABLE … ADD COLUMN on both dialects.
const TASK_COLUMNS: Array<[string, Kind]> = [
  ['description', 'text'],
  ['private', 'bool'],
  ['start_date', 'varchar(10)'],
  ['due_time', 'varchar(5)'],
  ['task_list_id', 'int'],
  ['workflow_status_id', 'int'],
  ['placement', 'int'],
  ['initial_estimate', 'int'],
  ['remaining_time', 'int'],
  ['repeat_schedule_id', 'int'],
  ['repeat_on_interval', 'int'],
  ['repeat_on_monthday', 'int'],
  ['repeat_on_weekday', 'varchar(64)'],
  ['repeat_on_date', 'varchar(10)'],
  ['repeat_origin_id', 'int'],
  ['tag_list', 'text'],
  ['custom_fields', 'text'],
  ['task_number', 'int'],
  ['type_id', 'int'],
  ['creator_id', 'int'],
  ['template_id', 'int'],
  ['deleted_at', 'time'],
];
const PROJECT_COLUMNS: Array<[string, Kind]> = [
  ['workflow_id', 'int'],
  ['task_custom_fields_ids', 'text'],
];
const PEOPLE_COLUMNS: Array<[string, Kind]> = [
  ['email', 'varchar(255)'],
  ['deactivated_at', 'time'],
];

function columnSql(mysql: boolean, name: string, kind: Kind): string {
  const q = mysql ? '`' : '"';
  const type =
    kind === 'int'
      ? mysql
        ? 'INT NULL'
        : 'INTEGER NULL'
      : kind === 'text'
        ? 'TEXT NULL'
        : kind === 'bool'
          ? mysql
            ? 'TINYINT(1) NOT NULL DEFAULT 0'
            : 'BOOLEAN NOT NULL DEFAULT 0'
          : kind === 'time'
            ? mysql
              ? 'DATETIME(3) NULL'
              : 'DATETIME NULL'
            : `${kind.toUpperCase()} NULL`;
  return `${q}${name}${q} ${type}`;
}

async function addColumns(
  queryRunner: QueryRunner,
  table: string,
  columns: Array<[string, Kind]>,
): Promise<void> {
  const mysql = queryRunner.connection.options.type === 'mysql';
  if (mysql) {
    const adds = columns.map(([name, kind]) => `ADD COLUMN ${columnSql(true, name, kind)}`).join(', ');
    await queryRunner.query(`ALTER TABLE \`${table}\` ${adds}`);
  } else {
    for (const [name, kind] of columns) {
      await queryRunner.query(`ALTER TABLE "${table}" ADD COLUMN ${columnSql(false, name, kind)}`);
    }
  }
}

async function dropColumns(
  queryRunner: QueryRunner,
  table: string,
  columns: Array<[string, Kind]>,
): Promise<void> {
  const q = queryRunner.connection.options.type === 'mysql' ? '`' : '"';
  for (const [name] of columns)
    await queryRunner.query(`ALTER TABLE ${q}${table}${q} DROP COLUMN ${q}${name}${q}`);
}

const accountId: TableColumnOptions = { name: 'account_id', type: 'int' };

export class CreateTaskDetails1763800300000 implements MigrationInterface {
  name = 'CreateTaskDetails1763800300000';

  // eslint-disable-next-line max-lines-per-function -- a merged migration is never edited, only commented
  async up(queryRunner: QueryRunner): Promise<void> {
    await addColumns(queryRunner, 'tasks', TASK_COLUMNS);
    await addColumns(queryRunner, 'projects', PROJECT_COLUMNS);
    await addColumns(queryRunner, 'people', PEOPLE_COLUMNS);
    const q = queryRunner.connection.options.type === 'mysql' ? '`' : '"';
    await queryRunner.query(
      `CREATE INDEX ${q}ix_tasks_task_list${q} ON ${q}tasks${q} (${q}account_id${q}, ${q}task_list_id${q}, ${q}placement${q})`,
    );

    const tables: Table[] = [
      new Table({
        name: 'workflows',
        columns: [idColumn(), accountId, { name: 'name', type: 'varchar', length: '255' }, createdAtColumn()],
        indices: [{ columnNames: ['account_id'] }],
        foreignKeys: [cascadeTo('account_id', 'accounts')],
      }),
      new Table({
        name: 'workflow_statuses',
        columns: [
          idColumn(),
          accountId,
          { name: 'workflow_id', type: 'int' },
          { name: 'name', type: 'varchar', length: '255' },
          // 1 not started, 2 started, 3 closed
          { name: 'category_id', type: 'int' },
          { name: 'position', type: 'int', default: 0 },
          { name: 'color_id', type: 'int', isNullable: true },
          createdAtColumn(),
        ],
        indices: [{ columnNames: ['workflow_id', 'position'] }],
        foreignKeys: [cascadeTo('workflow_id', 'workflows')],
      }),
      new Table({
        name: 'task_lists',
        columns: [
          idColumn(),
          accountId,
          { name: 'project_id', type: 'int' },
          { name: 'name', type: 'varchar', length: '255' },
          { name: 'position', type: 'int', default: 0 },
          timeColumn('archived_at', { nullable: true }),
          createdAtColumn(),
        ],
        indices: [{ columnNames: ['project_id'] }],
        foreignKeys: [cascadeTo('project_id', 'projects')],
      }),
      new Table({
        name: 'memberships',
        columns: [
          idColumn(),
          accountId,
          { name: 'project_id', type: 'int' },
          { name: 'person_id', type: 'int' },
          createdAtColumn(),
        ],
        uniques: [{ columnNames: ['project_id', 'person_id'] }],
        indices: [{ columnNames: ['person_id'] }],
        foreignKeys: [cascadeTo('project_id', 'projects'), cascadeTo('person_id', 'people')],
      }),
      new Table({
        name: 'custom_fields',
        columns: [
          idColumn(),
          accountId,
          { name: 'name', type: 'varchar', length: '255' },
          { name: 'customizable_type', type: 'varchar', length: '32' },
          { name: 'data_type_id', type: 'int' },
          // Select options as a JSON array of {id, value}.
          { name: 'options', type: 'text', isNullable: true },
          timeColumn('archived_at', { nullable: true }),
          createdAtColumn(),
        ],
        indices: [{ columnNames: ['account_id'] }],
        foreignKeys: [cascadeTo('account_id', 'accounts')],
      }),
      new Table({
        name: 'todos',
        columns: [
          idColumn(),
          accountId,
          { name: 'task_id', type: 'int' },
          { name: 'description', type: 'text' },
          { name: 'position', type: 'int', default: 0 },
          timeColumn('closed_at', { nullable: true }),
          { name: 'due_date', type: 'varchar', length: '10', isNullable: true },
          { name: 'due_time', type: 'varchar', length: '5', isNullable: true },
          { name: 'assignee_id', type: 'int', isNullable: true },
          createdAtColumn(),
        ],
        indices: [{ columnNames: ['task_id', 'position'] }],
        foreignKeys: [cascadeTo('task_id', 'tasks')],
      }),
      new Table({
        name: 'comments',
        columns: [
          idColumn(),
          accountId,
          { name: 'task_id', type: 'int' },
          { name: 'body', type: 'text' },
          { name: 'creator_id', type: 'int', isNullable: true },
          timeColumn('pinned_at', { nullable: true }),
          { name: 'draft', type: 'boolean', default: 0 },
          { name: 'hidden', type: 'boolean', default: 0 },
          timeColumn('deleted_at', { nullable: true }),
          createdAtColumn(),
          timeColumn('updated_at'),
        ],
        indices: [{ columnNames: ['task_id', 'id'] }],
        foreignKeys: [cascadeTo('task_id', 'tasks')],
      }),
      // Attachment bytes, shared by every attachment that copies them; removed with the last one.
      new Table({
        name: 'blobs',
        columns: [
          idColumn(),
          accountId,
          { name: 'sha256', type: 'varchar', length: '64' },
          { name: 'size', type: 'int' },
          { name: 'content', type: 'longblob' },
          createdAtColumn(),
        ],
        indices: [{ columnNames: ['account_id', 'sha256'] }],
        foreignKeys: [cascadeTo('account_id', 'accounts')],
      }),
      new Table({
        name: 'attachments',
        columns: [
          idColumn(),
          accountId,
          { name: 'task_id', type: 'int', isNullable: true },
          { name: 'comment_id', type: 'int', isNullable: true },
          { name: 'name', type: 'varchar', length: '255' },
          { name: 'content_type', type: 'varchar', length: '255', default: "'application/octet-stream'" },
          { name: 'size', type: 'int', default: 0 },
          { name: 'blob_id', type: 'int', isNullable: true },
          createdAtColumn(),
        ],
        indices: [
          { columnNames: ['task_id'] },
          { columnNames: ['comment_id'] },
          { columnNames: ['blob_id'] },
        ],
        foreignKeys: [cascadeTo('task_id', 'tasks'), cascadeTo('comment_id', 'comments')],
      }),
      new Table({
        name: 'task_subscribers',
        columns: [
          { name: 'task_id', type: 'int', isPrimary: true },
          { name: 'person_id', type: 'int', isPrimary: true },
          accountId,
        ],
        indices: [{ columnNames: ['person_id'] }],
        foreignKeys: [cascadeTo('task_id', 'tasks'), cascadeTo('person_id', 'people')],
      }),
      // A dependency is a pair of rows, each the other's reverse (blocking ↔ waiting on, linked ↔ linked).
      new Table({
        name: 'task_dependencies',
        columns: [
          idColumn(),
          accountId,
          { name: 'task_id', type: 'int' },
          { name: 'dependent_task_id', type: 'int' },
          // 1 blocking, 2 waiting on, 3 linked
          { name: 'type_id', type: 'int' },
          { name: 'reverse_id', type: 'int', isNullable: true },
          createdAtColumn(),
        ],
        indices: [{ columnNames: ['task_id'] }, { columnNames: ['dependent_task_id'] }],
        foreignKeys: [cascadeTo('task_id', 'tasks'), cascadeTo('dependent_task_id', 'tasks')],
      }),
      new Table({
        name: 'templates',
        columns: [
          idColumn(),
          accountId,
          { name: 'name', type: 'varchar', length: '255' },
          { name: 'description', type: 'text', isNullable: true },
          { name: 'target_type', type: 'varchar', length: '32' },
          { name: 'target_id', type: 'int' },
          createdAtColumn(),
        ],
        indices: [{ columnNames: ['account_id', 'target_type'] }, { columnNames: ['target_id'] }],
        foreignKeys: [cascadeTo('account_id', 'accounts')],
      }),
    ];
    for (const table of tables) await queryRunner.createTable(table);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'templates',
      'task_dependencies',
      'task_subscribers',
      'attachments',
      'blobs',
      'comments',
      'todos',
      'custom_fields',
      'memberships',
      'task_lists',
      'workflow_statuses',
      'workflows',
    ]) {
      await queryRunner.dropTable(table);
    }
    await queryRunner.query(
      queryRunner.connection.options.type === 'mysql'
        ? 'DROP INDEX `ix_tasks_task_list` ON `tasks`'
        : 'DROP INDEX "ix_tasks_task_list"',
    );
    await dropColumns(queryRunner, 'people', PEOPLE_COLUMNS);
    await dropColumns(queryRunner, 'projects', PROJECT_COLUMNS);
    await dropColumns(queryRunner, 'tasks', TASK_COLUMNS);
  }
}
