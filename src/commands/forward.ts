import type { Db } from '../db/schema.js';
import { listSeries, type SeriesFilter } from '../db/series-repository.js';
import type { Series } from '../domain.js';
import { UsageError } from '../errors.js';
import { resolveSymbols, type ResolvedSymbols } from '../exchange/resolve-symbols.js';
import { alignDown } from '../planner/intervals.js';
import { missingWithin } from '../planner/detect-gaps.js';
import { loadCoverage, newestCandleEnd } from '../db/coverage-repository.js';
import type { DatabaseHandle } from '../db/open-database.js';
import { collectLocked } from '../collect/collect-locked.js';
import { vouchedWatermark } from '../collect/vouched-watermark.js';
import { collectOptions, createClient, runSetup, dryRunPlan, type CommandContext } from './context.js';
import type { CollectJob } from '../collect/collect-series.js';
import type { RunPlan } from '../collect/run-plan.js';
import type { BinanceClient } from '../exchange/binance-client.js';
import { recordedRun, type RunOutcome } from '../collect/recorded-run.js';
import { retryTransient } from '../db/retry-transient.js';

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

/**
 * What forward fetches of `s`: from the watermark (read under the series lock in a run), or from the newest stored
 * candle if rows were deleted past it, up to the newest closed slot. Only what lies after that is read, so a current
 * series costs no scan; the holes a killed run left behind lie after it too and are fetched.
 */
async function forwardJob(db: Db, s: Series, serverTime: number): Promise<CollectJob> {
  const newest = await retryTransient('reading the series', () => newestCandleEnd(db, s));
  const from = vouchedWatermark(s, newest);
  const to = alignDown(s.interval, serverTime);
  if (to <= from) return { series: s, missing: [] };
  const missing = missingWithin(await retryTransient('reading the series', () => loadCoverage(db, s, from)), { from, to });
  return { series: s, missing, head: newest === null, watermark: { span: { from, to }, vouched: from } };
}

async function resolveTracked(ctx: CommandContext, series: readonly Series[]): Promise<{ client: BinanceClient; resolved: ResolvedSymbols }> {
  const client = createClient(ctx);
  ctx.events.emit({ type: 'phase', phase: 'reading-exchange-info' });
  return { client, resolved: await resolveSymbols(client, [...new Set(series.map((s) => s.symbol))]) };
}

/**
 * The crontab command: brings each tracked series from its watermark (collected without a hole up to there) up to
 * the newest closed candle. A series that is already current costs no request at all; the run costs one
 * exchangeInfo request.
 */
export async function runForward(ctx: CommandContext, handle: DatabaseHandle, filter: SeriesFilter): Promise<RunOutcome | null> {
  const { db } = handle;
  const series = await selectTracked(db, filter);
  if (series.length === 0) return null;
  const { client, resolved } = await resolveTracked(ctx, series);
  const serverTime = resolved.serverTime;
  const args = { symbols: filter.symbols ?? null, intervals: filter.intervals ?? null };
  return recordedRun(runSetup(ctx, db, 'forward', args, serverTime), (live) => {
    ctx.events.emit({ type: 'phase', phase: 'planning' });
    return collectLocked(collectOptions(ctx, handle, client, resolved), series, (s) => forwardJob(db, s, serverTime), live);
  });
}

/** `forward --dry-run`: the plan from the series as they stand, nothing written; null with nothing tracked. */
export async function planForward(ctx: CommandContext, handle: DatabaseHandle, filter: SeriesFilter): Promise<RunPlan | null> {
  const { db } = handle;
  const series = await selectTracked(db, filter);
  if (series.length === 0) return null;
  const { client, resolved } = await resolveTracked(ctx, series);
  ctx.events.emit({ type: 'phase', phase: 'planning' });
  const options = collectOptions(ctx, handle, client, resolved);
  return dryRunPlan(ctx, 'forward', client, options, series, (s) => forwardJob(db, s, resolved.serverTime), resolved.serverTime);
}
