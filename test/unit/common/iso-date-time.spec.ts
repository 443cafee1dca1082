import { parseIsoDateTime } from '../../../src/common/iso-date-time';

describe('parseIsoDateTime', () => {
  it('reads dates and date-times, with or without a zone, to UTC with milliseconds', () => {
    const iso = (text: string) => parseIsoDateTime(text)?.toISOString() ?? null;
    expect(iso('2030-11-02')).toBe('2030-11-02T00:00:00.000Z');
    expect(iso('2030-11-02T08:15')).toBe('2030-11-02T08:15:00.000Z');
    expect(iso('2030-11-02 08:15:30.123456')).toBe('2030-11-02T08:15:30.123Z');
    expect(iso('2030-11-02T08:15:30z')).toBe('2030-11-02T08:15:30.000Z');
    expect(iso('2030-11-02T08:15:30+02:00')).toBe('2030-11-02T06:15:30.000Z');
    expect(iso('2030-11-02T08:15:30-0130')).toBe('2030-11-02T09:45:30.000Z');
  });

  it('refuses what is not one, and impossible moments the Date constructor would roll over', () => {
    for (const text of [
      'tomorrow',
      '2030-02-30',
      '2030-13-01',
      '2030-11-02T24:00',
      '2030-11-02T23:60',
      '2030-11-02T23:59:60',
      '2030-11-02T08:15+24:00',
      '2030-11-02T08:15+02:60',
    ]) {
      expect(parseIsoDateTime(text)).toBeNull();
    }
  });
});
