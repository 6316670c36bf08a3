import path from 'node:path';
import { candlePageEnd, readCandlePage } from '../db/candle-export-repository.js';
import { retryTransient } from '../db/retry-transient.js';
import type { Db } from '../db/schema.js';
import { listSeries, type SeriesFilter } from '../db/series-repository.js';
import type { Range, Series } from '../domain.js';
import { ExportError, InterruptedError, UsageError, errorMessage } from '../errors.js';
import { createAtomicFile, type AtomicFile } from '../export/atomic-file.js';
import { ReaderGone, streamSink, type ByteSink } from '../export/byte-sink.js';
import type { CandleWriter, ExportFormat } from '../export/export-columns.js';
import { csvWriter, jsonlWriter } from '../export/text-writers.js';
import { INTERVALS } from '../planner/intervals.js';
import type { CommandContext } from './context.js';

export interface ExportInput {
  readonly filter: SeriesFilter;
  /** Open times in `[from, to)`; the whole series without --since/--until. */
  readonly range: Range;
  readonly format: ExportFormat;
  /** The file to write (atomically); stdout when absent. */
  readonly output?: string | undefined;
}

export interface ExportResult {
  readonly format: ExportFormat;
  /** The file written, absolute; null for stdout. */
  readonly file: string | null;
  readonly rows: number;
  readonly series: number;
  readonly bytes: number;
  /** The reader of stdout closed it before the end (`| head`): the export stopped there, and that is no error. */
  readonly reader_closed: boolean;
}

/** Candles read per statement: one keyset page. */
export const EXPORT_PAGE = 10_000;

const intervalRank = (interval: string): number => INTERVALS.indexOf(interval);

async function writerFor(format: ExportFormat, sink: ByteSink): Promise<CandleWriter> {
  if (format === 'csv') return csvWriter(sink);
  if (format === 'jsonl') return jsonlWriter(sink);
  // The Parquet writer loads only for a Parquet export.
  const { parquetWriter } = await import('../export/parquet-writer.js');
  return parquetWriter(sink);
}

/** The series to export: every stored one the selection names (untracked and delisted ones keep their candles). */
export async function exportedSeries(db: Db, filter: SeriesFilter): Promise<Series[]> {
  const series = await retryTransient('reading the series', () => listSeries(db, filter));
  return series.sort((a, b) => a.symbol.localeCompare(b.symbol, 'en') || intervalRank(a.interval) - intervalRank(b.interval));
}

/** Every selected series' candles in `range`, series after series, page after page: memory holds one page. */
async function exportCandles(ctx: CommandContext, db: Db, series: readonly Series[], range: Range, writer: CandleWriter, written: { rows: number }): Promise<void> {
  for (const s of series) {
    let from = range.from;
    for (;;) {
      if (ctx.stop.aborted) throw ctx.stop.reason instanceof Error ? ctx.stop.reason : new InterruptedError();
      const start = from;
      const end = await retryTransient('reading candles', () => candlePageEnd(db, s.id, { from: start, to: range.to }, EXPORT_PAGE));
      const page = await retryTransient('reading candles', () => readCandlePage(db, s, { from: start, to: end ?? range.to }, EXPORT_PAGE));
      if (page.length > 0) await writer.write(s, page);
      written.rows += page.length;
      if (end === null) break;
      from = end;
    }
  }
  await writer.end();
}

/** What a failed write becomes: a line saying which output and why. */
function outputFailure(err: unknown, file: string | null): unknown {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
    return new ExportError(`writing ${file ?? 'stdout'} failed: ${errorMessage(err)}`, { file, errno: code }, { cause: err });
  }
  return err;
}

async function openOutput(target: string): Promise<AtomicFile> {
  try {
    return await createAtomicFile(target);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'its folder does not exist' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : errorMessage(err);
    throw new UsageError(`cannot write --output ${target}: ${why}`, { file: target });
  }
}

/**
 * Streams the `candles` relation of `series` (exportedSeries) to stdout or, atomically, to a file, on a database
 * opened read-only (a role granted SELECT, a standby).
 */
export async function runExport(ctx: CommandContext, db: Db, series: readonly Series[], input: ExportInput): Promise<ExportResult> {
  const file = input.output === undefined ? null : path.resolve(ctx.cwd ?? process.cwd(), input.output);
  const atomic = file === null ? undefined : await openOutput(file);
  const sink = atomic?.sink ?? streamSink(ctx.stdout ?? process.stdout);
  const done = (rows: number, readerClosed: boolean): ExportResult => ({ format: input.format, file, rows, series: series.length, bytes: sink.bytes, reader_closed: readerClosed });
  const written = { rows: 0 };
  try {
    await exportCandles(ctx, db, series, input.range, await writerFor(input.format, sink), written);
    await atomic?.commit();
    return done(written.rows, false);
  } catch (err) {
    await atomic?.discard();
    if (err instanceof ReaderGone) return done(written.rows, true);
    if (err instanceof Error && err.name === 'CandleNotRepresentable') {
      throw new ExportError(`${err.message}; export this series as csv or jsonl, which keep every decimal as stored`, { file });
    }
    throw outputFailure(err, file);
  }
}
