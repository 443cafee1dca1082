import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsObject, IsOptional, ValidateIf } from 'class-validator';
import { BooleanAttribute, DateAttribute, JsonMaxBytes, TextAttribute } from './jsonapi.validators';

/** The longest title_prefix (a copy's title is cut to 255 characters with it). */
export const TITLE_PREFIX_MAX = 100;
/** The most people an assignee_map may name. */
export const ASSIGNEE_MAP_MAX = 500;

/**
 * The options every v2 copy takes (tasks/copy, task_lists/copy, projects/copy): date shifting,
 * people replaced, titles prefixed (docs/v2.md#copy-options).
 */
export class CopyOptionAttributes {
  @DateAttribute({
    description:
      'With copy_date: move every copied date by one delta so the earliest start (shift_mode start) or the latest due date (end) lands on this date',
  })
  shift_dates_to?: string;

  @ApiPropertyOptional({ enum: ['start', 'end'], default: 'start' })
  @ValidateIf((_o, v) => v !== undefined)
  @IsIn(['start', 'end'])
  shift_mode?: 'start' | 'end';

  @BooleanAttribute({
    description:
      'With shift_dates_to: a shifted date on a Saturday or Sunday moves to the Monday after; a task with start and due keeps its length in working days. Default false.',
  })
  skip_weekends?: boolean;

  @TextAttribute(TITLE_PREFIX_MAX, {
    description: `Prepended to the title of every copied task (at most ${TITLE_PREFIX_MAX} characters; a title is cut to 255)`,
    example: '[Acme] ',
  })
  title_prefix?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { '1': 2 },
    description: `Old person id → new person id (people of the organization only, at most ${ASSIGNEE_MAP_MAX}), applied to assignees, subscribers, todo assignees and person custom fields before the membership filter`,
  })
  @IsOptional()
  @IsObject()
  @JsonMaxBytes(16_384)
  assignee_map?: Record<string, unknown>;
}
