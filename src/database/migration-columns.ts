import { TableColumnOptions, TableForeignKey } from 'typeorm';

// Column shapes shared by every migration, so that both dialects get the same types.

export function idColumn(name = 'id'): TableColumnOptions {
  return { name, type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' };
}

/** UTC time with millisecond precision: DATETIME(3) on MySQL/MariaDB, text on SQLite. */
export function timeColumn(name: string, options: { nullable?: boolean } = {}): TableColumnOptions {
  return { name, type: 'datetime', precision: 3, isNullable: options.nullable ?? false };
}

// No database default: the service writes every time itself (from its Clock), the same on both dialects.
export function createdAtColumn(name = 'created_at'): TableColumnOptions {
  return timeColumn(name);
}

/** A foreign key that takes its rows with it: deleting the referenced row deletes these. */
export function cascadeTo(column: string, table: string): TableForeignKey {
  return new TableForeignKey({
    columnNames: [column],
    referencedTableName: table,
    referencedColumnNames: ['id'],
    onDelete: 'CASCADE',
  });
}

/** Every domain row carries its account and goes with it. */
export function accountForeignKey(): TableForeignKey {
  return cascadeTo('account_id', 'accounts');
}
