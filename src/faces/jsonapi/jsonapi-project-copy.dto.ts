import { Transform } from 'class-transformer';
import { TaskFlagAttributes } from './jsonapi-task-list-copy.dto';
import { BooleanAttribute, IdAttribute, TextAttribute } from './jsonapi.validators';

/** The attributes of POST /api/v2/projects/copy (docs/v2.md#project-copy). */
export class ProjectCopyAttributes extends TaskFlagAttributes {
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @TextAttribute(255, { required: true, description: 'Name of the new project', example: 'Acme onboarding' })
  name: string;

  @IdAttribute({ required: true, description: 'The source project', example: 31002 })
  template_id: number;

  @BooleanAttribute({
    description: 'The project’s memberships (who may be assignee or subscriber). Default false.',
  })
  copy_memberships?: boolean;
}
