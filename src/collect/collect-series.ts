import { DEFAULT_DB_RETRY, retryTransient } from '../db/retry-transient.js';
import type { Db } from '../db/schema.js';
import type { Range } from '../domain.js';
import { CryptocollectError, DatabaseError, errorMessage, ExchangeError, RUN_ENDING_EXCHANGE_CODES } from '../errors.js';
import { countSlots } from '../planner/intervals.js';
import type { SeriesResult } from '../runlog/run-log.js';
import { clearOrphanedIrregular } from '../writer/clear-orphaned-irregular.js';
import { writePage } from '../writer/write-page.js';
import type { CandleSource, ClaimShape } from './candle-source.js';
import type { PreparedPage } from './prepare-page.js';
import type { EmitRunEvent } from '../events/run-events.js';
import { SeriesJob, type CollectJob, type SortedAnswer, type Task } from './series-job.js';
import { ClaimedWork, type ShareOptions } from './claimed-work.js';

export type { CollectJob } from './series-job.js';

export interface CollectOptions {
  readonly db: Db;
  readonly source: CandleSource;
  readonly concurrency: number;
  readonly stop: AbortSignal;
  readonly emit: EmitRunEvent;
  /** Called after every stored page; gives the series' results so far (the run record is kept current with them). */
  readonly onProgress?: (results: () => SeriesResult[]) => void;
  /**
   * The series are shared with other runs (PostgreSQL): their pages are claimed a range at a time
   * (collect/claimed-work.ts) instead of planned whole. Absent: this run has them alone (the embedded store, refetch).
   */
  readonly share?: ShareOptions;
}

export interface JobOutcome {
  readonly result: SeriesResult;
  /** Where the series' watermark may move (null: it may not). */
  readonly provenTo: number | null;
  /** What the stored answers covered: nothing of it is missing any more. */
  readonly stored: readonly Range[];
}

/** How long a large page waits for the one before it, still on the wire, before it is written out of turn. */
const LARGE_PAGE_PATIENCE_MS = 5000;

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
 * shared by every series (the source's weight limiter sits behind them), so one deep series is as parallel as many
 * shallow ones. Pages are fetched in any order, but each series' planned pages are written in order, one statement
 * each: its index grows at its right edge and stays packed, and a killed run leaves it stored up to a point.
 *
 * Pages fetched ahead of their turn wait in a bounded buffer (per series and for the run), so memory stays flat;
 * the page whose turn it is never waits. When the buffer is full while the page whose turn it is is still on the
 * wire (a slow or hung request), pages are written out of turn: neither that series nor any other stops.
 *
 * A run-ending error (the database failing, the exchange banning the IP, a bug) stops every series: nothing new is
 * asked, what is on the wire is let finish without being stored, and the error is thrown once they have.
 */
export async function collectSeries(opts: CollectOptions, jobs: readonly CollectJob[]): Promise<JobOutcome[]> {
  const { db, source, stop, emit } = opts;
  const concurrency = source.concurrency ?? opts.concurrency;
  // Large pages count as on the wire until written, and by their candles: at most `concurrency` of them and about
  // `large.candles` candles are held, however many series (candle-source.ts).
  const large = source.largePages;
  let heldCandles = 0;
  // A series may have as many pages waiting as it has on the wire, and the run twice that: at most about three
  // times the concurrency in pages are held (on the wire, waiting, or being written), however long the range, and
  // at most twice the concurrency of one series — what a kill loses of it — written out of turn or not.
  // Large pages wait in the places they hold, so the candles they hold bound them; one that waited long for a page
  // still on the wire (hung) is written out of turn rather than holding its room.
  const buffer = large
    ? { waiting: 0, perSeries: Math.max(1, concurrency - 1), total: Math.max(1, concurrency - 1), patienceMs: LARGE_PAGE_PATIENCE_MS }
    : { waiting: 0, perSeries: concurrency, total: concurrency * 2, held: concurrency * 2 };
  let fatal: { error: unknown } | null = null;
  const shared = opts.share
    ? new ClaimedWork(claiming(source), opts.share, stop, () => pump(), (err) => {
        fatal ??= { error: err };
        pump();
      })
    : null;
  const states = jobs.map((job) => {
    if (!shared) return new SeriesJob(job, source.planPages(job.series.interval, job.missing), buffer, source.emptyAnswers);
    const plan = shared.planFor(job.series.interval);
    const j = new SeriesJob(job, plan, buffer, source.emptyAnswers, { open: true });
    shared.add(j, plan);
    return j;
  });
  for (const j of states) {
    if (j.error !== null) continue;
    const { symbol, interval } = j.series;
    const candles = j.job.missing.reduce((n, r) => n + countSlots(interval, r.from, r.to), 0);
    emit({ type: 'series-planned', symbol, interval, pages: source.countPages(interval, j.job.missing), candles });
  }
  let onWire = 0;
  let alive = 0;
  // Claimed pages (not handed out yet) below which a shared series' next range is claimed: enough to cover a
  // claim's round trip, few enough that a run holds little more than it is fetching (what it holds at the end, the
  // others wait for).
  const lowWater = Math.max(1, Math.ceil(concurrency / 2));

  // Where a series' watermark may move; a series another run finished part of, claimed whole, is that run's to prove.
  const provenOf = (j: SeriesJob): number | null => (stop.aborted || fatal !== null || (shared !== null && !shared.proves(j)) ? null : j.provenTo());

  const fail = (job: SeriesJob, err: unknown): void => {
    // Stopping abandons what waits for budget or backoff: not a failure, the next run fetches it.
    if (stop.aborted && !(err instanceof CryptocollectError && err.code !== 'interrupted')) return;
    if (isFatal(err)) fatal ??= { error: err };
    else if (job.error === null) job.error = errorMessage(err);
  };

  const fetch = async (job: SeriesJob, task: Task): Promise<{ prepared: PreparedPage; sorted: SortedAnswer }> => {
    const prepared = await source.fetchPage(job.series, task.range, task.exact);
    return { prepared, sorted: job.sort(task, prepared.page) };
  };

  // Every database write of the run is retried the same way, each retry a run event.
  const retried = <T>(what: string, write: () => Promise<T>): Promise<T> =>
    retryTransient(what, write, {
      ...DEFAULT_DB_RETRY,
      signal: stop,
      onRetry: (attempt, err) => emit({ type: 'database-retry', what, attempt, reason: errorMessage(err) }),
    });

  // A run that has its series alone clears each one's orphaned irregular rows once, over the hull of what it is to
  // collect, before its first page, instead of each page doing it (writer/write-copy-rows.ts). Undefined: nothing
  // was cleared (no missing range).
  const cleared = new Map<SeriesJob, Promise<Range | undefined>>();
  const clearOnce = (job: SeriesJob, what: string): Promise<Range | undefined> => {
    let done = cleared.get(job);
    if (!done) {
      const { missing } = job.job;
      const hull = missing.length === 0 ? undefined : missing.reduce((h, r) => ({ from: Math.min(h.from, r.from), to: Math.max(h.to, r.to) }), missing[0]!);
      done = hull ? retried(what, () => clearOrphanedIrregular(db, job.series.id, { first: hull.from, last: hull.to - 1 })).then(() => hull) : Promise.resolve(undefined);
      cleared.set(job, done);
    }
    return done;
  };

  const store = async (job: SeriesJob, task: Task, prepared: PreparedPage, sorted: SortedAnswer): Promise<void> => {
    const { symbol, interval } = job.series;
    const what = `storing ${symbol} ${interval} candles`;
    const orphansCleared = shared ? undefined : await clearOnce(job, what);
    const write = {
      candles: prepared.candles,
      empties: sorted.remember,
      findings: prepared.findings,
      ...(prepared.provenance ? { provenance: prepared.provenance } : {}),
      ...(orphansCleared ? { orphansCleared } : {}),
    };
    const begun = performance.now();
    const n = await retried(what, () => writePage(db, job.series, write));
    job.stored(task, sorted);
    job.findings += prepared.findings.length;
    job.written += n;
    const ms = performance.now() - begun;
    emit({ type: 'page-written', symbol, interval, from: task.range.from, to: sorted.page.answeredTo, planned: task.kind === 'page', candles: n, ms });
    for (const f of prepared.findings) emit({ type: 'quality-finding', symbol, interval, openTime: f.openTime, rule: f.rule, detail: f.detail });
    opts.onProgress?.(() => states.map(resultOf));
  };

  const run = async (job: SeriesJob, task: Task): Promise<void> => {
    let answer: { prepared: PreparedPage; sorted: SortedAnswer } | null = null;
    try {
      answer = await fetch(job, task);
      job.answered(task, answer.sorted, answer.prepared.newestOpen);
      shared?.answered(job, task);
    } catch (err) {
      fail(job, err);
    } finally {
      if (!large) onWire--;
      job.fetched(task);
    }
    // The answer takes its place in the buffer before the next request is picked, which sees it full or not.
    const turn = job.gate(task);
    pump();
    try {
      await turn;
      if (answer && !fatal) await store(job, task, answer.prepared, answer.sorted);
    } catch (err) {
      fail(job, err);
    } finally {
      if (large) {
        onWire--;
        heldCandles -= large.cost(task.range);
      }
      job.release(task);
      shared?.released(job);
      alive--;
      pump();
    }
  };

  // When each series sent its first request: a series' duration counts from there, not from the run's start
  // (series wait their turn for the shared concurrency).
  const begun = new Map<SeriesJob, number>();
  let settle: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (settle = resolve));
  let live = states;
  const announced = new Set<SeriesJob>();
  const announce = (j: SeriesJob): void => {
    if (announced.has(j)) return;
    announced.add(j);
    const r = resultOf(j);
    shared?.finished(j, provenOf(j));
    const first = begun.get(j);
    const ms = first === undefined ? 0 : performance.now() - first;
    emit({ type: 'series-finished', symbol: r.symbol, interval: r.interval, status: r.status, candles: r.candles_written, error: r.error, ms });
  };
  let over = false;
  /** The first series in turn with a task to start (`idleOnly`: among those holding none), and its task. */
  const pick = (speculate: boolean, idleOnly: boolean): { task: Task; owner: SeriesJob } | null => {
    for (const owner of live) {
      if (idleOnly && owner.alive > 0) continue;
      const task = owner.take(speculate);
      if (task) return { task, owner };
    }
    return null;
  };
  function pump(): void {
    // A look for claims may come back after the pass ended: nothing more starts then.
    if (over) return;
    if (live.some((j) => j.finished)) {
      for (const j of live) if (j.finished) announce(j);
      live = live.filter((j) => !j.finished);
    }
    while (!fatal && !stop.aborted && onWire < concurrency && (large === undefined || onWire === 0 || heldCandles < large.candles)) {
      let picked: { task: Task; owner: SeriesJob } | null = null;
      // A series' pages after its first go before its answer only when no other series can use the slot — nor a
      // claim on its way (shared series).
      for (const speculate of [false, true]) {
        if (speculate && shared && shared.pagesLeft() < concurrency && shared.want()) break;
        // Large pages go first to a series holding none: a series' pages are written one after another, so pages of
        // one series held at once would leave all but one waiting, where pages of several are written side by side.
        picked = (large && !speculate ? pick(false, true) : null) ?? pick(speculate, false);
        if (picked) break;
      }
      if (!picked) break;
      const { task, owner } = picked;
      onWire++;
      if (large) heldCandles += large.cost(task.range);
      alive++;
      if (!begun.has(owner)) begun.set(owner, performance.now());
      void run(owner, task);
    }
    // Claimed pages running low: the next claim is looked for before the request slots idle.
    if (shared && !fatal && !stop.aborted && shared.pagesLeft() < lowWater) shared.want();
    if (alive === 0 && (fatal !== null || stop.aborted || !(shared?.pending() ?? false))) {
      over = true;
      settle();
    }
  }

  pump();
  await finished;
  for (const j of states) announce(j);
  await shared?.finish(fatal !== null);
  if (fatal) throw (fatal as { error: unknown }).error;
  return states.map((j) => ({ result: resultOf(j), provenTo: provenOf(j), stored: j.storedRanges() }));
}

/** A source shared by claims: the caller shares only a source that says how its pages are claimed. */
function claiming(source: CandleSource): CandleSource & { readonly claims: ClaimShape } {
  if (!hasClaims(source)) throw new Error(`the ${source.name} source has no claims: it cannot be shared`);
  return source;
}

function hasClaims(source: CandleSource): source is CandleSource & { readonly claims: ClaimShape } {
  return source.claims !== undefined;
}
