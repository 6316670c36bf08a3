import { createHash } from 'node:crypto';
import pLimit from 'p-limit';
import { downloadArchiveFile, type ArchiveHttp } from '../archive/download-archive-file.js';
import { ArchivePagePlan, archivePath, planArchivePages, type ArchivePage } from '../archive/archive-pages.js';
import { ArchiveLineReader } from '../archive/archive-line-reader.js';
import { BadRowError, parseArchiveRow } from '../archive/parse-archive-row.js';
import { BadZipError, zipEntryChunks } from '../archive/zip-entry-lines.js';
import type { CandleSource } from '../collect/candle-source.js';
import type { ArchiveProvenance, PreparedPage } from '../collect/prepare-page.js';
import type { Range, Series } from '../domain.js';
import { InternalError } from '../errors.js';
import type { ArchiveFileOutcome, EmitRunEvent } from '../events/run-events.js';
import { addSlots } from '../planner/intervals.js';
import { subtractRanges } from '../planner/ranges.js';
import { checkCandleValues, type QualityFinding } from '../planner/validate-page.js';
import { CandleCopyRowsBuilder, type CandleCopyRows } from '../writer/candle-copy-rows.js';

/**
 * Files downloaded, parsed or waiting for their write at once: the archive is a CDN with no weight, the limits are
 * our memory and CPU. A file is taken while fewer than HELD_CANDLES candles are held (so three months of `1m` at
 * most, about 6 MB of rows each: one parsed while two are written, of two series — collect/collect-series.ts — so
 * that the database copies on both cores while the CLI reads), and small files (a day of `1m`: 1,440) go many at
 * a time and share their round trips.
 */
export const ARCHIVE_CONCURRENCY = 12;
const HELD_CANDLES = 100_000;

export interface ArchiveSourceOptions extends ArchiveHttp {
  /** The exchange's clock when the run began: which files the archive should hold by now. */
  readonly now: number;
  readonly emit: EmitRunEvent;
  readonly concurrency?: number;
  /**
   * Files that would fill fewer candles are not read (0: every file): with REST after it, a page of REST's (1,000
   * candles, 2 weight) is the cheaper way to what a small file holds (a day of `1h`, a month of `1h`, an hour's gap).
   */
  readonly minPageCandles?: number;
}

const CHECKSUM_LINE = /^([0-9a-f]{64})\s+(\S+)\s*$/i;

/**
 * data.binance.vision as a candle source: one page per monthly or daily file, for the ranges the archive should
 * hold by now (complete periods past their publication lag). Every file is checked against its CHECKSUM, parsed
 * without floats, and checked for order and count against the interval's grid; a file that is not published, does
 * not match, or does not parse yields nothing, and what a file lacks is left missing. The archive does not speak
 * for the exchange (`not-known`): a missing candle here is never remembered as exchange-empty, REST decides that.
 */
export function archiveCandleSource(o: ArchiveSourceOptions): CandleSource {
  const concurrency = o.concurrency ?? ARCHIVE_CONCURRENCY;
  const limit = pLimit(concurrency);
  // The archive host gave no answer to a file's every attempt (blocked, down, no route): the rest of the run asks it
  // nothing more, and REST takes what its files would have held. Otherwise every file would spend its retries.
  const down: { reason: string | null } = { reason: null };
  const plan = (interval: string, missing: readonly Range[]): ArchivePage[] => planArchivePages(interval, missing, o.now, o.minPageCandles ?? 0);
  return {
    name: 'archive',
    emptyAnswers: 'not-known',
    pageWeight: 0,
    concurrency,
    largePages: { candles: HELD_CANDLES, cost: (range) => (isArchivePage(range) ? range.candles : 0) },
    planPages: (interval, missing) => new ArchivePagePlan(plan(interval, missing), (r) => plan(interval, [r])),
    countPages: (interval, missing) => plan(interval, missing).length,
    planFiles: (series, missing) =>
      plan(series.interval, missing).map((p) => {
        const path = archivePath(series.symbol, series.interval, p.kind, p.period);
        return { file: path.slice(path.lastIndexOf('/') + 1), parts: p.parts };
      }),
    fetchPage: (series, range) => limit(() => fetchArchivePage(o, series, range, down)),
  };
}

function isArchivePage(range: Range): range is ArchivePage {
  const p = range as Partial<ArchivePage>;
  return p.kind !== undefined && p.period !== undefined && p.parts !== undefined && p.candles !== undefined;
}

const NO_ROWS: CandleCopyRows = new CandleCopyRowsBuilder(0).take();

/** What is left for another source: the whole page, as if the file held nothing. */
function nothing(range: ArchivePage): PreparedPage {
  const page = { empties: [...range.parts], answeredTo: range.to, rest: null, notYet: null, nextOpen: null, firstCandle: null };
  return { page, candles: NO_ROWS, findings: [], newestOpen: null };
}

async function fetchArchivePage(o: ArchiveSourceOptions, series: Pick<Series, 'id' | 'symbol' | 'interval'>, range: Range, down: { reason: string | null }): Promise<PreparedPage> {
  if (!isArchivePage(range)) throw new InternalError(`archive page without its file: ${JSON.stringify(range)}`);
  const { symbol, interval } = series;
  const path = archivePath(symbol, interval, range.kind, range.period);
  const file = path.slice(path.lastIndexOf('/') + 1);
  const expected = range.candles;
  const said = (outcome: ArchiveFileOutcome, rows: number, candles: number, reason: string | null): void =>
    o.emit({ type: 'archive-file', symbol, interval, file, outcome, rows, candles, expected, reason });

  if (down.reason !== null) {
    said('failed', 0, 0, `not asked: the archive is unreachable (${down.reason})`);
    return nothing(range);
  }
  // Both at once: a file costs one round trip, not two (a day's file is small, so latency is most of its time).
  const [sum, zip] = await Promise.all([downloadArchiveFile(o, `${path}.CHECKSUM`), downloadArchiveFile(o, path)]);
  for (const d of [sum, zip]) if (!d.ok && d.unreachable) down.reason ??= d.reason;
  if (!sum.ok) {
    said(sum.notPublished ? 'not-published' : 'failed', 0, 0, sum.notPublished ? null : sum.reason);
    return nothing(range);
  }
  const line = CHECKSUM_LINE.exec(sum.body.toString('utf8').trim());
  if (!line || line[2] !== file) {
    said('rejected', 0, 0, `its CHECKSUM file does not name ${file} with a SHA-256`);
    return nothing(range);
  }
  if (!zip.ok) {
    said(zip.notPublished ? 'not-published' : 'failed', 0, 0, zip.notPublished ? null : zip.reason);
    return nothing(range);
  }
  const sha256 = createHash('sha256').update(zip.body).digest('hex');
  if (sha256 !== line[1]!.toLowerCase()) {
    said('checksum-mismatch', 0, 0, `SHA-256 ${sha256}, CHECKSUM says ${line[1]}`);
    return nothing(range);
  }

  let read: FileRows;
  try {
    read = await readRows(zip.body, series.id, interval, range);
  } catch (err) {
    if (!(err instanceof BadRowError || err instanceof BadZipError)) throw err;
    said('rejected', 0, 0, err.message);
    return nothing(range);
  }
  const stored = read.candles.count;
  const provenance: ArchiveProvenance = { file, sha256, rows: read.rows, ranges: read.runs };
  said(stored < expected ? 'short' : 'stored', read.rows, stored, stored < expected ? `${expected - stored} of ${expected} candles missing: left to REST` : null);
  return {
    page: { empties: subtractRanges(range.parts, read.covered), answeredTo: range.to, rest: null, notYet: null, nextOpen: null, firstCandle: read.first },
    candles: read.candles,
    findings: read.findings,
    newestOpen: read.last,
    provenance,
  };
}

/** A file read for a page: its rows counted, the candles to store already as COPY rows, what they cover. */
interface FileRows {
  readonly rows: number;
  readonly candles: CandleCopyRows;
  readonly findings: QualityFinding[];
  /** The stretches the stored candles cover without a hole (by the grid): what provenance records. */
  readonly runs: Range[];
  /** What the stored candles cover, a candle closing late included: the page's parts less this are left to REST. */
  readonly covered: Range[];
  readonly first: number | null;
  readonly last: number | null;
}

/**
 * The file's rows that fall in the page's missing parts, checked (checkCandleValues) and put into COPY rows as they
 * are read (the page is written in bulk: writer/write-page.ts): a month of candles never exists as objects at once.
 * Rows must be in strictly increasing open time and inside the file's period: a file that breaks either is rejected
 * whole (its order cannot be trusted for the rest), so the page's order and range checks (validatePage) hold by
 * construction.
 */
async function readRows(zip: Buffer, seriesId: number, interval: string, page: ArchivePage): Promise<FileRows> {
  const copy = new CandleCopyRowsBuilder(seriesId);
  const findings: QualityFinding[] = [];
  const runs: Array<{ from: number; to: number }> = [];
  const covered: Array<{ from: number; to: number }> = [];
  let first: number | null = null;
  let last: number | null = null;
  let rows = 0;
  let prev = Number.NEGATIVE_INFINITY;
  let part = 0;
  const reader = new ArchiveLineReader();
  for await (const chunk of zipEntryChunks(zip)) for (let at = 0; at < chunk.length; ) {
    const nl = chunk.indexOf(10, at);
    const start = at;
    let stop = nl === -1 ? chunk.length : nl;
    at = stop + 1;
    if (stop > start && chunk[stop - 1] === 13) stop--;
    if (stop === start) continue; // an empty line
    // The common form is read without a string or a candle object; anything else by parseArchiveRow, which may reject it.
    const fast = reader.read(chunk, start, stop);
    const parsed = fast ? null : parseArchiveRow(chunk.toString('latin1', start, stop));
    const openTime = parsed?.openTime ?? reader.openTime;
    const closeTime = parsed?.closeTime ?? reader.closeTime;
    rows++;
    if (openTime <= prev) throw new BadRowError(`row ${rows} opens at ${new Date(openTime).toISOString()}, not after the row before it`);
    if (openTime < page.period.from || openTime >= page.period.to) throw new BadRowError(`row ${rows} opens at ${new Date(openTime).toISOString()}, outside the file's ${interval} period`);
    prev = openTime;
    while (page.parts[part] !== undefined && page.parts[part]!.to <= openTime) part++;
    const p = page.parts[part];
    if (p === undefined || openTime < p.from) continue;
    if (fast && reader.clean()) reader.copyTo(copy, interval);
    else {
      const c = parsed ?? parseArchiveRow(reader.text());
      checkCandleValues(c, findings);
      copy.push(c, interval);
    }
    first ??= openTime;
    last = openTime;
    const end = addSlots(interval, openTime, 1);
    const run = runs[runs.length - 1];
    if (run && openTime === run.to) run.to = end;
    else runs.push({ from: openTime, to: end });
    const to = Math.max(end, closeTime + 1);
    const cover = covered[covered.length - 1];
    if (cover && openTime <= cover.to) cover.to = Math.max(cover.to, to);
    else covered.push({ from: openTime, to });
  }
  return { rows, candles: copy.take(), findings, runs, covered, first, last };
}
