import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A task project (the widget's project, v2's `projects`); not a Toloka project. */
@Entity('projects')
export class Project {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ name: 'account_id', type: 'int' })
  accountId: number;

  /** /todo `label` ⇔ v2 `name`. */
  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
