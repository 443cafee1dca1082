import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableForeignKey } from 'typeorm';
import { accountForeignKey, createdAtColumn, idColumn, timeColumn } from '../migration-columns';

/**
 * The v1 face's world (docs/v1.md): crowd projects and pools, the operations table
 * that is both the job queue and its record, per-account rate-limit events and idempotency keys.
 * v1 projects live in `crowd_projects`; `projects` belongs to the task store.
 */
export class CreatePoolsAndOperations1763800200000 implements MigrationInterface {
  name = 'CreatePoolsAndOperations1763800200000';

  // eslint-disable-next-line max-lines-per-function -- a merged migration is never edited, only commented
  async up(queryRunner: QueryRunner): Promise<void> {
    const mysql = queryRunner.connection.options.type === 'mysql';
    // Project and pool ids are BIGINT on MySQL/MariaDB; SQLite's rowid is 64-bit already and
    // AUTOINCREMENT is only allowed on INTEGER PRIMARY KEY.
    const bigId = (): TableColumnOptions => ({ ...idColumn(), type: mysql ? 'bigint' : 'integer' });
    const bigRef = (name: string): TableColumnOptions => ({ name, type: mysql ? 'bigint' : 'integer' });

    await queryRunner.createTable(
      new Table({
        name: 'crowd_projects',
        columns: [
          bigId(),
          { name: 'account_id', type: 'int' },
          { name: 'status', type: 'varchar', length: '16' },
          // Sortable copies of two writable fields; `body` holds every writable field as sent.
          { name: 'public_name', type: 'varchar', length: '1024' },
          { name: 'private_comment', type: 'varchar', length: '1024', isNullable: true },
          { name: 'body', type: 'text' },
          createdAtColumn(),
        ],
        indices: [{ columnNames: ['account_id', 'id'] }],
        foreignKeys: [accountForeignKey()],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'pools',
        columns: [
          bigId(),
          { name: 'account_id', type: 'int' },
          bigRef('project_id'),
          { name: 'status', type: 'varchar', length: '16' },
          // Every writable field but project_id, as a JSON object returned exactly as received.
          { name: 'body', type: 'text' },
          createdAtColumn(),
          timeColumn('last_started', { nullable: true }),
          timeColumn('last_stopped', { nullable: true }),
          { name: 'last_close_reason', type: 'varchar', length: '32', isNullable: true },
        ],
        indices: [{ columnNames: ['account_id', 'id'] }, { columnNames: ['account_id', 'project_id'] }],
        foreignKeys: [
          accountForeignKey(),
          new TableForeignKey({
            columnNames: ['project_id'],
            referencedTableName: 'crowd_projects',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'operations',
        columns: [
          // UUID v4 compared byte-wise, so that sort=id and id_gt agree (docs/v1.md#lists).
          {
            name: 'id',
            type: 'varchar',
            length: '36',
            isPrimary: true,
            ...(mysql ? { charset: 'ascii', collation: 'ascii_bin' } : {}),
          },
          { name: 'account_id', type: 'int' },
          { name: 'type', type: 'varchar', length: '64' },
          { name: 'status', type: 'varchar', length: '16' },
          timeColumn('submitted'),
          timeColumn('started', { nullable: true }),
          timeColumn('finished', { nullable: true }),
          { name: 'progress', type: 'int', default: 0 },
          { name: 'parameters', type: 'text' },
          { name: 'details', type: 'text', isNullable: true },
          // The operation log as a JSON array; written with the final status.
          { name: 'log', type: 'text', isNullable: true },
          // Job-service bookkeeping: claims so far, earliest next claim, lease holder and expiry.
          { name: 'attempts', type: 'int', default: 0 },
          timeColumn('available_at'),
          { name: 'lease_owner', type: 'varchar', length: '64', isNullable: true },
          timeColumn('lease_expires_at', { nullable: true }),
        ],
        indices: [
          { columnNames: ['account_id', 'id'] },
          { columnNames: ['account_id', 'submitted'] },
          { columnNames: ['status', 'available_at'] },
          { columnNames: ['status', 'lease_expires_at'] },
        ],
        foreignKeys: [accountForeignKey()],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'rate_limit_events',
        columns: [
          idColumn(),
          { name: 'account_id', type: 'int' },
          { name: 'scope', type: 'varchar', length: '32' },
          createdAtColumn(),
        ],
        indices: [{ columnNames: ['account_id', 'scope', 'created_at'] }],
        foreignKeys: [accountForeignKey()],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'idempotency_keys',
        columns: [
          idColumn(),
          { name: 'account_id', type: 'int' },
          { name: 'scope', type: 'varchar', length: '32' },
          { name: 'idempotency_key', type: 'varchar', length: '255' },
          { name: 'fingerprint', type: 'varchar', length: '64' },
          { name: 'state', type: 'varchar', length: '16' },
          { name: 'status_code', type: 'int', isNullable: true },
          { name: 'response', type: 'text', isNullable: true },
          createdAtColumn(),
          timeColumn('expires_at'),
        ],
        indices: [
          { columnNames: ['account_id', 'scope', 'idempotency_key'], isUnique: true },
          { columnNames: ['expires_at'] },
        ],
        foreignKeys: [accountForeignKey()],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('idempotency_keys');
    await queryRunner.dropTable('rate_limit_events');
    await queryRunner.dropTable('operations');
    await queryRunner.dropTable('pools');
    await queryRunner.dropTable('crowd_projects');
  }
}
