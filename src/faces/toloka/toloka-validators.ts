import { Max, Min, ValidateBy, ValidationOptions } from 'class-validator';

// class-validator helpers of the v1 face; they carry what §3.3's payload needs (params: [bound]).

export const MinBound = (bound: number) => Min(bound, { context: { params: [bound] } });
export const MaxBound = (bound: number) => Max(bound, { context: { params: [bound] } });

/** `metadata`: an object mapping strings to arrays of strings (§7.2). */
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

/** `reward_per_assignment`: 0, or at least 0.005 (§7.2). */
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
