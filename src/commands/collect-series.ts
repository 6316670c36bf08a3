import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { DEFAULT_DB_RETRY, retryTransient } from '../db/retry-transient.js';
import { CryptocollectError, DatabaseError, errorMessage, ExchangeError, RUN_ENDING_EXCHANGE_CODES } from '../errors.js';
import { KLINES_PAGE_LIMIT, type BinanceClient } from '../exchange/binance-client.js';
import type { Progress } from '../output/progress.js';
import { countSlots } from '../planner/intervals.js';
import type { SeriesResult } from '../runlog/run-log.js';
import { writePage } from '../writer/write-page.js';
import { preparePage, type PreparedPage } from './prepare-page.js';
import { SeriesJob, type CollectJob, type SortedAnswer, type Task } from './series-job.js';

export type { CollectJob } from './series-job.js';

export interface CollectOptions {
  readonly db: Kysely<Database>;
  readonly client: BinanceClient;
  readonly concurrency: number;
  readonly stop: AbortSignal;
  readonly progress: Progress;
  /** Called after every stored page; gives the series' results so far (the run record is kept current with them). */
  readonly onProgress?: (results: () => SeriesResult[]) => void;
}

export interface JobOutcome {
  readonly result: SeriesResult;
  /** Where the series' watermark may move (null: it may not). */
  readonly provenTo: number | null;
}

/** Errors after which no other series can succeed either: the whole run stops. */
function isFatal(err: unknown): boolean {
  if (err instanceof DatabaseError) return true;
  if (!(err instanceof CryptocollectError)) return true;
  return err instanceof ExchangeError && RUN_ENDING_EXCHANGE_CODES.has(err.code);
}

function resultOf(j: SeriesJob): SeriesResult {
  return {
    symbol: j.series.symbol,
    interval: j.series.interval,
    status: j.job.skip !== undefined ? 'skipped' : j.error !== null ? 'failed' : 'success',
    candles_written: j.written,
    requests: j.requests,
    quality_findings: j.findings,
    error: j.error,
  };
}

/**
 * Fetches and stores the missing ranges of many series at once. `concurrency` requests are on the wire at a time,
 * shared by every series (the client's weight limiter sits behind them), so one deep series is as parallel as many
 * shallow ones. Pages are fetched in any order, but each series' planned pages are written in order, one statement
 * each: its index grows at its right edge and stays packed, and a killed run leaves it stored up to a point.
 *
 * Pages fetched ahead of their turn wait in a bounded buffer (per series and for the run), so memory stays flat;
 * the page whose turn it is never waits. When the buffer is full while the page whose turn it is is still on the
 * wire (a slow or hung request), pages are written out of turn: neither that series nor any other stops.
 */
export async function collectSeries(opts: CollectOptions, jobs: readonly CollectJob[]): Promise<JobOutcome[]> {
  const { db, client, stop, progress } = opts;
  // A series may have as many pages waiting as it has on the wire, and the run twice that: at most about three
  // times the concurrency in pages are held (on the wire, waiting, or being written), however long the range.
  const buffer = { waiting: 0, perSeries: opts.concurrency, total: opts.concurrency * 2 };
  const states = jobs.map((job) => new SeriesJob(job, KLINES_PAGE_LIMIT, buffer));
  let onWire = 0;
  let alive = 0;
  let fatal: { error: unknown } | null = null;
  let pagesDone = 0;
  let written = 0;
  const pagesPlanned = jobs.reduce(
    (n, j) => (j.error || j.skip ? n : n + j.missing.reduce((m, r) => m + Math.ceil(countSlots(j.series.interval, r.from, r.to) / KLINES_PAGE_LIMIT), 0)),
    0,
  );
  const report = (): void =>
    progress.update(`${pagesDone}/${Math.max(pagesPlanned, pagesDone)} pages · ${written.toLocaleString('en-US')} candles written`);

  const fail = (job: SeriesJob, err: unknown): void => {
    // Stopping abandons what waits for budget or backoff: not a failure, the next run fetches it.
    if (stop.aborted && !(err instanceof CryptocollectError && err.code !== 'interrupted')) return;
    if (isFatal(err)) {
      fatal ??= { error: err };
    } else if (job.error === null) {
      job.error = errorMessage(err);
      progress.note(`${job.series.symbol} ${job.series.interval}: ${job.error}`);
    }
  };

  const fetch = async (job: SeriesJob, task: Task): Promise<{ prepared: PreparedPage; sorted: SortedAnswer }> => {
    const { symbol, interval } = job.series;
    const prepared = await client.klinesFrom(symbol, interval, task.range.from, (candles, answerTime) =>
      preparePage(interval, task.range, candles, answerTime, KLINES_PAGE_LIMIT),
    );
    return { prepared, sorted: job.sort(task, prepared.page) };
  };

  const store = async (job: SeriesJob, task: Task, prepared: PreparedPage, sorted: SortedAnswer): Promise<void> => {
    const { symbol, interval } = job.series;
    const write = { candles: prepared.candles, empties: sorted.remember, findings: prepared.findings };
    const n = await retryTransient(`storing ${symbol} ${interval} candles`, () => writePage(db, job.series, write), { ...DEFAULT_DB_RETRY, signal: stop });
    job.stored(task, sorted);
    job.findings += prepared.findings.length;
    job.written += n;
    written += n;
    if (task.kind === 'page') pagesDone++;
    report();
    opts.onProgress?.(() => states.map(resultOf));
  };

  const run = async (job: SeriesJob, task: Task): Promise<void> => {
    let answer: { prepared: PreparedPage; sorted: SortedAnswer } | null = null;
    try {
      answer = await fetch(job, task);
      job.answered(task, answer.sorted, answer.prepared.newestOpen);
    } catch (err) {
      fail(job, err);
    } finally {
      onWire--;
      job.fetched(task);
    }
    pump();
    try {
      await job.gate(task);
      if (answer && !fatal) await store(job, task, answer.prepared, answer.sorted);
    } catch (err) {
      fail(job, err);
    } finally {
      job.release(task);
      alive--;
      pump();
    }
  };

  let settle: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (settle = resolve));
  let live = states;
  function pump(): void {
    if (live.some((j) => j.finished)) live = live.filter((j) => !j.finished);
    while (!fatal && !stop.aborted && onWire < opts.concurrency) {
      let task: Task | null = null;
      let owner: SeriesJob | undefined;
      // A series' pages after its first go before its answer only when no other series can use the slot.
      for (const speculate of [false, true]) {
        for (const job of live) {
          task = job.take(speculate);
          if (task) {
            owner = job;
            break;
          }
        }
        if (task) break;
      }
      if (!task || !owner) break;
      onWire++;
      alive++;
      void run(owner, task);
    }
    if (alive === 0) settle();
  }

  report();
  pump();
  await finished;
  progress.stop();
  if (fatal) throw (fatal as { error: unknown }).error;
  return states.map((j) => ({ result: resultOf(j), provenTo: stop.aborted ? null : j.provenTo() }));
}
