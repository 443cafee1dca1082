/**
 * A `contains` pattern for LIKE, with `!` as the escape character: SQLite has no default escape
 * and MySQL reads backslashes in string literals, so `LIKE ? ESCAPE '!'` is the form both accept.
 */
export function containsPattern(text: string): string {
  return `%${text.replace(/[!%_]/g, (c) => `!${c}`)}%`;
}

export const LIKE_ESCAPE = "ESCAPE '!'";
