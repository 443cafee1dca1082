// Dates of a copy moved by shift_dates_to (docs/v2.md#dates-of-a-copy).

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00.000Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export const DAY_MS = 86_400_000;

/** Whole days from `from` to `to` (both YYYY-MM-DD). */
function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/**
 * One delta, so that the earliest task start (mode start) or the latest task due
 * date (mode end) lands on `to`; todos move by the same delta but do not choose it. A copied set
 * without start dates anchors on its due dates (and the other way round); without either, 0.
 */
export function dateShiftDays(
  tasks: Array<{ startDate: string | null; dueAt: Date | null }>,
  shift: { to: string; mode: 'start' | 'end' },
): number {
  const starts = tasks.map((t) => t.startDate).filter((d): d is string => d !== null);
  const dues = tasks
    .map((t) => (t.dueAt ? t.dueAt.toISOString().slice(0, 10) : null))
    .filter((d): d is string => d !== null);
  const [primary, fallback] = shift.mode === 'start' ? [starts, dues] : [dues, starts];
  const dates = (primary.length ? primary : fallback).sort();
  if (dates.length === 0) return 0;
  const anchor = shift.mode === 'start' ? dates[0] : dates[dates.length - 1];
  return daysBetween(anchor, shift.to);
}
