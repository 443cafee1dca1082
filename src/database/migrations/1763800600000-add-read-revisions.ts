import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { accountForeignKey } from '../migration-columns';

/**
 * Read revisions for the task list cache. `task_list_locks.revision` counts committed structural
 * changes to a project's tasks (made under that row's ordering lock); `task_content_revisions`
 * counts changes to the fields of its existing tasks, in a row of its own so that field updates
 * never wait behind a structural change's lock. `tasks.revision` is a random stamp renewed
 * whenever a task's own fields change, so a reader can reuse what it built for a task meanwhile.
 */
export class AddReadRevisions1763800600000 implements MigrationInterface {
  name = 'AddReadRevisions1763800600000';

  // Plain ALTER TABLE on both dialects: TypeORM's addColumn would rebuild the SQLite table and, on
  // MySQL, look up metadata for the generated columns of `tasks` that it does not keep.
  async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['task_list_locks', 'tasks']) {
      await queryRunner.query(`ALTER TABLE ${table} ADD revision bigint NOT NULL DEFAULT 0`);
    }
    await queryRunner.createTable(
      new Table({
        name: 'task_content_revisions',
        columns: [
          { name: 'account_id', type: 'int', isPrimary: true },
          { name: 'project_key', type: 'int', isPrimary: true },
          { name: 'revision', type: 'bigint', default: 0 },
        ],
        foreignKeys: [accountForeignKey()],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('task_content_revisions');
    for (const table of ['tasks', 'task_list_locks']) {
      await queryRunner.query(`ALTER TABLE ${table} DROP COLUMN revision`);
    }
  }
}
