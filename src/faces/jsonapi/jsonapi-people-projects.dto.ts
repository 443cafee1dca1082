import { ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsEmail, ValidateIf } from 'class-validator';
import type { PersonChanges } from '../../tasks/store/people.service';
import type { ProjectValues } from '../../tasks/store/projects.service';
import { BooleanAttribute, IdAttribute, IdListAttribute, TextAttribute } from './jsonapi.validators';

export class ProjectAttributes {
  @TextAttribute(255, { required: true, example: 'Acme onboarding' })
  name: string;

  @IdAttribute({ nullable: true, description: 'The status set of the project’s tasks' })
  workflow_id?: number | null;

  @IdListAttribute({
    nullable: true,
    description:
      'Task custom fields of the organization enabled for tasks of this project (at most 1,000); null (the default) enables them all',
  })
  task_custom_fields_ids?: number[] | null;
}

export class ProjectUpdateAttributes extends PartialType(ProjectAttributes, { skipNullProperties: false }) {}

export class PersonAttributes {
  @TextAttribute(255, { required: true, example: 'Ann' })
  first_name: string;

  @TextAttribute(255, { example: 'Lee' })
  last_name?: string;

  @ApiPropertyOptional({ example: 'ann@example.com', nullable: true })
  @ValidateIf((_o, v) => v !== undefined && v !== null)
  @IsEmail()
  email?: string | null;

  @TextAttribute(2048, { nullable: true, example: 'https://example.com/a.png' })
  avatar_url?: string | null;
}

export class PersonUpdateAttributes extends PartialType(PersonAttributes, { skipNullProperties: false }) {
  @BooleanAttribute({
    description: 'true deactivates the person: copies then drop them as assignee or subscriber',
  })
  deactivated?: boolean;
}

/** A project's attributes in the store's words (names trimmed). */
export function projectValuesOf(a: Partial<ProjectAttributes>): ProjectValues {
  return {
    name: a.name?.trim(),
    workflowId: a.workflow_id,
    taskCustomFieldsIds: a.task_custom_fields_ids,
  };
}

/** A person's attributes in the store's words (the first name trimmed). */
export function personChangesOf(a: Partial<PersonAttributes> & { deactivated?: boolean }): PersonChanges {
  return {
    firstName: a.first_name?.trim(),
    lastName: a.last_name,
    email: a.email,
    avatarUrl: a.avatar_url,
    deactivated: a.deactivated,
  };
}
