const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * An ISO-8601 date or date-time as the faces take it: `YYYY-MM-DD` (midnight UTC) or
 * `YYYY-MM-DD[T ]hh:mm[:ss[.f{1,9}]]` with an optional `Z` or `±hh[:]mm`; no zone is UTC. Keeps
 * milliseconds. Null when it is not one, or names an impossible moment (February 30th, 24:00, an
 * offset of 24 hours): the Date constructor would roll those over instead. Each face bounds the
 * year itself.
 */
export function parseIsoDateTime(text: string): Date | null {
  const match = DATE_TIME.exec(text.trim());
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
  return new Date(time);
}
