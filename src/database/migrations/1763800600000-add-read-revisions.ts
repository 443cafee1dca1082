import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Read revisions for the task list cache: `task_list_locks.revision` counts the committed changes
 * to a project's tasks (every writer advances it under the project's ordering lock), and
 * `tasks.revision` is a random stamp renewed whenever a task's own fields change, so a reader can
 * reuse what it built for a task while the stamp is unchanged.
 */
export class AddReadRevisions1763800600000 implements MigrationInterface {
  name = 'AddReadRevisions1763800600000';

  // Plain ALTER TABLE on both dialects: TypeORM's addColumn would rebuild the SQLite table and, on
  // MySQL, look up metadata for the generated columns of `tasks` that it does not keep.
  async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['task_list_locks', 'tasks']) {
      await queryRunner.query(`ALTER TABLE ${table} ADD revision bigint NOT NULL DEFAULT 0`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['tasks', 'task_list_locks']) {
      await queryRunner.query(`ALTER TABLE ${table} DROP COLUMN revision`);
    }
  }
}
