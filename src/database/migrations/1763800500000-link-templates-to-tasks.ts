import { MigrationInterface, QueryRunner, TableForeignKey } from 'typeorm';

/** A template goes with the task that backs it (whichever face deletes the task). */
export class LinkTemplatesToTasks1763800500000 implements MigrationInterface {
  name = 'LinkTemplatesToTasks1763800500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'DELETE FROM templates WHERE NOT EXISTS (SELECT 1 FROM tasks WHERE tasks.id = templates.target_id)',
    );
    await queryRunner.createForeignKey(
      'templates',
      new TableForeignKey({
        name: 'fk_templates_target_task',
        columnNames: ['target_id'],
        referencedTableName: 'tasks',
        referencedColumnNames: ['id'],
        onDelete: 'CASCADE',
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropForeignKey('templates', 'fk_templates_target_task');
  }
}
