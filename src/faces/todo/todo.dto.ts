import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  MaxLength,
  ValidateBy,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { isIdNumber } from '../../common/ids';
import { MaxChars } from '../../common/max-chars';
import type { SortField } from '../../tasks/store/tasks.service';
import { LABEL_MAX_CHARS } from './todo-input';

// The To Do face's bodies that a DTO can say: a label, a user, a sort. Absent and null differ
// little here: the widget sends null or "" for "none", and both read as none.

const trim = Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));
const emptyIsNull = Transform(({ value }) => (value === '' ? null : value));

const isObject = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A label: a string, trimmed, not empty, at most 255 characters. */
const Label = (example: string) =>
  applyDecorators(
    trim,
    IsString({ message: 'must be a string' }),
    IsNotEmpty({ message: 'must not be empty' }),
    MaxChars(LABEL_MAX_CHARS, { message: `must be at most ${LABEL_MAX_CHARS} characters` }),
    ApiProperty({ example, maxLength: LABEL_MAX_CHARS }),
  );

/** An optional text: absent, null or "" for none, else a string of at most `max` UTF-16 units. */
const OptionalText = (max: number, example: string) =>
  applyDecorators(
    emptyIsNull,
    IsOptional(),
    IsString({ message: `must be a string of at most ${max} characters` }),
    MaxLength(max, { message: `must be a string of at most ${max} characters` }),
    ApiPropertyOptional({ example, maxLength: max, nullable: true }),
  );

/** A requested server id (a number) or a temporary id (any string, ignored). */
const RequestedId = () =>
  applyDecorators(
    IsOptional(),
    ValidateBy({
      name: 'requestedId',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' || (typeof value === 'number' && isIdNumber(value)),
        defaultMessage: () => 'must be a positive integer id',
      },
    }),
    ApiPropertyOptional({
      oneOf: [{ type: 'integer', minimum: 1 }, { type: 'string' }],
      example: 'temp://1700000000200',
      description: 'A number asks for that id; a string is a temporary id and is ignored',
    }),
  );

/** POST /todo/users, PUT /todo/users/:id. */
export class TodoUserBody {
  @Label('Ann Lee')
  label: string;

  @OptionalText(2048, 'https://example.com/a1.png')
  avatar?: string | null;

  @OptionalText(64, '#0ab169')
  color?: string | null;
}

/** A project's label under `project`. */
export class TodoProjectLabel {
  @Label('Holidays')
  label: string;
}

/** A new project's fields under `project`. */
export class TodoProjectFields extends TodoProjectLabel {
  @RequestedId()
  id?: number | string;
}

/** PUT /todo/projects/:id: `label` flat or under `project` (an object; anything else is ignored). */
export class TodoProjectRenameBody {
  @ValidateIf((o: TodoProjectRenameBody) => !isObject(o.project))
  @Label('Trip to Porto ✈️')
  label?: string;

  @ApiPropertyOptional({ type: TodoProjectLabel })
  @ValidateIf((o: TodoProjectRenameBody) => isObject(o.project))
  @ValidateNested()
  @Type(() => TodoProjectLabel)
  project?: TodoProjectLabel;
}

/** POST /todo/projects: `label` flat or under `project`; a numeric `id` asks for that id. */
export class TodoProjectBody {
  @ValidateIf((o: TodoProjectBody) => !isObject(o.project))
  @Label('Holidays')
  label?: string;

  @RequestedId()
  id?: number | string;

  @ApiPropertyOptional({ type: TodoProjectFields })
  @ValidateIf((o: TodoProjectBody) => isObject(o.project))
  @ValidateNested()
  @Type(() => TodoProjectFields)
  project?: TodoProjectFields;
}

/** The widget's sort keys, and the task field each sorts by. */
export const TODO_SORTS: Record<string, SortField> = {
  text: 'title',
  due_date: 'dueAt',
  creation_date: 'createdAt',
  edited_date: 'editedAt',
  completion_date: 'closedAt',
  priority: 'priority',
};

/** PUT /todo/sort, PUT /todo/sort/:id. */
export class TodoSortBody {
  @ApiProperty({ enum: Object.keys(TODO_SORTS), example: 'text' })
  @IsIn(Object.keys(TODO_SORTS), { message: `must be one of ${Object.keys(TODO_SORTS).join(', ')}` })
  by: string;

  @ApiProperty({ enum: ['asc', 'desc'], example: 'asc' })
  @IsIn(['asc', 'desc'], { message: 'must be asc or desc' })
  dir: 'asc' | 'desc';
}
