import type { DataSource, QueryRunner } from 'typeorm';
import { statementRunning } from './processlist';

/**
 * A row lock a test holds to stop a write at a known point (MySQL/MariaDB). The test's trigger
 * runs `wait` where the write should stop, when the condition it reads from `threshold` holds;
 * the write then waits until the test opens the gate. Nothing depends on timing.
 */
export class RowGate {
  /** For a trigger's condition: the value the last `close` set. */
  readonly threshold: string;
  /** For a trigger's body: waits while the gate is closed. */
  readonly wait: string;
  private held: QueryRunner | undefined;

  constructor(
    private readonly dataSource: () => DataSource,
    private readonly table: string,
  ) {
    this.threshold = `(SELECT at FROM ${table} WHERE id = 1)`;
    this.wait = `SELECT id INTO @held FROM ${table} WHERE id = 2 FOR UPDATE`;
  }

  /** The gate's table: row 1 holds the threshold, row 2 is the one locked. */
  async create(): Promise<void> {
    await this.dataSource().query(`CREATE TABLE ${this.table} (id INT PRIMARY KEY, at INT NOT NULL)`);
    await this.dataSource().query(`INSERT INTO ${this.table} (id, at) VALUES (1, 0), (2, 0)`);
  }

  /** Sets the threshold, then holds the lock until `open` (or `reset`). */
  async close(threshold: number): Promise<void> {
    await this.dataSource().query(`UPDATE ${this.table} SET at = ? WHERE id = 1`, [threshold]);
    const held = this.dataSource().createQueryRunner();
    this.held = held;
    await held.connect();
    await held.startTransaction();
    await held.query(`SELECT id FROM ${this.table} WHERE id = 2 FOR UPDATE`);
  }

  /** Waits (bounded) until a write waits at the gate. */
  reached(what: string): Promise<void> {
    return statementRunning((q, p) => this.dataSource().query(q, p), 'SELECT id INTO @held', what);
  }

  /** Lets the writes waiting at the gate go on. */
  async open(): Promise<void> {
    await this.held!.commitTransaction();
  }

  /** After each test: the lock let go, whatever the test did. */
  async reset(): Promise<void> {
    if (this.held?.isTransactionActive) await this.held.rollbackTransaction();
    await this.held?.release();
    this.held = undefined;
  }
}
