import type { DatabaseHandle } from '../db/open-database.js';
import { retryTransient } from '../db/retry-transient.js';
import { ensureSeries, extendSeriesStart } from '../db/series-repository.js';
import { UsageError } from '../errors.js';
import { resolveSymbols } from '../exchange/resolve-symbols.js';
import { suggestSymbols } from '../input/suggest-symbols.js';
import { missingWithin } from '../planner/detect-gaps.js';
import { alignDown, alignUp } from '../planner/intervals.js';
import { loadCoverage } from '../db/coverage-repository.js';
import type { Series } from '../domain.js';
import { collectLocked } from '../collect/collect-locked.js';
import type { CollectJob } from '../collect/collect-series.js';
import { vouchedWatermark } from '../collect/vouched-watermark.js';
import { collectOptions, createClient, runSetup, type CommandContext } from './context.js';
import { recordedRun, type RunOutcome } from '../collect/recorded-run.js';
import { recordListings } from '../collect/record-listings.js';
import { saveRanking, saveUniverse } from '../db/universe-repository.js';
import type { BinanceClient } from '../exchange/binance-client.js';
import type { ResolvedSymbols } from '../exchange/resolve-symbols.js';
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

/**
 * Tracks each (symbol, interval) from `since` and stores every closed candle the exchange has in the range that is
 * not stored yet — skipping what earlier runs stored or were told is empty.
 */
export async function runBackfill(ctx: CommandContext, handle: DatabaseHandle, opts: BackfillOptions): Promise<RunOutcome> {
  const { db } = handle;
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
  const args = {
    since: new Date(opts.since).toISOString(),
    until: opts.until === undefined ? null : new Date(opts.until).toISOString(),
    symbols,
    intervals: opts.intervals,
    universe: universe ? { top: universe.chosen.rule.top, quote_assets: universe.chosen.rule.quoteAssets, exclude: universe.chosen.rule.exclude } : null,
  };
  return recordedRun(runSetup(ctx, db, 'backfill', args, serverTime), async (live, run) => {
    const keys = symbols.flatMap((symbol) => opts.intervals.map((interval) => ({ symbol, interval, startTime: alignUp(interval, opts.since) })));
    let universeId: number | undefined;
    if (universe) {
      const { rule, ranking } = universe.chosen;
      // Not retried: a ranking recorded twice would be two rankings of one run.
      const stored = await saveUniverse(db, rule, opts.intervals, opts.since);
      await saveRanking(db, stored.id, run.id, universe.chosen.rankedAt, rule.top, ranking);
      universeId = stored.id;
    }
    const tracking = universeId === undefined ? { by: 'name' as const } : { by: 'universe' as const, universeId };
    // Idempotent (insert … on conflict update the tracking, then a read): safe to repeat.
    const series = await retryTransient('registering the series', () => ensureSeries(db, keys, tracking));
    const plan = async (held: Series): Promise<CollectJob> => {
      const start = alignUp(held.interval, opts.since);
      // Under the series' lock: a run that skips the series never gets here, so it never changes it.
      const s = await retryTransient('extending the series', () => extendSeriesStart(db, held, start));
      // Candles opening before the current slot may be closed by the exchange's clock; each answer says which are.
      const end = Math.min(opts.until ?? Number.POSITIVE_INFINITY, alignDown(s.interval, serverTime));
      if (end <= start) return { series: s, missing: [] };
      const cov = await retryTransient('reading the series', () => loadCoverage(db, s));
      const missing = missingWithin(cov, { from: start, to: end });
      const head = missing[0] !== undefined && (cov.firstOpen === null || cov.firstOpen >= missing[0].from);
      // Read from the series' start, the coverage's newest candle is the series' newest.
      const vouched = vouchedWatermark(s, cov.candlesEnd);
      // Starting at or before what is vouched for, a complete run proves the series collected up to `end`.
      return start <= vouched ? { series: s, missing, head, watermark: { span: { from: start, to: end }, vouched } } : { series: s, missing, head };
    };
    ctx.events.emit({ type: 'phase', phase: 'planning' });
    const results = await collectLocked(collectOptions(ctx, handle, client, resolved), series, plan, live);
    await recordListings(db, series, results, resolved.known, serverTime);
    return results;
  });
}
