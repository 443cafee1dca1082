import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * v1 projects and pools keep their parameter objects as JSON in `body`, and their routes take
 * bodies up to BODY_LIMIT_BYTES (1 MiB): past MySQL's TEXT (64 KB) the write failed with "Data too
 * long" and a 500. MEDIUMTEXT (16 MB) holds any body a route accepts. SQLite's TEXT has no limit.
 */
export class WidenCrowdBodies1763800700000 implements MigrationInterface {
  name = 'WidenCrowdBodies1763800700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type !== 'mysql') return;
    await queryRunner.query('ALTER TABLE `crowd_projects` MODIFY `body` MEDIUMTEXT NOT NULL');
    await queryRunner.query('ALTER TABLE `pools` MODIFY `body` MEDIUMTEXT NOT NULL');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type !== 'mysql') return;
    await queryRunner.query('ALTER TABLE `crowd_projects` MODIFY `body` TEXT NOT NULL');
    await queryRunner.query('ALTER TABLE `pools` MODIFY `body` TEXT NOT NULL');
  }
}
