import { ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';
import { MaxChars } from '../../common/max-chars';
import {
  BooleanAttribute,
  DateAttribute,
  IdAttribute,
  IdListAttribute,
  IntAttribute,
  JsonMaxBytes,
  TextAttribute,
  TimeAttribute,
} from './jsonapi.validators';

// Custom field values are free-form JSON; the bound keeps a task's values a modest row.
const CUSTOM_FIELDS_MAX_BYTES = 65_535;

const trim = Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

/** Attributes of POST /api/v2/tasks (docs/v2.md#tasks). */
export class TaskCreateAttributes {
  @trim
  @TextAttribute(255, { required: true, example: 'Book the venue' })
  title: string;

  @IdAttribute({ required: true, example: 31002 })
  project_id: number;

  @IdAttribute({ nullable: true, description: 'Create the task as a subtask of this one (same project)' })
  parent_task_id?: number | null;

  @TextAttribute(65535, { nullable: true, example: '<p>Three quotes first.</p>' })
  description?: string | null;

  @BooleanAttribute()
  private?: boolean;

  @IdAttribute({ required: true, description: 'A task list of the project', example: 7781 })
  task_list_id: number;

  @IdAttribute({
    required: true,
    description: "A status of the project's workflow; a closed-category status closes the task",
    example: 101,
  })
  workflow_status_id: number;

  @IdAttribute({ nullable: true, description: 'A person (the first of the task’s assigned people)' })
  assignee_id?: number | null;

  @IdListAttribute({ description: 'People notified about the task' })
  subscriber_ids?: number[];

  @ApiPropertyOptional({ type: [String], example: ['onboarding'] })
  @ValidateIf((_o, v) => v !== undefined)
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxChars(255, { each: true })
  tag_list?: string[];

  @DateAttribute({ nullable: true })
  start_date?: string | null;

  @DateAttribute({ nullable: true })
  due_date?: string | null;

  @TimeAttribute({ nullable: true })
  due_time?: string | null;

  @IntAttribute(0, 100, { nullable: true, description: 'Recurrence schedule' })
  repeat_schedule_id?: number | null;

  @IntAttribute(1, 1000, { nullable: true })
  repeat_on_interval?: number | null;

  @IntAttribute(1, 31, { nullable: true })
  repeat_on_monthday?: number | null;

  @ApiPropertyOptional({
    type: [Number],
    nullable: true,
    maxItems: 7,
    example: [1, 3],
    description: 'ISO weekdays 1..7',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(7)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(7, { each: true })
  repeat_on_weekday?: number[] | null;

  @DateAttribute({ nullable: true })
  repeat_on_date?: string | null;

  @IntAttribute(0, 10_000_000, { nullable: true, description: 'Minutes' })
  initial_estimate?: number | null;

  @IntAttribute(0, 10_000_000, { nullable: true, description: 'Minutes' })
  remaining_time?: number | null;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    example: { '117': 'Gold' },
    description: `Values keyed by task custom field id; at most ${CUSTOM_FIELDS_MAX_BYTES} bytes as JSON`,
  })
  @IsOptional()
  @IsObject()
  @JsonMaxBytes(CUSTOM_FIELDS_MAX_BYTES)
  custom_fields?: Record<string, unknown> | null;
}

/**
 * PATCH attributes: any of create's but the placement ones (structure changes through the store's
 * move). Absent = unchanged; null clears only where null is allowed.
 */
export class TaskUpdateAttributes extends PartialType(
  OmitType(TaskCreateAttributes, ['project_id', 'parent_task_id'] as const),
  {
    skipNullProperties: false,
  },
) {}
