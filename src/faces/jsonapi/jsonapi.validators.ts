import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { isIdText, MAX_ID } from '../../common/ids';
import { MaxChars } from '../../common/max-chars';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsISO8601,
  IsDefined,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateIf,
} from 'class-validator';

// Attribute decorators of the v2 face: each validates one kind of attribute and describes it in
// Swagger. "Absent" and null differ: an optional attribute may be left out; a nullable one may
// also be sent as null to clear it.

interface Options {
  required?: boolean;
  nullable?: boolean;
  description?: string;
  example?: unknown;
}

function presence({ required, nullable }: Options) {
  if (required) return [IsDefined()];
  return nullable ? [IsOptional()] : [ValidateIf((_o, v) => v !== undefined)];
}

function doc(type: object, options: Options) {
  const base = {
    ...type,
    description: options.description,
    example: options.example,
    nullable: options.nullable,
  };
  return options.required ? ApiProperty(base) : ApiPropertyOptional(base);
}

// Ids are positive integers up to BIGINT's maximum; a numeric string is accepted and normalised
// (docs/v2.md#request). One beyond what a column stores names nothing: a reference check answers it.
const toId = ({ value }: { value: unknown }) =>
  typeof value === 'string' && isIdText(value) ? Number(value) : value;

export const IdAttribute = (options: Options = {}) =>
  applyDecorators(
    Transform(toId),
    ...presence(options),
    IsInt({ message: '$property must be an id (a positive integer)' }),
    Min(1),
    Max(MAX_ID, { message: '$property must be an id (at most 9223372036854775807)' }),
    doc({ type: 'integer', format: 'int64', minimum: 1 }, { example: 42, ...options }),
  );

// Lists of ids are bounded: each id is a bound parameter of one statement (SQLite takes 32,766).
const ID_LIST_MAX = 1000;

export const IdListAttribute = ({
  maxItems = ID_LIST_MAX,
  ...options
}: Options & { maxItems?: number } = {}) =>
  applyDecorators(
    Transform(({ value }) => (Array.isArray(value) ? value.map((v) => toId({ value: v })) : value)),
    ...presence(options),
    IsArray({ message: '$property must be a list of ids' }),
    ArrayMaxSize(maxItems),
    IsInt({ each: true, message: '$property must be a list of ids' }),
    Min(1, { each: true }),
    Max(MAX_ID, { each: true, message: '$property must be a list of ids' }),
    doc(
      { type: 'array', items: { type: 'integer', format: 'int64' }, maxItems },
      { example: [5, 6], ...options },
    ),
  );

/** A string of at most `maxLength` characters (code points, as the database counts them). */
export const TextAttribute = (maxLength: number, options: Options = {}) =>
  applyDecorators(
    ...presence(options),
    IsString(),
    ...(options.required ? [IsNotEmpty()] : []),
    MaxChars(maxLength),
    doc({ type: 'string', maxLength }, options),
  );

// RFC 9110 media type: type/subtype with optional parameters, in visible ASCII only, so that it
// can go back out as a Content-Type header value as stored.
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const QUOTED = '"(?:[\\t\\x20\\x21\\x23-\\x5b\\x5d-\\x7e]|\\\\[\\t\\x20-\\x7e])*"';
const MEDIA_TYPE = new RegExp(`^${TOKEN}/${TOKEN}(?:[ \\t]*;[ \\t]*${TOKEN}=(?:${TOKEN}|${QUOTED}))*$`);
export const MEDIA_TYPE_MAX = 255;

export function isMediaType(value: string): boolean {
  return value.length <= MEDIA_TYPE_MAX && MEDIA_TYPE.test(value);
}

export const MediaTypeAttribute = (options: Options = {}) =>
  applyDecorators(
    ...presence(options),
    IsString(),
    Matches(MEDIA_TYPE, { message: '$property must be a media type (type/subtype)' }),
    MaxLength(MEDIA_TYPE_MAX),
    doc({ type: 'string', maxLength: MEDIA_TYPE_MAX }, options),
  );

/** A JSON value that serializes to at most `max` UTF-8 bytes (free-form data stored as text). */
export function JsonMaxBytes(max: number): PropertyDecorator {
  return ValidateBy({
    name: 'jsonMaxBytes',
    constraints: [max],
    validator: {
      validate: (value: unknown) =>
        value === undefined || Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8') <= max,
      defaultMessage: () => `$property must serialize to at most ${max} bytes of JSON`,
    },
  });
}

export const BooleanAttribute = (options: Options = {}) =>
  applyDecorators(
    ...presence(options),
    IsBoolean(),
    doc({ type: 'boolean' }, { example: false, ...options }),
  );

export const IntAttribute = (min: number, max: number, options: Options = {}) =>
  applyDecorators(
    ...presence(options),
    IsInt(),
    Min(min),
    Max(max),
    doc({ type: 'integer', minimum: min, maximum: max }, options),
  );

export const DateAttribute = (options: Options = {}) =>
  applyDecorators(
    ...presence(options),
    Matches(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, {
      message: '$property must be a date (YYYY-MM-DD)',
    }),
    // The pattern lets 2026-02-31 through; a strict ISO 8601 check knows the calendar.
    IsISO8601({ strict: true }, { message: '$property must be a date that exists' }),
    doc({ type: 'string', format: 'date' }, { example: '2026-06-15', ...options }),
  );

export const TimeAttribute = (options: Options = {}) =>
  applyDecorators(
    ...presence(options),
    Matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: '$property must be a time (HH:MM)' }),
    doc({ type: 'string', pattern: '^\\d{2}:\\d{2}$' }, { example: '17:30', ...options }),
  );

export const DateTimeAttribute = (options: Options = {}) =>
  applyDecorators(
    ...presence(options),
    Matches(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/, {
      message: '$property must be an ISO 8601 date-time with an offset',
    }),
    doc({ type: 'string', format: 'date-time' }, { example: '2026-06-01T09:00:00.000Z', ...options }),
  );
