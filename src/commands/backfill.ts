import type { DatabaseHandle } from '../db/open-database.js';
import { retryTransient } from '../db/retry-transient.js';
import type { Db } from '../db/schema.js';
import { ensureSeries, extendSeriesStart, findSeries } from '../db/series-repository.js';
import { UsageError } from '../errors.js';
import type { BinanceClient } from '../exchange/binance-client.js';
import { resolveSymbols, type ResolvedSymbols } from '../exchange/resolve-symbols.js';
import { suggestSymbols } from '../input/suggest-symbols.js';
import { missingWithin } from '../planner/detect-gaps.js';
import { alignDown, alignUp } from '../planner/intervals.js';
import { noCoverage, type SeriesCoverage } from '../planner/series-coverage.js';
import { coverageLoader } from '../db/coverage-loader.js';
import type { Series } from '../domain.js';
import { collectLocked } from '../collect/collect-locked.js';
import type { CollectJob } from '../collect/collect-series.js';
import type { RunPlan } from '../collect/run-plan.js';
import { vouchedWatermark } from '../collect/vouched-watermark.js';
import { collectOptions, createClient, runSetup, dryRunPlan, type CommandContext } from './context.js';
import { recordedRun, type RunOutcome } from '../collect/recorded-run.js';
import { recordListings } from '../collect/record-listings.js';
import { saveRanking, saveUniverse } from '../db/universe-repository.js';
import { rankUniverse, type UniverseRanking } from '../universe/rank-universe.js';
import { rankedAt } from '../universe/ranked-at.js';
import { DEFAULT_QUOTE_ASSETS, DEFAULT_TOP, type UniverseRule } from '../universe/universe-rule.js';

export interface BackfillOptions {
  readonly since: number;
  /** Exclusive end of the open times to collect; default: the newest closed candle by the exchange's clock. */
  readonly until?: number | undefined;
  /** The series to track by name; without them, the universe `universe` chooses (default: top 100 of USDT). */
  readonly symbols?: readonly string[] | undefined;
  readonly universe?: UniverseRule | undefined;
  readonly intervals: readonly string[];
}

interface Chosen {
  readonly rule: UniverseRule;
  readonly ranking: UniverseRanking;
  readonly rankedAt: number;
}

interface Resolved {
  readonly client: BinanceClient;
  readonly resolved: ResolvedSymbols;
  readonly serverTime: number;
  /** The symbols to track: as named, or as the universe chose them. */
  readonly symbols: readonly string[];
  readonly universe?: Chosen | undefined;
}

/** The whole exchangeInfo and the 24 h tickers (weight 20 + 80, once per run), ranked for the universe's rule. */
async function chooseUniverse(ctx: CommandContext, client: BinanceClient, rule: UniverseRule): Promise<{ resolved: ResolvedSymbols; chosen: Chosen }> {
  const resolved = await resolveSymbols(client, []);
  ctx.events.emit({ type: 'phase', phase: 'ranking-universe' });
  const tickers = await client.ticker24h();
  const ranking = rankUniverse([...resolved.known.values()], tickers, rule);
  if (ranking.members.length === 0) {
    throw new UsageError(`no symbol of quote asset${rule.quoteAssets.length > 1 ? 's' : ''} ${rule.quoteAssets.join(', ')} is trading on ${client.baseUrl} (--quote, --exclude)`);
  }
  return { resolved, chosen: { rule, ranking, rankedAt: rankedAt(tickers, resolved.serverTime) } };
}

/** Chooses the symbols (by name, or ranked) and checks them and --since against the exchange: the same for a run and its dry run. */
async function resolveBackfill(ctx: CommandContext, opts: BackfillOptions): Promise<Resolved> {
  if (opts.until !== undefined && opts.until <= opts.since) throw new UsageError('--until must be after --since');
  const client = createClient(ctx);
  ctx.events.emit({ type: 'phase', phase: 'reading-exchange-info' });
  const universe = opts.symbols === undefined ? await chooseUniverse(ctx, client, opts.universe ?? { top: DEFAULT_TOP, quoteAssets: DEFAULT_QUOTE_ASSETS, exclude: [] }) : undefined;
  const resolved = universe?.resolved ?? (await resolveSymbols(client, opts.symbols ?? []));
  const symbols = universe ? universe.chosen.ranking.members.map((m) => m.symbol) : (opts.symbols ?? []);
  if (resolved.unknown.length > 0) {
    const parts = resolved.unknown.map((s) => {
      const close = suggestSymbols(s, resolved.all);
      return close.length ? `${s} (did you mean ${close.join(', ')}?)` : s;
    });
    throw new UsageError(`unknown symbol${parts.length > 1 ? 's' : ''} on ${client.baseUrl}: ${parts.join('; ')}`);
  }
  const serverTime = resolved.serverTime;
  if (opts.since >= serverTime) {
    throw new UsageError(`--since ${new Date(opts.since).toISOString()} is in the future (exchange time ${new Date(serverTime).toISOString()})`);
  }
  return { client, resolved, serverTime, symbols, universe: universe?.chosen };
}

function seriesKeys(symbols: readonly string[], opts: BackfillOptions): Array<{ symbol: string; interval: string; startTime: number }> {
  return symbols.flatMap((symbol) => opts.intervals.map((interval) => ({ symbol, interval, startTime: alignUp(interval, opts.since) })));
}

/**
 * What a backfill fetches of `s`, a series already started at the backfill's start (or earlier): every uncollected
 * part of [start, end), where the end is --until or the newest slot the exchange's clock may have closed.
 */
async function backfillJob(s: Series, coverage: (s: Series) => Promise<SeriesCoverage>, opts: BackfillOptions, serverTime: number): Promise<CollectJob> {
  const start = alignUp(s.interval, opts.since);
  // Candles opening before the current slot may be closed by the exchange's clock; each answer says which are.
  const end = Math.min(opts.until ?? Number.POSITIVE_INFINITY, alignDown(s.interval, serverTime));
  if (end <= start) return { series: s, missing: [] };
  const cov = await coverage(s);
  const missing = missingWithin(cov, { from: start, to: end });
  const head = missing[0] !== undefined && (cov.firstOpen === null || cov.firstOpen >= missing[0].from);
  // Read from the series' start, the coverage's newest candle is the series' newest.
  const vouched = vouchedWatermark(s, cov.candlesEnd);
  // Starting at or before what is vouched for, a complete run proves the series collected up to `end`.
  return start <= vouched ? { series: s, missing, head, watermark: { span: { from: start, to: end }, vouched } } : { series: s, missing, head };
}

/** The coverage reader of a run's planning: the series planned together are read together (db/coverage-loader.ts). */
const readCoverage = (db: Db): ((s: Series) => Promise<SeriesCoverage>) => {
  const { coverage } = coverageLoader(db);
  return (series) => coverage({ series });
};

/**
 * Tracks each (symbol, interval) from `since` and stores every closed candle the exchange has in the range that is
 * not stored yet — skipping what earlier runs stored or were told is empty.
 */
export async function runBackfill(ctx: CommandContext, handle: DatabaseHandle, opts: BackfillOptions): Promise<RunOutcome> {
  const { db } = handle;
  const { client, resolved, serverTime, symbols, universe } = await resolveBackfill(ctx, opts);
  const args = {
    since: new Date(opts.since).toISOString(),
    until: opts.until === undefined ? null : new Date(opts.until).toISOString(),
    symbols,
    intervals: opts.intervals,
    universe: universe ? { top: universe.rule.top, quote_assets: universe.rule.quoteAssets, exclude: universe.rule.exclude } : null,
  };
  return recordedRun(runSetup(ctx, db, 'backfill', args, serverTime), async (live, run) => {
    let universeId: number | undefined;
    if (universe) {
      // Not retried: a ranking recorded twice would be two rankings of one run.
      const stored = await saveUniverse(db, universe.rule, opts.intervals, opts.since);
      await saveRanking(db, stored.id, run.id, universe.rankedAt, universe.rule.top, universe.ranking);
      universeId = stored.id;
    }
    const tracking = universeId === undefined ? { by: 'name' as const } : { by: 'universe' as const, universeId };
    // Idempotent (insert … on conflict update the tracking, then a read): safe to repeat.
    const series = await retryTransient('registering the series', () => ensureSeries(db, seriesKeys(symbols, opts), tracking));
    const coverage = readCoverage(db);
    const plan = async (held: Series): Promise<CollectJob> => {
      // Under the series' lock: a run that skips the series never gets here, so it never changes it.
      const s = await retryTransient('extending the series', () => extendSeriesStart(db, held, alignUp(held.interval, opts.since)));
      return backfillJob(s, coverage, opts, serverTime);
    };
    ctx.events.emit({ type: 'phase', phase: 'planning' });
    const results = await collectLocked(collectOptions(ctx, handle, client, resolved), series, plan, live, run);
    await recordListings(db, series, results, resolved.known, serverTime, ctx.stop);
    return results;
  });
}

/**
 * `backfill --dry-run`: the same checks, the same universe ranking and the same plan, from the database as it is,
 * with nothing written — no universe or series registered, no series extended, no run recorded.
 */
export async function planBackfill(ctx: CommandContext, handle: DatabaseHandle, opts: BackfillOptions): Promise<RunPlan> {
  const { db } = handle;
  const { client, resolved, serverTime, symbols } = await resolveBackfill(ctx, opts);
  ctx.events.emit({ type: 'phase', phase: 'planning' });
  const keys = seriesKeys(symbols, opts);
  const existing = await retryTransient('reading the series', () => findSeries(db, keys));
  const options = collectOptions(ctx, handle, client, resolved);
  const untracked = new Set<Series>();
  const series = keys.map((key): Series => {
    const found = existing.get(`${key.symbol} ${key.interval}`);
    if (found === undefined) {
      const s = { ...key, id: 0, collectedUntil: key.startTime };
      untracked.add(s);
      return s;
    }
    // As extendSeriesStart would leave it.
    return key.startTime < found.startTime ? { ...found, startTime: key.startTime, collectedUntil: key.startTime } : found;
  });
  const coverage = readCoverage(db);
  const plan = (s: Series): Promise<CollectJob> => backfillJob(s, async (x) => (untracked.has(x) ? noCoverage(x) : coverage(x)), opts, serverTime);
  return dryRunPlan(ctx, 'backfill', client, options, series, plan, serverTime);
}
