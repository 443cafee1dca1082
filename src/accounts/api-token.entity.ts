import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** An API token, stored only as its SHA-256 hash; `hint` is its first characters, for operators. */
@Entity('api_tokens')
export class ApiToken {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Index()
  @Column({ name: 'account_id', type: 'int' })
  accountId: number;

  @Index({ unique: true })
  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash: string;

  @Column({ type: 'varchar', length: 16 })
  hint: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  label: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'revoked_at', type: 'datetime', precision: 3, nullable: true })
  revokedAt: Date | null;

  // When the token was printed for someone; null: made by a start that stopped before printing it.
  @Column({ name: 'shown_at', type: 'datetime', precision: 3, nullable: true })
  shownAt: Date | null;
}
