// Ids on every face are positive integers up to BIGINT's maximum (2^63 - 1), whatever the column
// of the object behind them: a larger-than-stored id is well formed and names nothing, so it gets
// the answer of any missing id (404, or the face's invalid reference), never a range error.

const MAX_ID_DIGITS = '9223372036854775807';

/** The largest id as a JSON number can carry it (2^63 - 1 rounds to 2^63). */
export const MAX_ID = 2 ** 63;

/** Whether `text` is a decimal id: digits only, 1 to 2^63 - 1 (leading zeros allowed). */
export function isIdText(text: string): boolean {
  if (!/^\d+$/.test(text)) return false;
  const digits = text.replace(/^0+/, '');
  if (digits === '') return false;
  return (
    digits.length < MAX_ID_DIGITS.length ||
    (digits.length === MAX_ID_DIGITS.length && digits <= MAX_ID_DIGITS)
  );
}

/** Whether a JSON number is an id (above 2^53 it is approximate, and names nothing stored). */
export function isIdNumber(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= MAX_ID;
}

/** The id in a JSON number or a decimal string, or undefined when it is not one. */
export function parseIdValue(value: unknown): number | undefined {
  if (typeof value === 'number') return isIdNumber(value) ? value : undefined;
  if (typeof value === 'string' && isIdText(value)) return Number(value);
  return undefined;
}

/** An id or zero, as a filter value or a range bound: well formed, though 0 names nothing. */
export function isIdOrZeroText(text: string): boolean {
  return isIdText(text) || /^0+$/.test(text);
}
