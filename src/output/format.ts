/**
 * The compact forms of the human output (status, gaps, run summaries); `--json` keeps the exact values (ISO 8601
 * times, seconds, ratios).
 */

/**
 * `2024-11-12 00:00` (UTC). A candle's open time keeps its seconds when it has some (a 1s series); a run's times
 * (`seconds: false`) are to the minute.
 */
export function compactTime(iso: string | null, options: { seconds?: boolean } = {}): string {
  if (iso === null) return '-';
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  const s = t.toISOString();
  const seconds = s.slice(17, 19);
  return `${s.slice(0, 10)} ${s.slice(11, 16)}${seconds === '00' || options.seconds === false ? '' : `:${seconds}`}`;
}

/** The date alone: `2024-01-01`. */
export function compactDate(iso: string | null): string {
  return iso === null ? '-' : iso.slice(0, 10);
}

const UNITS: ReadonlyArray<[string, number]> = [
  ['d', 86_400],
  ['h', 3600],
  ['m', 60],
  ['s', 1],
];

/**
 * A duration in its two largest units: `45s`, `5m 12s`, `2h 5m`, `3d 4h` (a unit of zero left out: `2h`). A run's
 * duration under ten seconds keeps a tenth (`8.5s`): runs that short are the common case of a current forward.
 */
export function compactDuration(seconds: number, options: { tenths?: boolean } = {}): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '-';
  if ((options.tenths ?? true) && seconds < 9.95) return `${seconds.toFixed(1)}s`;
  const total = Math.round(seconds);
  const amounts = UNITS.map(([unit, size], i): [string, number] => [unit, Math.floor((i === 0 ? total : total % (UNITS[i - 1]?.[1] ?? 1)) / size)]);
  const first = amounts.findIndex(([, n]) => n > 0);
  const [unit, n] = amounts[first] ?? ['s', 0];
  const next = amounts[first + 1];
  return next !== undefined && next[1] > 0 ? `${n}${unit} ${next[1]}${next[0]}` : `${n}${unit}`;
}

/** A share as a percentage with two decimals, never rounded up to 100.00% while something is missing. */
export function percent(ratio: number): string {
  const hundredths = Math.floor(ratio * 10_000 + 1e-9);
  return `${(hundredths / 100).toFixed(2)}%`;
}

/** Thousands separators: `1,234,567`. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** `1 series`, `2 gaps`: English plurals of the words these outputs use. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}
