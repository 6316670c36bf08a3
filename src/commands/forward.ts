import type { Db } from '../db/schema.js';
import { ensureSeries, listSeries, type SeriesFilter } from '../db/series-repository.js';
import type { Series, SeriesKey } from '../domain.js';
import { UsageError } from '../errors.js';
import type { BinanceClient } from '../exchange/binance-client.js';
import { resolveSymbols, type ResolvedSymbols } from '../exchange/resolve-symbols.js';
import { alignDown, alignUp } from '../planner/intervals.js';
import { missingWithin } from '../planner/detect-gaps.js';
import { coverageLoader, type CoverageReads } from '../db/coverage-loader.js';
import type { DatabaseHandle } from '../db/open-database.js';
import { collectLocked } from '../collect/collect-locked.js';
import type { CollectJob } from '../collect/collect-series.js';
import type { RunPlan } from '../collect/run-plan.js';
import { vouchedWatermark } from '../collect/vouched-watermark.js';
import { collectOptions, createClient, dryRunPlan, runSetup, type CommandContext } from './context.js';
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
 * A universe's change by its new ranking: the entrants to track (from the universe's start, in each of its
 * intervals — a series that left it earlier is back too; one the user untracked stays untracked) and the active
 * series of symbols no longer in it.
 */
function universeChange(
  { universe, ranking }: Refresh,
  tracked: readonly SeriesTracking[],
): { entrants: Array<SeriesKey & { startTime: number }>; leavers: SeriesTracking[] } {
  const byKey = new Map(tracked.map((t) => [`${t.series.symbol} ${t.series.interval}`, t]));
  const members = new Set(ranking.members.map((m) => m.symbol));
  const entrants = [...members].flatMap((symbol) =>
    universe.intervals
      .filter((interval) => {
        const t = byKey.get(`${symbol} ${interval}`);
        return t === undefined || t.untrackReason === 'left-universe';
      })
      .map((interval) => ({ symbol, interval, startTime: alignUp(interval, universe.startTime) })),
  );
  const leavers = tracked.filter((t) => t.universeId === universe.id && t.untrackedAt === null && !members.has(t.series.symbol));
  return { entrants, leavers };
}

/**
 * Records each universe's new ranking, tracks its entrants and, with --drop-leavers, untracks its leavers. Returns
 * the series to poll: the active ones, entrants included.
 */
async function refreshUniverses(db: Db, runId: number, refreshes: readonly Refresh[], top: number, at: number, dropLeavers: boolean): Promise<SeriesTracking[]> {
  const before = await retryTransient('reading the series', () => listTracking(db));
  for (const refresh of refreshes) {
    const { universe, ranking } = refresh;
    const { entrants, leavers } = universeChange(refresh, before);
    await setUniverseTop(db, universe.id, top);
    // Not retried: a ranking recorded twice would be two rankings of one run.
    await saveRanking(db, universe.id, runId, at, top, ranking);
    // Idempotent (insert … on conflict update the tracking, then a read): safe to repeat.
    await retryTransient('registering the series', () => ensureSeries(db, entrants, { by: 'universe', universeId: universe.id }));
    if (dropLeavers) await retryTransient('untracking the series', () => untrackSeries(db, leavers.map((t) => t.series.id), 'left-universe'));
  }
  const after = await retryTransient('reading the series', () => listTracking(db));
  return after.filter((t) => t.untrackedAt === null);
}

/**
 * Which series to ask the exchange about. A symbol it no longer lists is not asked (and is marked delisted); one it
 * lists but does not trade (BREAK, HALT…) is asked once more — what it still serves up to the delisting is
 * collected, and the series is marked delisted after that run — then no more, until the exchange trades it again.
 */
function pollable(active: readonly SeriesTracking[], resolved: ResolvedSymbols): { series: Series[]; absent: SeriesTracking[] } {
  const absent = active.filter((t) => !resolved.known.has(t.series.symbol));
  const series = active
    .filter((t) => {
      const status = resolved.known.get(t.series.symbol)?.status;
      return status === 'TRADING' || (status !== undefined && t.delistedAt === null);
    })
    .map((t) => t.series);
  return { series, absent };
}

/**
 * What forward fetches of `s`: from the watermark (read under the series lock in a run), or from the newest stored
 * candle if rows were deleted past it, up to the newest closed slot. Only what lies after that is read, so a current
 * series costs no scan; the holes a killed run left behind lie after it too and are fetched. A new entrant has
 * neither: it is fetched from its start.
 */
async function forwardJob(reads: CoverageReads, s: Series, serverTime: number): Promise<CollectJob> {
  const newest = await reads.newestEnd(s);
  const from = vouchedWatermark(s, newest);
  const to = alignDown(s.interval, serverTime);
  if (to <= from) return { series: s, missing: [] };
  const missing = missingWithin(await reads.coverage({ series: s, from }), { from, to });
  return { series: s, missing, head: newest === null, watermark: { span: { from, to }, vouched: from } };
}

interface Prepared {
  readonly client: BinanceClient;
  readonly resolved: ResolvedSymbols;
  readonly active: readonly SeriesTracking[];
  /** With --top: each universe ranked again, and when. */
  readonly refreshes: readonly Refresh[];
  readonly rankedAt: number;
}

/** The tracked series, the exchange's listing of them and, with --top, the new rankings: the same for a run and its dry run. */
async function prepareForward(ctx: CommandContext, db: Db, filter: SeriesFilter, opts: ForwardOptions): Promise<Prepared | null> {
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
  if (opts.top === undefined) return { client, resolved, active, refreshes: [], rankedAt: resolved.serverTime };
  const top = opts.top;
  ctx.events.emit({ type: 'phase', phase: 'ranking-universe' });
  const tickers = await client.ticker24h();
  const listed = [...resolved.known.values()];
  const refreshes = universes.map((u) => ({ universe: u, ranking: rankUniverse(listed, tickers, { ...u, top }) }));
  return { client, resolved, active, refreshes, rankedAt: rankedAt(tickers, resolved.serverTime) };
}

/**
 * The crontab command: brings each tracked series from its watermark (collected without a hole up to there) up to
 * the newest closed candle. A series that is already current costs no request at all; the run costs one
 * exchangeInfo request (and, with --top, one ticker request).
 */
export async function runForward(ctx: CommandContext, handle: DatabaseHandle, filter: SeriesFilter, opts: ForwardOptions = {}): Promise<RunOutcome | null> {
  const { db } = handle;
  const prepared = await prepareForward(ctx, db, filter, opts);
  if (prepared === null) return null;
  const { client, resolved, active, refreshes } = prepared;
  const serverTime = resolved.serverTime;
  const args = { symbols: filter.symbols ?? null, intervals: filter.intervals ?? null, ...(opts.top === undefined ? {} : { top: opts.top, drop_leavers: opts.dropLeavers === true }) };
  return recordedRun(runSetup(ctx, db, 'forward', args, serverTime), async (live, run) => {
    const polled = opts.top === undefined ? active : await refreshUniverses(db, run.id, refreshes, opts.top, prepared.rankedAt, opts.dropLeavers === true);
    const { series, absent } = pollable(polled, resolved);
    // An idempotent update: safe to repeat.
    await retryTransient('recording listings', () => markDelisted(db, absent.map((t) => t.series.id), 'ABSENT', serverTime));
    ctx.events.emit({ type: 'phase', phase: 'planning' });
    const reads = coverageLoader(db);
    const results = await collectLocked(collectOptions(ctx, handle, client, resolved), series, (s) => forwardJob(reads, s, serverTime), live, run);
    await recordListings(db, series, results, resolved.known, serverTime, ctx.stop);
    return results;
  });
}

/**
 * `forward --dry-run`: the plan from the series as they stand — with --top, the entrants as the run would track
 * them — with nothing written; null with nothing tracked.
 */
export async function planForward(ctx: CommandContext, handle: DatabaseHandle, filter: SeriesFilter, opts: ForwardOptions = {}): Promise<RunPlan | null> {
  const { db } = handle;
  const prepared = await prepareForward(ctx, db, filter, opts);
  if (prepared === null) return null;
  const { client, resolved, active, refreshes } = prepared;
  let polled = active;
  if (refreshes.length > 0) {
    const tracked = await retryTransient('reading the series', () => listTracking(db));
    const byKey = new Map(tracked.map((t) => [`${t.series.symbol} ${t.series.interval}`, t]));
    const dropped = new Set<number>();
    const added: SeriesTracking[] = [];
    for (const refresh of refreshes) {
      const { entrants, leavers } = universeChange(refresh, tracked);
      if (opts.dropLeavers === true) for (const t of leavers) dropped.add(t.series.id);
      for (const e of entrants) {
        const known = byKey.get(`${e.symbol} ${e.interval}`);
        // A series not tracked yet: id 0 holds no row, so it plans as a series with nothing stored.
        const series: Series = known?.series ?? { ...e, id: 0, collectedUntil: e.startTime };
        added.push(known ?? { series, universeId: refresh.universe.id, untrackedAt: null, untrackReason: null, delistedAt: null, delistedStatus: null });
      }
    }
    polled = [...active.filter((t) => !dropped.has(t.series.id)), ...added];
  }
  const { series } = pollable(polled, resolved);
  ctx.events.emit({ type: 'phase', phase: 'planning' });
  const options = collectOptions(ctx, handle, client, resolved);
  const reads = coverageLoader(db);
  return dryRunPlan(ctx, 'forward', client, options, series, (s) => forwardJob(reads, s, resolved.serverTime), resolved.serverTime);
}
