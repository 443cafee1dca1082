import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * A dependency row found by the row it reverses: a copy links each new pair with one UPDATE that
 * joins `r.reverse_id = t.id`, which without this index read the whole table once per chunk of
 * pairs (a copy of 100,000 tasks with dependencies read it a hundred times).
 */
export class IndexDependenciesByReverse1763801500000 implements MigrationInterface {
  name = 'IndexDependenciesByReverse1763801500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'task_dependencies',
      new TableIndex({ name: 'IDX_task_dependencies_reverse', columnNames: ['reverse_id'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('task_dependencies', 'IDX_task_dependencies_reverse');
  }
}
