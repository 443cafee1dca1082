import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * The index by `reverse_id` served only the copy's UPDATE that joined `r.reverse_id = t.id`. A copy
 * now links each pair by its ends swapped, through the indexes by `task_id` and
 * `dependent_task_id` (src/tasks/details/dependencies.table.ts), and no statement looks a row up
 * by `reverse_id`: the index only cost every dependency row two more index writes (its INSERT with
 * NULL, then its link).
 */
export class DropDependenciesByReverseIndex1763801650000 implements MigrationInterface {
  name = 'DropDependenciesByReverseIndex1763801650000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('task_dependencies', 'IDX_task_dependencies_reverse');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'task_dependencies',
      new TableIndex({ name: 'IDX_task_dependencies_reverse', columnNames: ['reverse_id'] }),
    );
  }
}
