import type { Kysely } from 'kysely';
import pLimit from 'p-limit';
import type { Database } from '../db/schema.js';
import type { Candle, Range, Series } from '../domain.js';
import { CryptocollectError, DatabaseError, errorMessage } from '../errors.js';
import { KLINES_PAGE_LIMIT, type BinanceClient } from '../exchange/binance-client.js';
import type { Progress } from '../output/progress.js';
import { interpretPage } from '../planner/interpret-page.js';
import { planPages } from '../planner/plan-pages.js';
import { validatePage } from '../planner/validate-page.js';
import type { SeriesResult } from '../runlog/run-log.js';
import { candleColumns } from '../writer/candle-columns.js';
import { writePage, type PageWrite } from '../writer/write-page.js';
import { retryTransient } from '../db/retry-transient.js';

export interface CollectJob {
  readonly series: Series;
  /** Ranges of open times to fetch. */
  readonly missing: readonly Range[];
  /** Set when the series cannot be collected at all (e.g. its symbol is no longer listed). */
  readonly error?: string;
  /** Set when the series is left alone this run (e.g. another process is collecting it). */
  readonly skip?: string;
  /**
   * When every page of this job is stored, the series is collected without a hole from its start up to here:
   * its watermark may move forward to it.
   */
  readonly completesTo?: number;
}

export interface CollectOptions {
  readonly db: Kysely<Database>;
  readonly client: BinanceClient;
  /** The exchange's clock at the start of the run: only candles closed before it are stored. */
  readonly serverTime: number;
  readonly concurrency: number;
  readonly stop: AbortSignal;
  readonly progress: Progress;
}

interface PreparedPage {
  readonly write: PageWrite;
  /** What is left of the page's range when the page came back full (planner/interpret-page.ts). */
  readonly rest: Range | null;
}

function preparePage(range: Range, raw: readonly Candle[], serverTime: number): PreparedPage {
  const checked = validatePage(range, raw);
  const page = interpretPage(range, checked.candles, serverTime, raw.length >= KLINES_PAGE_LIMIT);
  return { write: { candles: candleColumns(page.candles), empties: page.empties, findings: checked.findings }, rest: page.rest };
}

/** Errors after which no other series can succeed either: the whole run stops. */
function isFatal(err: unknown): boolean {
  if (err instanceof DatabaseError) return true;
  if (!(err instanceof CryptocollectError)) return true;
  return err.code === 'ip-banned' || err.code === 'restricted-location' || err.code === 'retry-after-too-long' || err.code === 'rate-limited-too-long';
}

interface JobState {
  readonly job: CollectJob;
  written: number;
  requests: number;
  findings: number;
  error: string | null;
  /** Settles when the last page scheduled so far for this series has stored its rows (or given up). */
  lastPage: Promise<void>;
}

/**
 * Fetches and stores the missing ranges of many series at once: every page of every series goes through one
 * concurrency limit (the client's weight limiter sits behind it), so one deep series is as parallel as many
 * shallow ones. Pages are fetched in any order but each series' pages insert in the order they were planned, one
 * statement each: its index grows at its right edge and stays packed (fillfactor 100), and a run killed
 * mid-series leaves the series stored up to a point rather than with holes.
 */
export async function collectSeries(opts: CollectOptions, jobs: readonly CollectJob[]): Promise<SeriesResult[]> {
  const { db, client, serverTime, stop, progress } = opts;
  // `concurrency` requests on the wire; as many more pages may be fetched and waiting for, or in, their write, so
  // fetching and writing overlap while memory stays bounded (at most 2 × concurrency pages held).
  const fetchSlots = pLimit(opts.concurrency);
  const pageSlots = pLimit(opts.concurrency * 2);
  const pending = new Set<Promise<void>>();
  const states = jobs.map((job): JobState => ({ job, written: 0, requests: 0, findings: 0, error: job.error ?? job.skip ?? null, lastPage: Promise.resolve() }));
  let fatal: { error: unknown } | null = null;
  let pagesPlanned = 0;
  let pagesDone = 0;
  let written = 0;

  const report = (): void => progress.update(`${pagesDone}/${pagesPlanned} pages · ${written.toLocaleString('en-US')} candles written`);

  const fetchPage = async (state: JobState, range: Range, previous: Promise<void>, stored: () => void): Promise<void> => {
    if (fatal || state.error !== null || stop.aborted) return;
    const { symbol, interval } = state.job.series;
    // The page is checked and encoded as soon as it is parsed, so what waits for the write is the compact
    // PageWrite (writer/candle-columns.ts), not a thousand parsed rows.
    const prepared = await fetchSlots(() => {
      if (fatal || stop.aborted) return null;
      state.requests++;
      return client.klinesInto(symbol, interval, range.from, range.to - 1, (candles) => preparePage(range, candles, serverTime));
    });
    if (prepared === null) return;
    // Never deadlocks: the previous page was scheduled first and p-limit is FIFO, so it already holds a slot.
    await previous;
    if (fatal) return;
    const n = await retryTransient(`storing ${symbol} ${interval} candles`, () => writePage(db, state.job.series, prepared.write));
    stored();
    state.findings += prepared.write.findings.length;
    state.written += n;
    written += n;
    pagesDone++;
    if (prepared.rest) {
      pagesPlanned++;
      schedule(state, prepared.rest);
    }
    report();
  };

  const schedule = (state: JobState, range: Range): void => {
    const previous = state.lastPage;
    let done = (): void => {};
    state.lastPage = new Promise<void>((resolve) => (done = resolve));
    const p: Promise<void> = pageSlots(() => fetchPage(state, range, previous, done))
      .catch((err: unknown) => {
        // Stopping abandons pages still waiting for budget or backoff: not a failure, the next run fetches them.
        if (stop.aborted && !(err instanceof CryptocollectError)) return;
        // Queued pages see `fatal` and return at once. (p-limit's clearQueue would leave their promises
        // unsettled forever, and the process would silently exit 0 with nothing left to run.)
        if (isFatal(err)) {
          fatal ??= { error: err };
        } else if (state.error === null) {
          state.error = errorMessage(err);
          progress.note(`${state.job.series.symbol} ${state.job.series.interval}: ${state.error}`);
        }
      })
      .finally(() => {
        done();
        pending.delete(p);
      });
    pending.add(p);
  };

  for (const state of states) {
    if (state.error !== null) continue;
    const pages = planPages(state.job.series.interval, state.job.missing, KLINES_PAGE_LIMIT);
    pagesPlanned += pages.length;
    for (const range of pages) schedule(state, range);
  }
  report();
  while (pending.size > 0) await Promise.all([...pending]);
  progress.stop();
  if (fatal) throw (fatal as { error: unknown }).error;

  return states.map((s) => ({
    symbol: s.job.series.symbol,
    interval: s.job.series.interval,
    status: s.job.skip !== undefined ? 'skipped' : s.error !== null ? 'failed' : 'success',
    candles_written: s.written,
    requests: s.requests,
    quality_findings: s.findings,
    error: s.error,
  }));
}
