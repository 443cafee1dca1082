import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A TASK.COPY operation keeps its copy's id map in `operations.details`, and an idempotent copy
 * keeps its first answer in `idempotency_keys.response`: a 5,000-task map is about 100 KB, past
 * MySQL's TEXT (64 KB), and the write failed with "Data too long". MEDIUMTEXT (16 MB) holds the map
 * of a copy at COPY_MAX_TASKS. SQLite's TEXT has no such limit.
 */
export class WidenOperationDetails1763800400000 implements MigrationInterface {
  name = 'WidenOperationDetails1763800400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type !== 'mysql') return;
    await queryRunner.query('ALTER TABLE `operations` MODIFY `details` MEDIUMTEXT NULL');
    await queryRunner.query('ALTER TABLE `idempotency_keys` MODIFY `response` MEDIUMTEXT NULL');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type !== 'mysql') return;
    await queryRunner.query('ALTER TABLE `operations` MODIFY `details` TEXT NULL');
    await queryRunner.query('ALTER TABLE `idempotency_keys` MODIFY `response` TEXT NULL');
  }
}
