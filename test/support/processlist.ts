type Query = (query: string, params?: unknown[]) => Promise<unknown>;

/**
 * Waits (bounded, 10 s) until some connection of the MySQL/MariaDB server runs a statement whose
 * text starts with `prefix`: a test that holds a lock knows then that the write it gates waits for
 * it, without sleeping for a guessed time.
 */
export async function statementRunning(query: Query, prefix: string, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const [{ n }] = (await query(
      'SELECT COUNT(*) AS n FROM information_schema.processlist WHERE info LIKE ?',
      [`${prefix.replace(/[\\%_]/g, '\\$&')}%`],
    )) as Array<{ n: number | string }>;
    if (Number(n) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${what}: no statement starting "${prefix}" ran within 10 s`);
}
