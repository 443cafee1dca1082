import { ValidateBy, ValidationOptions } from 'class-validator';
import { parseIsoDateTime } from '../../common/iso-date-time';

// Date-times of the v1 face (docs/v1.md#dates).

/**
 * The one formatter of every v1 date: UTC, `YYYY-MM-DDTHH:mm:ss.sss`, no zone designator —
 * toloka-kit parses with Python's fromisoformat, which rejects a trailing `Z` before 3.11.
 */
export function formatTolokaDate(date: Date): string {
  return date.toISOString().slice(0, 23);
}

/**
 * A v1 date-time (see parseIsoDateTime), or null; in UTC still a year that Python's datetime (and
 * the formatter above) can hold.
 */
export function parseTolokaDate(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const date = parseIsoDateTime(value);
  if (!date) return null;
  const year = date.getUTCFullYear();
  return year >= 1 && year <= 9999 ? date : null;
}

/** class-validator: a v1 date-time (reported as INVALID_DATE_TIME_SYNTAX). */
export function IsTolokaDateTime(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'dateTime',
      validator: {
        validate: (value: unknown) => parseTolokaDate(value) !== null,
        defaultMessage: () => 'Expected a date-time such as 2016-04-07T16:06:15.902',
      },
    },
    options,
  );
}
