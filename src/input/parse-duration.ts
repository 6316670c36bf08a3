import { UsageError } from '../errors.js';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** A span given on the command line, in seconds: `24h`, `90m`, `7d`, `1w`, `1d12h` (units s m h d w; ten years at most). */
export function parseDuration(flag: string, value: string): number {
  const bad = () => new UsageError(`${flag} "${value}" is not a duration such as 24h, 90m, 7d or 1d12h (units s m h d w)`);
  if (!/^(\d+[smhdw])+$/.test(value)) throw bad();
  let seconds = 0;
  for (const [, n, unit] of value.matchAll(/(\d+)([smhdw])/g)) seconds += Number(n) * (UNIT_SECONDS[unit ?? 's'] ?? 1);
  if (seconds < 1 || seconds > 10 * 366 * 86_400) throw bad();
  return seconds;
}
