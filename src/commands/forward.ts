import type { Db } from '../db/schema.js';
import { ensureSeries, listSeries, type SeriesFilter } from '../db/series-repository.js';
import type { Series } from '../domain.js';
import { UsageError } from '../errors.js';
import { resolveSymbols, type ResolvedSymbols } from '../exchange/resolve-symbols.js';
import { alignDown, alignUp } from '../planner/intervals.js';
import { missingWithin } from '../planner/detect-gaps.js';
import { loadCoverage, newestCandleEnd } from '../db/coverage-repository.js';
import type { DatabaseHandle } from '../db/open-database.js';
import { collectLocked } from '../collect/collect-locked.js';
import { vouchedWatermark } from '../collect/vouched-watermark.js';
import { collectOptions, createClient, runSetup, type CommandContext } from './context.js';
import { recordedRun, type RunOutcome } from '../collect/recorded-run.js';
import { recordListings } from '../collect/record-listings.js';
import { retryTransient } from '../db/retry-transient.js';
import { listTracking, markDelisted, untrackSeries, type SeriesTracking } from '../db/tracking-repository.js';
import { listUniverses, saveRanking, setUniverseTop, type StoredUniverse } from '../db/universe-repository.js';
import { rankUniverse, type UniverseRanking } from '../universe/rank-universe.js';
import { rankedAt } from '../universe/ranked-at.js';

/** Selected series that are not tracked are a usage error: forward only continues what backfill started. */
export async function selectTracked(db: Db, filter: SeriesFilter): Promise<Series[]> {
  // A read: safe to repeat.
  const series = await retryTransient('reading the series', () => listSeries(db, filter));
  const missing = (filter.symbols ?? []).filter((s) => !series.some((x) => x.symbol === s));
  if (missing.length > 0) {
    throw new UsageError(`not tracked: ${missing.join(', ')} — start a series with \`cryptocollect backfill --since <date> --symbols ${missing.join(',')}\``);
  }
  return series;
}

export interface ForwardOptions {
  /** Rank every universe again with this N first: entrants are backfilled from the universe's start. */
  readonly top?: number | undefined;
  /** With `top`: untrack the series of symbols that left their universe (their data is kept). */
  readonly dropLeavers?: boolean | undefined;
}

/** The series polled: tracked (not untracked), of the selection; naming only untracked ones is a usage error. */
async function selectActive(db: Db, filter: SeriesFilter): Promise<SeriesTracking[]> {
  await selectTracked(db, filter);
  const tracked = await retryTransient('reading the series', () => listTracking(db, filter));
  const active = tracked.filter((t) => t.untrackedAt === null);
  const untracked = (filter.symbols ?? []).filter((s) => !active.some((t) => t.series.symbol === s));
  if (untracked.length > 0) {
    throw new UsageError(`untracked: ${untracked.join(', ')} — \`cryptocollect backfill --since <date> --symbols ${untracked.join(',')}\` tracks it again`);
  }
  return active;
}

interface Refresh {
  readonly universe: StoredUniverse;
  readonly ranking: UniverseRanking;
}

/**
 * Records each universe's new ranking, tracks its entrants (from the universe's start, in each of its intervals) and,
 * with --drop-leavers, untracks the series of symbols no longer in it. A series the user untracked stays untracked;
 * one that left earlier and is back is tracked again. Returns the series to poll: the active ones, entrants included.
 */
async function refreshUniverses(db: Db, runId: number, refreshes: readonly Refresh[], top: number, at: number, dropLeavers: boolean): Promise<SeriesTracking[]> {
  const before = await retryTransient('reading the series', () => listTracking(db));
  const byKey = new Map(before.map((t) => [`${t.series.symbol} ${t.series.interval}`, t]));
  for (const { universe, ranking } of refreshes) {
    await setUniverseTop(db, universe.id, top);
    // Not retried: a ranking recorded twice would be two rankings of one run.
    await saveRanking(db, universe.id, runId, at, top, ranking);
    const members = new Set(ranking.members.map((m) => m.symbol));
    const entrants = [...members].flatMap((symbol) =>
      universe.intervals
        .filter((interval) => {
          const t = byKey.get(`${symbol} ${interval}`);
          return t === undefined || t.untrackReason === 'left-universe';
        })
        .map((interval) => ({ symbol, interval, startTime: alignUp(interval, universe.startTime) })),
    );
    // Idempotent (insert … on conflict update the tracking, then a read): safe to repeat.
    await retryTransient('registering the series', () => ensureSeries(db, entrants, { by: 'universe', universeId: universe.id }));
    if (dropLeavers) {
      const leavers = before.filter((t) => t.universeId === universe.id && t.untrackedAt === null && !members.has(t.series.symbol));
      await retryTransient('untracking the series', () => untrackSeries(db, leavers.map((t) => t.series.id), 'left-universe'));
    }
  }
  const after = await retryTransient('reading the series', () => listTracking(db));
  return after.filter((t) => t.untrackedAt === null);
}

/**
 * Which series to ask the exchange about. A symbol it no longer lists is marked delisted and not asked; one it lists
 * but does not trade (BREAK, HALT…) is asked once more — what it still serves up to the delisting is collected, and
 * the series is marked delisted after that run — then no more, until the exchange trades it again.
 */
async function pollable(db: Db, active: readonly SeriesTracking[], resolved: ResolvedSymbols): Promise<Series[]> {
  const absent = active.filter((t) => !resolved.known.has(t.series.symbol));
  // An idempotent update: safe to repeat.
  await retryTransient('recording listings', () => markDelisted(db, absent.map((t) => t.series.id), 'ABSENT', resolved.serverTime));
  return active
    .filter((t) => {
      const status = resolved.known.get(t.series.symbol)?.status;
      return status === 'TRADING' || (status !== undefined && t.delistedAt === null);
    })
    .map((t) => t.series);
}

/**
 * The crontab command: brings each tracked series from its watermark (collected without a hole up to there) up to
 * the newest closed candle. A series that is already current costs no request at all; the run costs one
 * exchangeInfo request (and, with --top, one ticker request).
 */
export async function runForward(ctx: CommandContext, handle: DatabaseHandle, filter: SeriesFilter, opts: ForwardOptions = {}): Promise<RunOutcome | null> {
  const { db } = handle;
  const universes = opts.top === undefined ? [] : await retryTransient('reading the universes', () => listUniverses(db));
  if (opts.top !== undefined && universes.length === 0) {
    throw new UsageError('forward --top: no universe to rank again; start one with `cryptocollect backfill --since <date>` (without --symbols)');
  }
  const active = await selectActive(db, filter);
  if (active.length === 0 && opts.top === undefined) return null;
  const client = createClient(ctx);
  ctx.events.emit({ type: 'phase', phase: 'reading-exchange-info' });
  // Ranking needs every symbol's status and assets: the whole exchangeInfo, at the same weight.
  const resolved = await resolveSymbols(client, opts.top === undefined ? [...new Set(active.map((t) => t.series.symbol))] : []);
  const serverTime = resolved.serverTime;
  let refreshes: Refresh[] = [];
  let at = serverTime;
  if (opts.top !== undefined) {
    const top = opts.top;
    ctx.events.emit({ type: 'phase', phase: 'ranking-universe' });
    const tickers = await client.ticker24h();
    at = rankedAt(tickers, serverTime);
    const listed = [...resolved.known.values()];
    refreshes = universes.map((u) => ({ universe: u, ranking: rankUniverse(listed, tickers, { ...u, top }) }));
  }
  const args = { symbols: filter.symbols ?? null, intervals: filter.intervals ?? null, ...(opts.top === undefined ? {} : { top: opts.top, drop_leavers: opts.dropLeavers === true }) };
  return recordedRun(runSetup(ctx, db, 'forward', args, serverTime), async (live, run) => {
    const polled = opts.top === undefined ? active : await refreshUniverses(db, run.id, refreshes, opts.top, at, opts.dropLeavers === true);
    const series = await pollable(db, polled, resolved);
    ctx.events.emit({ type: 'phase', phase: 'planning' });
    const results = await collectLocked(
      collectOptions(ctx, handle, client, resolved),
      series,
      async (s) => {
        // From the watermark (read under the series lock), or from the newest stored candle if rows were deleted
        // past it. Only what lies after that is read, so a current series costs no scan; the holes a killed run
        // left behind lie after it too and are fetched. A new entrant has neither: it is fetched from its start.
        const newest = await retryTransient('reading the series', () => newestCandleEnd(db, s));
        const from = vouchedWatermark(s, newest);
        const to = alignDown(s.interval, serverTime);
        if (to <= from) return { series: s, missing: [] };
        const missing = missingWithin(await retryTransient('reading the series', () => loadCoverage(db, s, from)), { from, to });
        return { series: s, missing, head: newest === null, watermark: { span: { from, to }, vouched: from } };
      },
      live,
    );
    await recordListings(db, series, results, resolved.known, serverTime);
    return results;
  });
}
