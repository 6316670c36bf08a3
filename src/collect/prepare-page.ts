import type { Candle, Range, Series } from '../domain.js';
import { interpretPage, type PageResult } from '../planner/interpret-page.js';
import { validatePage, type QualityFinding } from '../planner/validate-page.js';
import type { CandleColumns } from '../writer/candle-columns.js';
import type { CandleCopyRows } from '../writer/candle-copy-rows.js';
import { restCopyRows } from '../writer/rest-copy-rows.js';

/** What a page's answer says, without its candles. */
export type PageFacts = Omit<PageResult, 'candles'> & {
  /** Open time of the first candle stored from the page (null when none). */
  readonly firstCandle: number | null;
};

/** Which archive file a page's candles come from, recorded with them (sql/000010). */
export interface ArchiveProvenance {
  readonly file: string;
  readonly sha256: string;
  /** Rows the file holds (all of them, not only those stored). */
  readonly rows: number;
  /** The stretches the page's candles cover without a hole. */
  readonly ranges: readonly Range[];
}

/** A page's answer as it waits for its write: COPY rows (or columns), not a thousand parsed rows. */
export interface PreparedPage {
  readonly page: PageFacts;
  /** COPY rows: a REST page's thousand candles, an archive file's tens of thousands (writer/write-copy-rows.ts). */
  readonly candles: CandleColumns | CandleCopyRows;
  readonly findings: readonly QualityFinding[];
  /** The newest open time anywhere in the answer, in the range or past it. */
  readonly newestOpen: number | null;
  /** Set by the archive source: the file the candles were read from. Absent: from the REST klines endpoint. */
  readonly provenance?: ArchiveProvenance;
}

/**
 * Checks and interprets one klines answer for `range`, in the tick it is parsed (collect-series.ts), and encodes
 * the candles to store as the rows of one COPY (writer/rest-copy-rows.ts): a few buffers, not a thousand objects.
 */
export function preparePage(series: Pick<Series, 'id' | 'interval'>, range: Range, raw: readonly Candle[], answerTime: number | undefined, limit: number): PreparedPage {
  const checked = validatePage(range, raw);
  let newestOpen: number | null = null;
  let nextOpen: number | null = null;
  for (const c of raw) {
    if (newestOpen === null || c.openTime > newestOpen) newestOpen = c.openTime;
    if (c.openTime >= range.to && (nextOpen === null || c.openTime < nextOpen)) nextOpen = c.openTime;
  }
  const { candles, ...page } = interpretPage(series.interval, range, { candles: checked.candles, newestOpen, nextOpen, full: raw.length >= limit, answerTime });
  // A candle not final yet is not stored, so neither is what was found wrong with it: it is checked again when it is.
  const findings = checked.findings.filter((f) => f.openTime < page.answeredTo);
  return { page: { ...page, firstCandle: candles[0]?.openTime ?? null }, candles: restCopyRows(series.id, series.interval, candles), findings, newestOpen };
}
