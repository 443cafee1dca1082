import type { DataSource } from 'typeorm';

// MySQL/MariaDB text must be utf8mb4, the only character set there that holds every Unicode
// character: MariaDB creates databases in latin1 unless told otherwise, and MySQL's utf8 (utf8mb3)
// has no 4-byte characters. Tables take the database's default when the migrations create them,
// so a wrong default is caught before they run and a wrong table after; the service stops rather
// than lose emoji to '?' or answer 500 on them. The operator's fix is one statement (see
// docs/deployment.md); converting tables at start would rewrite them under a lock, unasked.
const HOW_TO_FIX = 'see "MySQL and MariaDB" in docs/deployment.md';

/** Stops a start whose MySQL/MariaDB database would create tables in another character set. */
export async function assertUtf8mb4Database(dataSource: DataSource): Promise<void> {
  if (dataSource.options.type !== 'mysql') return;
  const rows: Array<{ name: string; charset: string }> = await dataSource.query(
    `SELECT SCHEMA_NAME AS name, DEFAULT_CHARACTER_SET_NAME AS charset
       FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = DATABASE()`,
  );
  const [database] = rows;
  if (database && database.charset !== 'utf8mb4') {
    throw new Error(
      `the database ${database.name} has the default character set ${database.charset}, not utf8mb4: ` +
        `run ALTER DATABASE \`${database.name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci (${HOW_TO_FIX})`,
    );
  }
}

/** Stops a start whose tables (or their text columns) are not all utf8mb4. */
export async function assertUtf8mb4Tables(dataSource: DataSource): Promise<void> {
  if (dataSource.options.type !== 'mysql') return;
  // A column may be narrower on purpose: operation ids are ascii (a migration says so).
  const rows: Array<{ name: string }> = await dataSource.query(
    `SELECT TABLE_NAME AS name FROM information_schema.TABLES
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' AND TABLE_COLLATION NOT LIKE 'utf8mb4%'
     UNION
     SELECT TABLE_NAME FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = DATABASE() AND CHARACTER_SET_NAME NOT IN ('utf8mb4', 'ascii')
     ORDER BY name`,
  );
  if (rows.length > 0) {
    const names = rows.map((row) => row.name);
    throw new Error(
      `tables not in utf8mb4: ${names.join(', ')}: convert each with ALTER TABLE <name> CONVERT TO ` +
        `CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci (${HOW_TO_FIX})`,
    );
  }
}
