import { UsageError } from '../errors.js';

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * An ISO 8601 date or date-time as epoch ms. A bare date means 00:00 UTC, and so does a date-time without an
 * offset: storage is UTC, and the time zone of a cron host must not shift a backfill.
 */
export function parseDate(flag: string, value: string): number {
  const m = ISO.exec(value.trim());
  if (!m) throw new UsageError(`${flag} "${value}" is not an ISO 8601 date (e.g. 2024-01-01 or 2024-01-01T12:00:00Z)`);
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '0', zone = 'Z'] = m;
  const year = Number(y);
  const month = Number(mo) - 1;
  const day = Number(d);
  const base = Date.UTC(year, month, day);
  const check = new Date(base);
  // Date.UTC rolls 2024-02-30 over into March: a date that does not round-trip does not exist.
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month || check.getUTCDate() !== day || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
    throw new UsageError(`${flag} "${value}" is not a valid date`);
  }
  let offsetMin = 0;
  if (zone.toUpperCase() !== 'Z') {
    const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
    // Offsets in use run from -12:00 to +14:00; anything past ±14:00 is a typo, not a place.
    if (!z || Number(z[3]) > 59 || Number(z[2]) * 60 + Number(z[3]) > 14 * 60) {
      throw new UsageError(`${flag} "${value}" has an invalid UTC offset (from -14:00 to +14:00)`);
    }
    offsetMin = (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3]));
  }
  return base + ((Number(h) * 60 + Number(mi) - offsetMin) * 60 + Number(s)) * 1000 + Number(frac.padEnd(3, '0'));
}
