import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

const NEW_INDEX = 'IDX_operations_status_type_available';

/**
 * The job service's claims read the due `PENDING` operations of the types they run, oldest first.
 * By (status, available_at) a claim for some types walked past every waiting operation of the
 * others: under a backlog of 10,000 pool clones, each claim for the copies (which run one by one)
 * locked and let go of 10,000 index entries to find none. By (status, type, available_at) it reads
 * only the rows of its types (docs/operations.md#claiming).
 */
export class IndexClaimableOperationsByType1763801760000 implements MigrationInterface {
  name = 'IndexClaimableOperationsByType1763801760000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'operations',
      new TableIndex({ name: NEW_INDEX, columnNames: ['status', 'type', 'available_at'] }),
    );
    const old = await statusAvailableIndex(queryRunner);
    if (old) await queryRunner.dropIndex('operations', old);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex('operations', new TableIndex({ columnNames: ['status', 'available_at'] }));
    await queryRunner.dropIndex('operations', NEW_INDEX);
  }
}

/** The name TypeORM gave the index by (status, available_at) when it made the table. */
async function statusAvailableIndex(queryRunner: QueryRunner): Promise<TableIndex | undefined> {
  const table = await queryRunner.getTable('operations');
  return table?.indices.find(
    (index) => index.columnNames.join(',') === 'status,available_at' && !index.isUnique,
  );
}
