import { Column, Entity, PrimaryColumn } from 'typeorm';

export type OperationStatus = 'PENDING' | 'RUNNING' | 'SUCCESS' | 'FAIL';
export const OPERATION_STATUSES: OperationStatus[] = ['PENDING', 'RUNNING', 'SUCCESS', 'FAIL'];

/** One entry of an operation's log (docs/operations.md#the-operations-record). */
export interface OperationLogEntry {
  type: string;
  success: boolean;
  input: Record<string, unknown>;
  output: Record<string, unknown>;
}

/** The queue and the record of long work: PENDING → RUNNING → SUCCESS | FAIL. */
@Entity('operations')
export class Operation {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'account_id', type: 'int' })
  accountId: number;

  @Column({ type: 'varchar', length: 64 })
  type: string;

  @Column({ type: 'varchar', length: 16 })
  status: OperationStatus;

  @Column({ type: 'datetime', precision: 3 })
  submitted: Date;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  started: Date | null;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  finished: Date | null;

  @Column({ type: 'int', default: 0 })
  progress: number;

  /** JSON object. */
  @Column({ type: 'text' })
  parameters: string;

  /** JSON object, or null while there are none. */
  @Column({ type: 'text', nullable: true })
  details: string | null;

  /** JSON array of OperationLogEntry, or null for an empty log. */
  @Column({ type: 'text', nullable: true })
  log: string | null;

  @Column({ type: 'int', default: 0 })
  attempts: number;

  @Column({ name: 'available_at', type: 'datetime', precision: 3 })
  availableAt: Date;

  @Column({ name: 'lease_owner', type: 'varchar', length: 64, nullable: true })
  leaseOwner: string | null;

  @Column({ name: 'lease_expires_at', type: 'datetime', precision: 3, nullable: true })
  leaseExpiresAt: Date | null;
}
