import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A person tasks are assigned to: the widget's `users`, v2's `people`. */
@Entity('people')
export class Person {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ name: 'account_id', type: 'int' })
  accountId: number;

  /** The widget's `label` is `first_name` + ' ' + `last_name` (split at the first space). */
  @Column({ name: 'first_name', type: 'varchar', length: 255 })
  firstName: string;

  @Column({ name: 'last_name', type: 'varchar', length: 255, default: '' })
  lastName: string;

  @Column({ name: 'avatar_url', type: 'varchar', length: 2048, nullable: true })
  avatarUrl: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  color: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
