import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type IdempotencyKeyState = 'IN_PROGRESS' | 'DONE';

@Entity('idempotency_keys')
export class IdempotencyKey {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ name: 'account_id', type: 'int' })
  accountId: number;

  @Column({ type: 'varchar', length: 32 })
  scope: string;

  @Column({ name: 'idempotency_key', type: 'varchar', length: 255 })
  key: string;

  @Column({ type: 'varchar', length: 64 })
  fingerprint: string;

  @Column({ type: 'varchar', length: 16 })
  state: IdempotencyKeyState;

  @Column({ name: 'status_code', type: 'int', nullable: true })
  statusCode: number | null;

  /** JSON, as the caller stored it. */
  @Column({ type: 'text', nullable: true })
  response: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt: Date;
}
