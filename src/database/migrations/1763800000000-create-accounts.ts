import { MigrationInterface, QueryRunner, Table, TableForeignKey } from 'typeorm';
import { createdAtColumn, idColumn, timeColumn } from '../migration-columns';

export class CreateAccounts1763800000000 implements MigrationInterface {
  name = 'CreateAccounts1763800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'accounts',
        columns: [idColumn(), { name: 'name', type: 'varchar', length: '255' }, createdAtColumn()],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'api_tokens',
        columns: [
          idColumn(),
          { name: 'account_id', type: 'int' },
          { name: 'token_hash', type: 'varchar', length: '64', isUnique: true },
          { name: 'hint', type: 'varchar', length: '16' },
          { name: 'label', type: 'varchar', length: '255', isNullable: true },
          createdAtColumn(),
          timeColumn('revoked_at', { nullable: true }),
        ],
        indices: [{ columnNames: ['account_id'] }],
      }),
    );
    await queryRunner.createForeignKey(
      'api_tokens',
      new TableForeignKey({
        columnNames: ['account_id'],
        referencedTableName: 'accounts',
        referencedColumnNames: ['id'],
        onDelete: 'CASCADE',
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('api_tokens');
    await queryRunner.dropTable('accounts');
  }
}
