import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Dependency ids come from a counter row of `id_allocators`, as task ids do: a copy reserves the
 * ids of all its pairs in one statement and writes each row with its reverse's id
 * (src/tasks/details/dependencies.table.ts), instead of linking the rows by UPDATEs after an
 * auto-increment INSERT. The counter starts past every id in use. The column keeps its
 * auto-increment (dropping it would rebuild the table); no statement of the service relies on it.
 */
export class AllocateDependencyIds1763801720000 implements MigrationInterface {
  name = 'AllocateDependencyIds1763801720000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      "INSERT INTO id_allocators (name, next_id) SELECT 'task_dependencies', COALESCE(MAX(id), 0) + 1 FROM task_dependencies",
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DELETE FROM id_allocators WHERE name = 'task_dependencies'");
  }
}
