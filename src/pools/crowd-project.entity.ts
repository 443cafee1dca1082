import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type CrowdProjectStatus = 'ACTIVE' | 'ARCHIVED';

/** A v1 (Toloka-style) project: a task spec and its pools. Not the task store's `projects`. */
@Entity('crowd_projects')
export class CrowdProject {
  // BIGINT on MySQL (a string through mysql2), INTEGER on SQLite: read it through String().
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'account_id', type: 'int' })
  accountId: number;

  @Column({ type: 'varchar', length: 16 })
  status: CrowdProjectStatus;

  @Column({ name: 'public_name', type: 'varchar', length: 1024 })
  publicName: string;

  @Column({ name: 'private_comment', type: 'varchar', length: 1024, nullable: true })
  privateComment: string | null;

  /**
   * Every writable field as received, serialized JSON.
   * MEDIUMTEXT on MySQL/MariaDB (migration 1763800700000), TEXT on SQLite.
   */
  @Column({ type: 'text' })
  body: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
