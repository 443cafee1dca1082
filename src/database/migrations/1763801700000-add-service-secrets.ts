import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/**
 * Secrets the service makes for itself and every instance shares: today the one that signs live
 * socket keys when LIVE_TICKET_SECRET is unset (src/secrets/service-secrets.service.ts). Made at
 * the first start, kept across restarts.
 */
export class AddServiceSecrets1763801700000 implements MigrationInterface {
  name = 'AddServiceSecrets1763801700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'service_secrets',
        columns: [
          { name: 'name', type: 'varchar', length: '64', isPrimary: true },
          { name: 'value', type: 'varchar', length: '255' },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('service_secrets');
  }
}
