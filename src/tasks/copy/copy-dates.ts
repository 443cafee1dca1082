// Dates of a copy moved by shift_dates_to, optionally off weekends (docs/v2.md#dates-of-a-copy).

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00.000Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export const DAY_MS = 86_400_000;

/** Whole days from `from` to `to` (both YYYY-MM-DD). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** 0 Sunday … 6 Saturday. */
function weekday(date: string): number {
  return new Date(`${date}T00:00:00.000Z`).getUTCDay();
}

/** A Saturday or Sunday moves to the Monday after; any other day stays. */
export function offWeekend(date: string): string {
  const day = weekday(date);
  return day === 6 ? addDays(date, 2) : day === 0 ? addDays(date, 1) : date;
}

/** Monday-to-Friday days in (from, to]; 0 when `to` is not after `from`. */
export function workingDaysBetween(from: string, to: string): number {
  const total = daysBetween(from, to);
  if (total <= 0) return 0;
  const weeks = Math.floor(total / 7);
  let count = weeks * 5;
  for (let i = weeks * 7 + 1; i <= total; i++) {
    const day = weekday(addDays(from, i));
    if (day !== 0 && day !== 6) count++;
  }
  return count;
}

/** `n` working days after `from` (a weekday), skipping Saturdays and Sundays. */
export function addWorkingDays(from: string, n: number): string {
  let date = addDays(from, Math.floor(n / 5) * 7);
  for (let left = n % 5; left > 0; ) {
    date = addDays(date, 1);
    const day = weekday(date);
    if (day !== 0 && day !== 6) left--;
  }
  return date;
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

/** How every copied date moves: by `days`, then (skipWeekends) off a Saturday or Sunday. */
export interface ShiftRule {
  days: number;
  skipWeekends: boolean;
}

/** One date moved by the rule (a todo's due date, or a task's lone start or due date). */
export function shiftDate(date: string | null, rule: ShiftRule | null): string | null {
  if (date === null || rule === null) return date;
  const moved = rule.days ? addDays(date, rule.days) : date;
  return rule.skipWeekends ? offWeekend(moved) : moved;
}

/**
 * A task's start and due moved by the rule. With skipWeekends and both dates set, the start moves
 * off the weekend and the due date keeps the task's length in working days after it.
 */
export function shiftTaskDates(
  task: { startDate: string | null; dueAt: Date | null },
  rule: ShiftRule | null,
): { startDate: string | null; dueAt: Date | null } {
  if (rule === null) return task;
  const due = task.dueAt ? task.dueAt.toISOString().slice(0, 10) : null;
  const startDate = shiftDate(task.startDate, rule);
  let newDue = shiftDate(due, rule);
  if (rule.skipWeekends && task.startDate !== null && due !== null && due >= task.startDate) {
    newDue = addWorkingDays(startDate!, workingDaysBetween(task.startDate, due));
  }
  const dueAt =
    task.dueAt && due !== null && newDue !== null
      ? new Date(task.dueAt.getTime() + daysBetween(due, newDue) * DAY_MS)
      : task.dueAt;
  return { startDate, dueAt };
}
