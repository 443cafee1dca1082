import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { timeColumn } from '../migration-columns';

/**
 * v2 request counts shared by every instance (without REDIS_URL): each instance's hits of a
 * token (`holder`, half its hash) in one bucket of one window, written by that instance only.
 * Rows expire with their bucket's window and are deleted from time to time.
 */
export class AddRequestCounts1763801300000 implements MigrationInterface {
  name = 'AddRequestCounts1763801300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'request_counts',
        columns: [
          { name: 'holder', type: 'varchar', length: '32', isPrimary: true },
          { name: 'window_ms', type: 'int', isPrimary: true },
          { name: 'bucket', type: 'bigint', isPrimary: true },
          { name: 'instance', type: 'varchar', length: '36', isPrimary: true },
          { name: 'hits', type: 'int' },
          timeColumn('expires_at'),
        ],
        indices: [{ columnNames: ['expires_at'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('request_counts');
  }
}
