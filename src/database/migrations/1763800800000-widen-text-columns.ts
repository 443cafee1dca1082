import { MigrationInterface, QueryRunner } from 'typeorm';

// Columns whose inputs are limited in characters (65,535 for v2 descriptions, comment bodies and
// template descriptions) or that hold JSON of such strings (tag lists, select options, custom field
// values, a copy's parameters). A character takes up to 4 bytes in utf8mb4, so MySQL's TEXT
// (65,535 bytes) refused them with "Data too long" and a 500; MEDIUMTEXT (16 MB) holds what every
// limit allows. SQLite's TEXT has no such limit, so both dialects accept the same inputs.
const WIDENED: Array<[table: string, column: string, nullable: boolean]> = [
  ['tasks', 'description', true],
  ['tasks', 'tag_list', true],
  ['tasks', 'custom_fields', true],
  ['todos', 'description', false],
  ['comments', 'body', false],
  ['templates', 'description', true],
  ['custom_fields', 'options', true],
  ['operations', 'parameters', false],
  // A failed operation's log repeats its parameters as the entry's input.
  ['operations', 'log', true],
];

export class WidenTextColumns1763800800000 implements MigrationInterface {
  name = 'WidenTextColumns1763800800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await this.modify(queryRunner, 'MEDIUMTEXT');
  }

  // Refused by MySQL (strict mode) while a value is longer than TEXT holds, rather than truncated.
  async down(queryRunner: QueryRunner): Promise<void> {
    await this.modify(queryRunner, 'TEXT');
  }

  private async modify(queryRunner: QueryRunner, type: 'MEDIUMTEXT' | 'TEXT'): Promise<void> {
    if (queryRunner.connection.options.type !== 'mysql') return;
    const byTable = new Map<string, string[]>();
    for (const [table, column, nullable] of WIDENED) {
      const changes = byTable.get(table) ?? [];
      changes.push(`MODIFY \`${column}\` ${type} ${nullable ? 'NULL' : 'NOT NULL'}`);
      byTable.set(table, changes);
    }
    for (const [table, changes] of byTable) {
      await queryRunner.query(`ALTER TABLE \`${table}\` ${changes.join(', ')}`);
    }
  }
}
