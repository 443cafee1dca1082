import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * The unfinished operations of an account, found without scanning its whole history: the copy
 * limit counts (and locks) an account's PENDING and RUNNING operations on every queued copy.
 */
export class IndexOperationsByStatus1763801450000 implements MigrationInterface {
  name = 'IndexOperationsByStatus1763801450000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'operations',
      new TableIndex({ name: 'IDX_operations_account_status', columnNames: ['account_id', 'status'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('operations', 'IDX_operations_account_status');
  }
}
