import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One counted request of a limited kind; windows are counted over these rows. */
@Entity('rate_limit_events')
export class RateLimitEvent {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ name: 'account_id', type: 'int' })
  accountId: number;

  @Column({ type: 'varchar', length: 32 })
  scope: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
