import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { timeColumn } from '../migration-columns';

/**
 * `api_tokens.shown_at`: when a token was handed to someone (printed by the CLI, or by the start
 * that made the default account). NULL only for a generated default-account token whose start
 * stopped before printing it (port in use, say); each start then says how to make another.
 * Tokens made before this column are taken as shown: nothing recorded otherwise.
 */
export class AddTokenShownAt1763800850000 implements MigrationInterface {
  name = 'AddTokenShownAt1763800850000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('api_tokens', new TableColumn(timeColumn('shown_at', { nullable: true })));
    await queryRunner.query('UPDATE api_tokens SET shown_at = created_at');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('api_tokens', 'shown_at');
  }
}
