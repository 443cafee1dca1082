import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { MaxChars } from '../../common/max-chars';
import { IsJsonObject, IsNotBlank, OptionalJsonObject, OptionalMetadata } from './toloka-validators';

// Project bodies of the v1 face. Free-form objects carry an example, or Swagger UI would fill
// them with `additionalProp` placeholders.

export class TaskSpecForm {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { image: { type: 'url', required: true } },
  })
  @IsDefined()
  @IsJsonObject()
  input_spec: Record<string, unknown>;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { label: { type: 'string', required: true } },
  })
  @IsDefined()
  @IsJsonObject()
  output_spec: Record<string, unknown>;

  @OptionalJsonObject({ type: 'tb', config: {} })
  view_spec?: Record<string, unknown>;
}

/** Create (POST) and full replacement (PUT) of a project. */
export class ProjectForm {
  @ApiProperty({ example: 'Find sidewalks', maxLength: 1024 })
  @IsDefined()
  @IsString()
  @IsNotBlank()
  @MaxChars(1024)
  public_name: string;

  @ApiProperty({ example: 'Look at the photo and outline the sidewalk' })
  @IsDefined()
  @IsString()
  public_description: string;

  @ApiPropertyOptional({ example: '<p>Outline every sidewalk.</p>' })
  @IsOptional()
  @IsString()
  public_instructions?: string;

  @ApiPropertyOptional({ example: 'Pilot for the city map', maxLength: 1024 })
  @IsOptional()
  @IsString()
  @MaxChars(1024)
  private_comment?: string;

  @ApiProperty({ type: TaskSpecForm })
  @IsDefined()
  @ValidateNested()
  @Type(() => TaskSpecForm)
  task_spec: TaskSpecForm;

  @ApiPropertyOptional({
    enum: ['AUTOMATED', 'MAP_SELECTOR'],
    example: 'AUTOMATED',
    description: 'Default AUTOMATED',
  })
  @IsOptional()
  @IsIn(['AUTOMATED', 'MAP_SELECTOR'])
  assignments_issuing_type?: 'AUTOMATED' | 'MAP_SELECTOR';

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Required with MAP_SELECTOR',
    example: { title_template: 'Sidewalk near {{inputParams.address}}', description_template: '' },
  })
  @ValidateIf(
    (form: ProjectForm) =>
      form.assignments_issuing_type === 'MAP_SELECTOR' || form.assignments_issuing_view_config != null,
  )
  @IsDefined()
  @IsJsonObject()
  assignments_issuing_view_config?: Record<string, unknown>;

  @ApiPropertyOptional({ example: false })
  @IsOptional()
  @IsBoolean()
  assignments_automerge_enabled?: boolean;

  @ApiPropertyOptional({ example: 10 })
  @IsOptional()
  @IsInt()
  max_active_assignments_count?: number;

  @OptionalJsonObject({ configs: [] })
  quality_control?: Record<string, unknown>;

  @OptionalJsonObject({ default_language: 'EN', additional_languages: [] })
  localization_config?: Record<string, unknown>;

  @OptionalMetadata()
  metadata?: Record<string, string[]>;
}
