import type { PagePlan } from '../collect/candle-source.js';
import type { Range } from '../domain.js';
import { addSlots, alignDown, alignUp, countSlots } from '../planner/intervals.js';
import { clipRanges, normalizeRanges } from '../planner/ranges.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * How long after a period's last candle closed its file is expected (../shared/binance-api.md: daily files appear
 * about 8–9 h after the day, monthly ones early in the next month). Asked earlier, a file is usually not there yet
 * (404): harmless, REST takes the range, but a wasted request.
 */
export const DAILY_LAG_MS = 12 * HOUR;
export const MONTHLY_LAG_MS = 3 * DAY;

/** A monthly file larger than this many candles (a month of `1s`: 2.6 M) is not used: daily files keep pages small. */
const MAX_PAGE_CANDLES = 50_000;
const MONTHLY_ONLY = new Set(['3d', '1w', '1M']);

export type ArchivePeriodKind = 'monthly' | 'daily';

/**
 * One page of the archive source: one file, read for `parts` (the missing ranges inside its period; the page's own
 * range is their hull, so that the engine sees one range per page).
 */
export interface ArchivePage extends Range {
  readonly kind: ArchivePeriodKind;
  readonly period: Range;
  readonly parts: readonly Range[];
  /** The candles the parts should hold by the interval's grid. */
  readonly candles: number;
}

export const archiveIntervalName = (interval: string): string => (interval === '1M' ? '1mo' : interval);

/** `2025-01` or `2025-01-02`: the period's part of the file name. */
export function periodName(kind: ArchivePeriodKind, period: Range): string {
  const iso = new Date(period.from).toISOString();
  return kind === 'monthly' ? iso.slice(0, 7) : iso.slice(0, 10);
}

/** The archive path of a series' file, from the host's root: `/data/spot/daily/klines/BTCUSDT/1m/BTCUSDT-1m-2025-01-02.zip`. */
export function archivePath(symbol: string, interval: string, kind: ArchivePeriodKind, period: Range): string {
  const i = archiveIntervalName(interval);
  return `/data/spot/${kind}/klines/${symbol}/${i}/${symbol}-${i}-${periodName(kind, period)}.zip`;
}

function monthOf(t: number): Range {
  const d = new Date(t);
  return { from: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), to: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) };
}

/** The file of a period is expected once its last candle (a week may close in the next month) closed a lag ago. */
export function isPublished(interval: string, kind: ArchivePeriodKind, period: Range, now: number): boolean {
  const lastOpen = alignDown(interval, period.to - 1);
  const lastClose = addSlots(interval, lastOpen, 1);
  return now >= Math.max(period.to, lastClose) + (kind === 'daily' ? DAILY_LAG_MS : MONTHLY_LAG_MS);
}

const hull = (parts: readonly Range[]): Range => ({ from: parts[0]!.from, to: parts[parts.length - 1]!.to });
const gridCandles = (interval: string, parts: readonly Range[]): number => parts.reduce((n, p) => n + countSlots(interval, alignUp(interval, p.from), p.to), 0);

/**
 * The archive's pages for `missing`: a month the archive should hold as one monthly file (unless only a day of it is
 * missing, or its file would be too large), else the days it should hold as daily files. What it should not hold
 * yet (the current day, days inside the publication lag) gets no page: another source answers for it, and so it does
 * for a page that would fill fewer than `minCandles` (a file to download for what one request of it gets).
 */
export function planArchivePages(interval: string, missing: readonly Range[], now: number, minCandles = 0): ArchivePage[] {
  const ranges = normalizeRanges(missing);
  const pages: ArchivePage[] = [];
  const last = ranges[ranges.length - 1];
  if (!last) return pages;
  const hasDaily = !MONTHLY_ONLY.has(interval);
  for (let month = monthOf(ranges[0]!.from); month.from < last.to; month = monthOf(month.to)) {
    const parts = clipRanges(ranges, month);
    if (parts.length === 0) continue;
    const h = hull(parts);
    const oneDay = alignDown('1d', h.from) === alignDown('1d', h.to - 1);
    const monthlyFits = countSlots(interval, month.from, month.to) <= MAX_PAGE_CANDLES;
    if (monthlyFits && isPublished(interval, 'monthly', month, now) && (!oneDay || !hasDaily)) {
      pages.push({ ...h, kind: 'monthly', period: month, parts, candles: gridCandles(interval, parts) });
      continue;
    }
    if (!hasDaily) continue;
    for (let day = alignDown('1d', h.from); day < h.to; day += DAY) {
      const period = { from: day, to: day + DAY };
      const inDay = clipRanges(parts, period);
      if (inDay.length === 0 || !isPublished(interval, 'daily', period, now)) continue;
      pages.push({ ...hull(inDay), kind: 'daily', period, parts: inDay, candles: gridCandles(interval, inDay) });
    }
  }
  return minCandles > 0 ? pages.filter((p) => p.candles >= minCandles) : pages;
}

/** The pages of planArchivePages as a PagePlan (collect/candle-source.ts), handed out in order. */
export class ArchivePagePlan implements PagePlan {
  private index = 0;
  constructor(
    private readonly pages: ArchivePage[],
    private readonly replan: (r: Range) => ArchivePage[],
  ) {}

  current(): Range | null {
    return this.pages[this.index] ?? null;
  }

  next(): Range | null {
    return this.pages[this.index++] ?? null;
  }

  skipTo(t: number): Range | null {
    const first = this.pages[this.index];
    if (!first || t <= first.from) return null;
    while ((this.pages[this.index]?.to ?? Infinity) <= t) this.index++;
    return { from: first.from, to: Math.min(t, this.pages[this.index - 1]?.to ?? t) };
  }

  prepend(r: Range): void {
    this.pages.splice(this.index, 0, ...this.replan(r));
  }
}
