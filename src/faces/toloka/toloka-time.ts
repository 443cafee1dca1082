import { ValidateBy, ValidationOptions } from 'class-validator';

// Date-times of the v1 face (pools-and-operations.md §4.2).

/**
 * The one formatter of every v1 date: UTC, `YYYY-MM-DDTHH:mm:ss.sss`, no zone designator —
 * toloka-kit parses with Python's fromisoformat, which rejects a trailing `Z` before 3.11.
 */
export function formatTolokaDate(date: Date): string {
  return date.toISOString().slice(0, 23);
}

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|z|[+-]\d{2}:?\d{2})?$/;

/**
 * Accepts `YYYY-MM-DD` (midnight UTC) and `YYYY-MM-DDThh:mm[:ss[.f{1,9}]]` with an optional `Z` or
 * `±hh:mm` (converted to UTC); a value without zone is UTC. Keeps milliseconds. Null if invalid.
 */
export function parseTolokaDate(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const match = DATE_TIME.exec(value.trim());
  if (!match) return null;
  const [, y, mo, d, h = '00', mi = '00', s = '00', fraction = '', zone] = match;
  const ms = Number((fraction + '000').slice(0, 3));
  let time = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  const check = new Date(time);
  if (
    check.getUTCFullYear() !== Number(y) ||
    check.getUTCMonth() !== Number(mo) - 1 ||
    check.getUTCDate() !== Number(d) ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(s) > 59
  ) {
    return null;
  }
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const [zoneHours, zoneMinutes] = [Number(digits.slice(0, 2)), Number(digits.slice(2, 4))];
    if (zoneHours > 23 || zoneMinutes > 59) return null;
    time -= sign * (zoneHours * 60 + zoneMinutes) * 60_000;
  }
  // In UTC, still a year Python's datetime (and the formatter above) can hold.
  const year = new Date(time).getUTCFullYear();
  return year >= 1 && year <= 9999 ? new Date(time) : null;
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
