import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type PoolStatus = 'OPEN' | 'CLOSED' | 'ARCHIVED' | 'LOCKED';
export const POOL_STATUSES: PoolStatus[] = ['OPEN', 'CLOSED', 'ARCHIVED', 'LOCKED'];
export type PoolCloseReason = 'MANUAL' | 'FOR_UPDATE';

@Entity('pools')
export class Pool {
  // BIGINT on MySQL (a string through mysql2), INTEGER on SQLite: read it through String().
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'account_id', type: 'int' })
  accountId: number;

  @Column({ name: 'project_id', type: 'bigint' })
  projectId: string;

  @Column({ type: 'varchar', length: 16 })
  status: PoolStatus;

  /**
   * Every writable field except project_id, as received (serialized JSON).
   * MEDIUMTEXT on MySQL/MariaDB (migration 1763800700000), TEXT on SQLite.
   */
  @Column({ type: 'text' })
  body: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'last_started', type: 'datetime', precision: 3, nullable: true })
  lastStarted: Date | null;

  @Column({ name: 'last_stopped', type: 'datetime', precision: 3, nullable: true })
  lastStopped: Date | null;

  @Column({ name: 'last_close_reason', type: 'varchar', length: 32, nullable: true })
  lastCloseReason: PoolCloseReason | null;
}
