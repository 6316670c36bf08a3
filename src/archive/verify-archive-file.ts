import { createHash } from 'node:crypto';
import type { Candle, Range, SeriesKey } from '../domain.js';
import type { ExportedCandle } from '../db/candle-export-repository.js';
import type { ProvenanceFile } from '../db/provenance-repository.js';
import { archiveIntervalName } from './archive-pages.js';
import { downloadArchiveFile, type ArchiveHttp } from './download-archive-file.js';
import { BadRowError, parseArchiveRow } from './parse-archive-row.js';
import { BadZipError, zipEntryLines } from './zip-entry-lines.js';

/**
 * - `unchanged`: the archive serves the very bytes the candles were stored from (same SHA-256).
 * - `replaced`: it serves another file, which matches its own CHECKSUM: compared with what is stored, row by row.
 * - `unverified`: it could not be compared (no longer published, a download that kept failing, a CHECKSUM that does
 *   not match the new file, a file that does not parse): `reason` says which.
 */
export type VerifyStatus = 'unchanged' | 'replaced' | 'unverified';

/** The fields of a candle a replaced file may disagree on, as the `candles` relation names them. */
export const COMPARED_FIELDS = ['open', 'high', 'low', 'close', 'volume', 'close_time', 'quote_volume', 'trades', 'taker_buy_base_volume', 'taker_buy_quote_volume'] as const;
export type ComparedField = (typeof COMPARED_FIELDS)[number];

/**
 * A stored candle the archive's file now says otherwise about: `changed` (its fields differ: each with the stored
 * value and the file's), `not-in-file` (stored from the file, which no longer has it), `not-stored` (the file has it,
 * in a stretch stored from it, but the candle is no longer stored: deleted since, a gap).
 */
export interface RowDifference {
  readonly open_time: string;
  readonly kind: 'changed' | 'not-in-file' | 'not-stored';
  readonly fields: Partial<Record<ComparedField, { readonly stored: string; readonly archive: string }>>;
}

export interface FileVerdict {
  readonly symbol: string;
  readonly interval: string;
  readonly file: string;
  readonly status: VerifyStatus;
  readonly sha256_stored: string;
  /** The SHA-256 of the file the archive serves now (null: none was downloaded). */
  readonly sha256_now: string | null;
  readonly rows_stored: number;
  /** Rows of the file served now (null: not read). */
  readonly rows_now: number | null;
  /** Stored candles compared with the file's rows (0 unless `replaced`). */
  readonly candles_compared: number;
  readonly differences: readonly RowDifference[];
  readonly reason: string | null;
}

/** The stored candles of `ranges`, in open-time order, a page at a time (db/candle-export-repository.ts). */
export type StoredCandles = (ranges: readonly Range[]) => AsyncIterable<ExportedCandle>;

const CHECKSUM_LINE = /^([0-9a-f]{64})\s+(\S+)\s*$/i;

/** `/data/spot/monthly/klines/BTCUSDT/1m/BTCUSDT-1m-2024-12.zip` for a monthly file's name, daily for a day's. */
export function archiveFilePath(series: SeriesKey, file: string): string {
  const daily = /-\d{4}-\d{2}-\d{2}\.zip$/.test(file);
  return `/data/spot/${daily ? 'daily' : 'monthly'}/klines/${series.symbol}/${archiveIntervalName(series.interval)}/${file}`;
}

/**
 * Downloads a file the provenance names again and says whether the archive still serves what the candles were
 * stored from; a replaced file is compared, within the stretches stored from it, with the stored candles. Reads
 * only: nothing stored is ever changed. Memory stays flat: the file is inflated as it is read and the stored
 * candles come in pages, merged in open-time order.
 */
export async function verifyArchiveFile(http: ArchiveHttp, series: SeriesKey, recorded: ProvenanceFile, stored: StoredCandles): Promise<FileVerdict> {
  const base = { symbol: series.symbol, interval: series.interval, file: recorded.file, sha256_stored: recorded.sha256, rows_stored: recorded.rows };
  const unverified = (reason: string, sha256Now: string | null = null): FileVerdict => ({ ...base, status: 'unverified', sha256_now: sha256Now, rows_now: null, candles_compared: 0, differences: [], reason });
  const path = archiveFilePath(series, recorded.file);
  const zip = await downloadArchiveFile(http, path);
  if (!zip.ok) return unverified(zip.notPublished ? 'no longer published (404)' : `download failed: ${zip.reason}`);
  const sha256 = createHash('sha256').update(zip.body).digest('hex');
  if (sha256 === recorded.sha256) return { ...base, status: 'unchanged', sha256_now: sha256, rows_now: null, candles_compared: 0, differences: [], reason: null };
  const sum = await downloadArchiveFile(http, `${path}.CHECKSUM`);
  const line = sum.ok ? CHECKSUM_LINE.exec(sum.body.toString('utf8').trim()) : null;
  if (!line || line[2] !== recorded.file) return unverified(sum.ok ? `its CHECKSUM file does not name ${recorded.file} with a SHA-256` : `its CHECKSUM could not be downloaded: ${sum.reason}`, sha256);
  if (line[1]!.toLowerCase() !== sha256) return unverified(`the file served now has SHA-256 ${sha256}, its CHECKSUM says ${line[1]}`, sha256);
  try {
    const compared = await compareRows(zipEntryLines(zip.body), recorded.stretches, stored);
    return { ...base, status: 'replaced', sha256_now: sha256, rows_now: compared.rows, candles_compared: compared.compared, differences: compared.differences, reason: null };
  } catch (err) {
    if (err instanceof BadRowError || err instanceof BadZipError) return unverified(`the file served now does not read: ${err.message}`, sha256);
    throw err;
  }
}

const iso = (t: number): string => new Date(t).toISOString();

function fieldsOf(c: Candle | ExportedCandle): Record<ComparedField, string> {
  return {
    open: c.open,
    high: c.high,
    low: c.low,
    close: c.close,
    volume: c.volume,
    close_time: iso(c.closeTime),
    quote_volume: c.quoteVolume,
    trades: String(c.trades),
    taker_buy_base_volume: c.takerBuyBaseVolume,
    taker_buy_quote_volume: c.takerBuyQuoteVolume,
  };
}

/** Each field as stored and as the file has it, `stored` empty for a candle not stored, `archive` for one not in it. */
function difference(kind: RowDifference['kind'], openTime: number, storedRow: ExportedCandle | null, fileRow: Candle | null): RowDifference | null {
  const s = storedRow ? fieldsOf(storedRow) : null;
  const a = fileRow ? fieldsOf(fileRow) : null;
  const fields: RowDifference['fields'] = {};
  for (const f of COMPARED_FIELDS) {
    // Text against text: a decimal's scale is part of the exchange's value (numeric keeps it).
    if (s?.[f] !== a?.[f]) (fields as Record<string, { stored: string; archive: string }>)[f] = { stored: s?.[f] ?? '', archive: a?.[f] ?? '' };
  }
  return Object.keys(fields).length === 0 ? null : { open_time: iso(openTime), kind, fields };
}

/** The file's rows in the stretches, merged in open-time order with the stored candles of the same stretches. */
async function compareRows(lines: AsyncIterable<string[]>, stretches: readonly Range[], stored: StoredCandles): Promise<{ rows: number; compared: number; differences: RowDifference[] }> {
  const differences: RowDifference[] = [];
  const storedRows = stored(stretches)[Symbol.asyncIterator]();
  let next = await storedRows.next();
  let rows = 0;
  let compared = 0;
  let stretch = 0;
  const flushBefore = async (t: number): Promise<void> => {
    while (!next.done && next.value.openTime < t) {
      differences.push(difference('not-in-file', next.value.openTime, next.value, null)!);
      next = await storedRows.next();
    }
  };
  for await (const chunk of lines) {
    for (const line of chunk) {
      const row = parseArchiveRow(line);
      rows++;
      while (stretches[stretch] !== undefined && stretches[stretch]!.to <= row.openTime) stretch++;
      const s = stretches[stretch];
      if (s === undefined || row.openTime < s.from) continue;
      await flushBefore(row.openTime);
      if (!next.done && next.value.openTime === row.openTime) {
        compared++;
        const d = difference('changed', row.openTime, next.value, row);
        if (d) differences.push(d);
        next = await storedRows.next();
      } else {
        differences.push(difference('not-stored', row.openTime, null, row)!);
      }
    }
  }
  await flushBefore(Number.POSITIVE_INFINITY);
  return { rows, compared, differences };
}
