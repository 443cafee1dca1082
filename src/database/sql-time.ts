/**
 * Times are stored as UTC with millisecond precision: DATETIME(3) on MySQL/MariaDB, and the same
 * `YYYY-MM-DD HH:MM:SS.SSS` text on SQLite, so raw SQL can bind one format on both dialects.
 */
export function toSqlDateTime(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/** Reads a stored time back: mysql2 yields a Date (timezone 'Z'); SQLite yields the text above. */
export function fromSqlDateTime(value: Date | string | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  const iso = value.includes('T') ? value : value.replace(' ', 'T');
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`);
}
