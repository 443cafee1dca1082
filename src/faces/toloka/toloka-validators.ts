import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, ValidateBy, ValidateIf, ValidationOptions } from 'class-validator';

// class-validator helpers of the v1 face; they carry what the validation payload needs
// (params: [bound], docs/v1.md#validation-payload).

/**
 * A numeric bound. A value that is not a number passes, so that its field reports the type it
 * expects (INTEGER_EXPECTED, FLOAT_EXPECTED) rather than a bound it cannot be compared with.
 */
function bound(name: 'min' | 'max', limit: number): PropertyDecorator {
  return ValidateBy(
    {
      name,
      constraints: [limit],
      validator: {
        validate: (value: unknown) =>
          typeof value !== 'number' || (name === 'min' ? value >= limit : value <= limit),
        defaultMessage: () => `Must be ${name === 'min' ? 'at least' : 'at most'} ${limit}`,
      },
    },
    { context: { params: [limit] } },
  );
}

export const MinBound = (limit: number) => bound('min', limit);
export const MaxBound = (limit: number) => bound('max', limit);

/** A string with more than white space in it (BLANK_STRING_NOT_ALLOWED otherwise). */
export function IsNotBlank(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isNotEmpty',
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || value.trim() !== '',
        defaultMessage: () => 'Must not be blank',
      },
    },
    options,
  );
}

/** May be left out, but not sent as null (an optional field that must hold its type when given). */
export const IsOmittable = () => ValidateIf((_, value: unknown) => value !== undefined);

/** `metadata`: an object mapping strings to arrays of strings. */
export function IsStringArrayMap(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isObject',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'object' &&
          value !== null &&
          !Array.isArray(value) &&
          Object.values(value).every((v) => Array.isArray(v) && v.every((s) => typeof s === 'string')),
        defaultMessage: () => 'Expected an object mapping keys to arrays of strings',
      },
    },
    options,
  );
}

/** A plain JSON object (not an array, not null): the opaque configs of a pool or project. */
export function IsJsonObject(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isObject',
      validator: {
        validate: (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value),
        defaultMessage: () => 'Expected a JSON object',
      },
    },
    options,
  );
}

/** `reward_per_assignment`: 0, or at least 0.005. */
export function IsReward(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'VALUE_LESS_THAN_MIN',
      constraints: [0.005],
      validator: {
        validate: (value: unknown) => typeof value !== 'number' || value === 0 || value >= 0.005,
        defaultMessage: () => 'Must be 0 or at least 0.005',
      },
    },
    { ...options, context: { params: [0.005] } },
  );
}

/**
 * An optional opaque config of a pool or project: any JSON object, stored and returned as sent.
 * Its example keeps Swagger UI from filling it with `additionalProp` placeholders.
 */
export const OptionalJsonObject = (example: Record<string, unknown>, description?: string) =>
  applyDecorators(
    ApiPropertyOptional({
      type: 'object',
      additionalProperties: true,
      ...(description === undefined ? {} : { description }),
      example,
    }),
    IsOptional(),
    IsJsonObject(),
  );

/** The optional `metadata` of a pool or project: keys to arrays of strings. */
export const OptionalMetadata = () =>
  applyDecorators(
    ApiPropertyOptional({
      type: 'object',
      additionalProperties: { type: 'array', items: { type: 'string' } },
      example: { team: ['maps'] },
    }),
    IsOptional(),
    IsStringArrayMap(),
  );
