import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

const INDEX = 'IDX_8c6803d27c2e0efefa603dcb84';

/**
 * `task_assignees` kept an index by (account_id, task_id) beside its primary key (task_id,
 * person_id). Every statement that names a task reads the primary key (a task id is unique across
 * accounts; the account is checked on the row), and a person's assignments are read by the index by
 * `person_id`: the pair only cost every assignment an index entry more (a copy writes one per
 * copied assignee, about an eighth of an assignment row's cost). Both foreign keys keep their
 * indexes: `task_id` leads the primary key.
 */
export class DropAssigneesByAccountIndex1763801740000 implements MigrationInterface {
  name = 'DropAssigneesByAccountIndex1763801740000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('task_assignees', INDEX);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'task_assignees',
      new TableIndex({ name: INDEX, columnNames: ['account_id', 'task_id'] }),
    );
  }
}
