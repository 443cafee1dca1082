import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsDefined, IsInt, IsNumber, IsOptional, IsString, ValidateNested } from 'class-validator';
import { MaxChars } from '../../common/max-chars';
import { IsTolokaDateTime } from './toloka-time';
import {
  IsNotBlank,
  IsOmittable,
  IsReward,
  MaxBound,
  MinBound,
  OptionalJsonObject,
  OptionalMetadata,
} from './toloka-validators';

// Pool bodies of the v1 face (docs/v1.md#pool-object). Read-only fields that toloka-kit
// sends back (id, owner, status, created, …) and unknown keys are stripped by the global pipe.

const toIdString = ({ value }: { value: unknown }) => (typeof value === 'number' ? String(value) : value);

export class PoolDefaultsForm {
  @ApiProperty({ example: 1, minimum: 1, maximum: 30000 })
  @IsDefined()
  @IsInt()
  @MinBound(1)
  @MaxBound(30000)
  default_overlap_for_new_task_suites: number;

  @ApiPropertyOptional({ example: 3, minimum: 1, maximum: 30000 })
  @IsOptional()
  @IsInt()
  @MinBound(1)
  @MaxBound(30000)
  default_overlap_for_new_tasks?: number;
}

export class AssignmentsIssuingConfigForm {
  @ApiPropertyOptional({ example: true })
  @IsOptional()
  @IsBoolean()
  issue_task_suites_in_creation_order?: boolean;
}

/** Create (POST) and full replacement (PUT) of a pool. */
export class PoolForm {
  @ApiProperty({ example: '12', description: 'An ACTIVE project of the caller; immutable' })
  @Transform(toIdString)
  @IsDefined()
  @IsString()
  @IsNotBlank()
  project_id: string;

  @ApiProperty({ example: 'Sidewalk photos, batch 7', maxLength: 255 })
  @IsDefined()
  @IsString()
  @IsNotBlank()
  @MaxChars(255)
  private_name: string;

  @ApiPropertyOptional({ example: 'Second run after the instructions fix' })
  @IsOptional()
  @IsString()
  private_comment?: string;

  @ApiPropertyOptional({ example: 'Find the sidewalk in each photo' })
  @IsOptional()
  @IsString()
  public_description?: string;

  @ApiPropertyOptional({ example: '<p>Outline every sidewalk.</p>' })
  @IsOptional()
  @IsString()
  public_instructions?: string;

  @ApiPropertyOptional({ example: false, description: 'Stored as false when absent, always returned' })
  @IsOptional()
  @IsBoolean()
  may_contain_adult_content?: boolean;

  @ApiProperty({ example: '2030-01-01T00:00:00.000', description: 'UTC; no "must be future" check' })
  @IsDefined()
  @IsTolokaDateTime()
  will_expire: string;

  @ApiProperty({ example: 0.05, description: '0, or at least 0.005 (USD); a JSON number' })
  @IsDefined()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @IsReward()
  reward_per_assignment: number;

  @ApiProperty({ example: 600, minimum: 5, maximum: 2147483647 })
  @IsDefined()
  @IsInt()
  @MinBound(5)
  @MaxBound(2147483647)
  assignment_max_duration_seconds: number;

  @ApiProperty({ type: PoolDefaultsForm })
  @IsDefined()
  @ValidateNested()
  @Type(() => PoolDefaultsForm)
  defaults: PoolDefaultsForm;

  @ApiPropertyOptional({ example: true, description: 'Default true, always returned' })
  @IsOptional()
  @IsBoolean()
  auto_accept_solutions?: boolean;

  @ApiPropertyOptional({ example: 7, minimum: 1, maximum: 21 })
  @IsOptional()
  @IsInt()
  @MinBound(1)
  @MaxBound(21)
  auto_accept_period_day?: number;

  @ApiPropertyOptional({ example: 0, minimum: 0, maximum: 259200, description: 'Default 0, always returned' })
  @IsOptional()
  @IsInt()
  @MinBound(0)
  @MaxBound(259200)
  auto_close_after_complete_delay_seconds?: number;

  @ApiPropertyOptional({ type: AssignmentsIssuingConfigForm })
  @IsOptional()
  @ValidateNested()
  @Type(() => AssignmentsIssuingConfigForm)
  assignments_issuing_config?: AssignmentsIssuingConfigForm;

  @ApiPropertyOptional({ example: 0, minimum: 0, maximum: 100, description: 'Default 0, always returned' })
  @IsOmittable()
  @IsInt()
  @MinBound(0)
  @MaxBound(100)
  priority?: number;

  @OptionalJsonObject(
    { and: [{ or: [{ category: 'profile', key: 'country', operator: 'EQ', value: 'NL' }] }] },
    'And/or tree of conditions; stored and returned as sent',
  )
  filter?: Record<string, unknown>;

  @OptionalJsonObject({ configs: [] })
  quality_control?: Record<string, unknown>;

  @OptionalJsonObject({ type: 'TOP_PERCENTAGE_BY_QUALITY', percent: 80 })
  speed_quality_balance?: Record<string, unknown>;

  @OptionalJsonObject({ type: 'SKILL', skill_id: '21', intervals: [] })
  dynamic_pricing_config?: Record<string, unknown>;

  @OptionalJsonObject({ type: 'BASIC', max_overlap: 5 })
  dynamic_overlap_config?: Record<string, unknown>;

  @OptionalJsonObject({ real_tasks_count: 10, golden_tasks_count: 0, training_tasks_count: 0 })
  mixer_config?: Record<string, unknown>;

  @OptionalJsonObject({ training_skill_ttl_days: 5 })
  training_config?: Record<string, unknown>;

  @OptionalMetadata()
  metadata?: Record<string, string[]>;
}

/** PATCH: only `priority`; other keys are ignored. */
export class PoolPatchForm {
  @ApiPropertyOptional({ example: 10, minimum: 0, maximum: 100 })
  @IsOmittable()
  @IsInt()
  @MinBound(0)
  @MaxBound(100)
  priority?: number;
}
