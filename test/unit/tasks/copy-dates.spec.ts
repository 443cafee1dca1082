import {
  addWorkingDays,
  offWeekend,
  shiftDate,
  shiftTaskDates,
  workingDaysBetween,
} from '../../../src/tasks/copy/copy-dates';

// 2031-01-06 is a Monday.
const due = (date: string) => new Date(`${date}T17:00:00.000Z`);

describe('copy dates', () => {
  it('moves Saturday and Sunday to the Monday after, and leaves weekdays', () => {
    expect(offWeekend('2031-01-11')).toBe('2031-01-13');
    expect(offWeekend('2031-01-12')).toBe('2031-01-13');
    expect(offWeekend('2031-01-10')).toBe('2031-01-10');
  });

  it('counts and adds working days across weekends', () => {
    expect(workingDaysBetween('2031-01-06', '2031-01-10')).toBe(4);
    expect(workingDaysBetween('2031-01-10', '2031-01-13')).toBe(1);
    expect(workingDaysBetween('2031-01-06', '2031-01-20')).toBe(10);
    expect(workingDaysBetween('2031-01-10', '2031-01-10')).toBe(0);
    expect(addWorkingDays('2031-01-09', 2)).toBe('2031-01-13');
    expect(addWorkingDays('2031-01-06', 10)).toBe('2031-01-20');
    expect(addWorkingDays('2031-01-10', 0)).toBe('2031-01-10');
  });

  it('shifts one date by the delta, then off the weekend only with skipWeekends', () => {
    expect(shiftDate('2031-01-06', { days: 5, skipWeekends: false })).toBe('2031-01-11');
    expect(shiftDate('2031-01-06', { days: 5, skipWeekends: true })).toBe('2031-01-13');
    expect(shiftDate('2031-01-11', { days: 0, skipWeekends: true })).toBe('2031-01-13');
    expect(shiftDate(null, { days: 5, skipWeekends: true })).toBeNull();
    expect(shiftDate('2031-01-06', null)).toBe('2031-01-06');
  });

  it('keeps a task’s length in working days, and its due time of day', () => {
    const shifted = shiftTaskDates(
      { startDate: '2031-01-06', dueAt: due('2031-01-10') },
      { days: 5, skipWeekends: true },
    );
    expect(shifted).toEqual({ startDate: '2031-01-13', dueAt: due('2031-01-17') });
    // A due date before its start: each date on its own.
    expect(
      shiftTaskDates({ startDate: '2031-01-10', dueAt: due('2031-01-06') }, { days: 5, skipWeekends: true }),
    ).toEqual({ startDate: '2031-01-15', dueAt: due('2031-01-13') });
    // Without skipWeekends: one delta for both.
    expect(
      shiftTaskDates({ startDate: '2031-01-06', dueAt: due('2031-01-10') }, { days: 5, skipWeekends: false }),
    ).toEqual({ startDate: '2031-01-11', dueAt: due('2031-01-15') });
  });
});
