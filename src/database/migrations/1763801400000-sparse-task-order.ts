import { MigrationInterface, QueryRunner } from 'typeorm';

// The gap between neighbours that the conversion leaves (ORDER_GAP in src/tasks/store/order-keys.ts).
const GAP = 65536;

/**
 * Sibling order by sparse keys (docs/architecture.md#sibling-order): the dense `position` 0..n-1
 * of every sibling list becomes `sort_key` = (position + 1) × 65,536, a BIGINT under the same
 * unique index (renamed `uq_tasks_sibling_key`), so that an insert takes keys between its
 * neighbours instead of shifting every later sibling. Keys keep their relative order, so every
 * list reads as before; `down` ranks them back to 0..n-1.
 */
export class SparseTaskOrder1763801400000 implements MigrationInterface {
  name = 'SparseTaskOrder1763801400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type === 'mysql') {
      await queryRunner.query('ALTER TABLE `tasks` CHANGE `position` `sort_key` BIGINT NOT NULL');
      await queryRunner.query(
        'ALTER TABLE `tasks` RENAME INDEX `uq_tasks_sibling_position` TO `uq_tasks_sibling_key`',
      );
      // Highest first: each row lands above every key not yet moved, so the unique index holds.
      await queryRunner.query(
        `UPDATE \`tasks\` SET \`sort_key\` = (\`sort_key\` + 1) * ${GAP} ORDER BY \`sort_key\` DESC`,
      );
      return;
    }
    // SQLite's INTEGER is 64-bit already: a rename, and a new name for the index.
    await queryRunner.query('ALTER TABLE "tasks" RENAME COLUMN "position" TO "sort_key"');
    await queryRunner.query('DROP INDEX "uq_tasks_sibling_position"');
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_tasks_sibling_key" ON "tasks" ("account_id", "project_key", "parent_key", "sort_key")',
    );
    // Through distinct negative values: SQLite checks the index row by row, in no set order.
    await queryRunner.query(`UPDATE "tasks" SET "sort_key" = -1 - ("sort_key" + 1) * ${GAP}`);
    await queryRunner.query('UPDATE "tasks" SET "sort_key" = -1 - "sort_key" WHERE "sort_key" < 0');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const mysql = queryRunner.connection.options.type === 'mysql';
    const q = mysql ? '`' : '"';
    const ranks =
      `SELECT ${q}id${q} AS rid, ROW_NUMBER() OVER (PARTITION BY ${q}account_id${q}, ${q}project_key${q}, ` +
      `${q}parent_key${q} ORDER BY ${q}sort_key${q}) - 1 AS r FROM ${q}tasks${q}`;
    // Every key goes to a distinct negative value (keys are never negative), then to its rank.
    if (mysql) {
      await queryRunner.query(
        `UPDATE \`tasks\` t JOIN (${ranks}) x ON x.rid = t.id SET t.\`sort_key\` = -1 - x.r`,
      );
      await queryRunner.query('UPDATE `tasks` SET `sort_key` = -1 - `sort_key`');
      await queryRunner.query(
        'ALTER TABLE `tasks` RENAME INDEX `uq_tasks_sibling_key` TO `uq_tasks_sibling_position`',
      );
      await queryRunner.query('ALTER TABLE `tasks` CHANGE `sort_key` `position` INT NOT NULL');
      return;
    }
    await queryRunner.query(
      `UPDATE "tasks" SET "sort_key" = -1 - x.r FROM (${ranks}) x WHERE x.rid = "tasks"."id"`,
    );
    await queryRunner.query('UPDATE "tasks" SET "sort_key" = -1 - "sort_key"');
    await queryRunner.query('DROP INDEX "uq_tasks_sibling_key"');
    await queryRunner.query('ALTER TABLE "tasks" RENAME COLUMN "sort_key" TO "position"');
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_tasks_sibling_position" ON "tasks" ("account_id", "project_key", "parent_key", "position")',
    );
  }
}
