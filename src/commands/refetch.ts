import type { Db } from '../db/schema.js';
import type { SeriesFilter } from '../db/series-repository.js';
import type { Range, Series } from '../domain.js';
import { UsageError } from '../errors.js';
import { resolveSymbols } from '../exchange/resolve-symbols.js';
import { alignDown, alignUp } from '../planner/intervals.js';
import { newestCandleEnd } from '../db/coverage-repository.js';
import type { DatabaseHandle } from '../db/open-database.js';
import { countSeriesRange, deleteSeriesRange, storesBefore, type RangeCounts } from '../db/refetch-repository.js';
import { retryTransient } from '../db/retry-transient.js';
import { listTracking } from '../db/tracking-repository.js';
import { collectLocked } from '../collect/collect-locked.js';
import type { CollectJob } from '../collect/collect-series.js';
import type { RunPlan } from '../collect/run-plan.js';
import { recordedRun, type RunOutcome } from '../collect/recorded-run.js';
import { vouchedWatermark } from '../collect/vouched-watermark.js';
import { collectOptions, createClient, dryRunPlan, runSetup, type CommandContext } from './context.js';
import { selectTracked } from './forward.js';

export interface RefetchOptions {
  readonly filter: SeriesFilter;
  /** Open times to delete and fetch again, half-open: --since, --until. */
  readonly range: Range;
  /** Only count what would be deleted and plan the fetch; nothing is written. */
  readonly dryRun: boolean;
}

/** One series' share of the range, and what was (with --dry-run: would be) deleted of it. */
export interface RefetchDeleted extends RangeCounts {
  readonly symbol: string;
  readonly interval: string;
  /** The range within the series (from its start on, on its interval's grid), ISO 8601; null when it holds none of it. */
  readonly from: string | null;
  readonly to: string | null;
}

export interface RefetchResult {
  readonly deleted: readonly RefetchDeleted[];
  /** The run that deleted and fetched; null with --dry-run. */
  readonly run: RunOutcome | null;
  /** With --dry-run: the fetch the run would make; null otherwise. */
  readonly plan: RunPlan | null;
}

const NOTHING: RangeCounts = { candles: 0, irregular: 0, exchange_empty: 0, quality_findings: 0 };

/** The tracked, not untracked series of the selection: refetching a series nothing polls any more is refused. */
async function selectRefetched(db: Db, filter: SeriesFilter): Promise<Series[]> {
  await selectTracked(db, filter);
  const tracked = await retryTransient('reading the series', () => listTracking(db, filter));
  const untracked = tracked.filter((t) => t.untrackedAt !== null).map((t) => `${t.series.symbol} ${t.series.interval}`);
  if (untracked.length > 0) {
    throw new UsageError(`untracked: ${untracked.join(', ')} — refetch only re-collects tracked series (\`cryptocollect backfill --since <date> --symbols …\` tracks one again)`);
  }
  return tracked.map((t) => t.series);
}

/**
 * The range within a series: from its start on, on its grid (a candle opens on it), deleted up to `until` and
 * fetched up to the newest closed slot. Null when the series holds none of it.
 */
function spanOf(s: Series, range: Range, serverTime: number): { from: number; to: number; fetchTo: number } | null {
  const from = Math.max(s.startTime, alignUp(s.interval, range.from));
  const to = alignUp(s.interval, range.to);
  if (to <= from) return null;
  return { from, to, fetchTo: Math.min(to, alignDown(s.interval, serverTime)) };
}

/**
 * The fetch of the deleted range. Where the series was collected without a hole up to the range (its watermark, as
 * it could be believed before the delete), fetching the range proves it all again: the watermark then goes back to
 * where it was (or to the range's end, if further). Otherwise the run cannot prove the way from the start, and the
 * watermark stays.
 */
async function fetchJob(db: Db, s: Series, span: { from: number; fetchTo: number }, vouched: number): Promise<CollectJob> {
  if (span.fetchTo <= span.from) return { series: s, missing: [] };
  const head = !(await retryTransient('reading the series', () => storesBefore(db, s, span.from)));
  const range = { from: span.from, to: span.fetchTo };
  return { series: s, missing: [range], head, ...(vouched >= span.from ? { watermark: { span: range, vouched } } : {}) };
}

function deletedOf(s: Series, span: { from: number; to: number } | null, counts: RangeCounts | undefined): RefetchDeleted {
  return {
    symbol: s.symbol,
    interval: s.interval,
    from: span === null ? null : new Date(span.from).toISOString(),
    to: span === null ? null : new Date(span.to).toISOString(),
    ...(counts ?? NOTHING),
  };
}

/**
 * Deletes a range of the selected series and fetches it again, in one recorded run (`refetch`). Each series is
 * deleted under its lock, by the run that then fetches it (collectLocked's plan), so no other run interleaves; a
 * series another process is collecting is skipped untouched (the run is partial, exit 3). A run killed after the
 * delete leaves the range as a gap: `gaps` reports it, `gaps --fill` and `forward` fetch it
 * (db/refetch-repository.ts).
 */
export async function runRefetch(ctx: CommandContext, handle: DatabaseHandle, opts: RefetchOptions): Promise<RefetchResult> {
  const { db } = handle;
  const series = await selectRefetched(db, opts.filter);
  const client = createClient(ctx);
  ctx.events.emit({ type: 'phase', phase: 'reading-exchange-info' });
  const resolved = await resolveSymbols(client, [...new Set(series.map((s) => s.symbol))]);
  const serverTime = resolved.serverTime;
  const counts = new Map<number, RangeCounts>();

  if (opts.dryRun) {
    ctx.events.emit({ type: 'phase', phase: 'planning' });
    const options = collectOptions(ctx, handle, client, resolved, true);
    const plan = await dryRunPlan(
      ctx,
      'refetch',
      client,
      options,
      series,
      async (s) => {
        const span = spanOf(s, opts.range, serverTime);
        if (span === null) return { series: s, missing: [] };
        counts.set(s.id, await retryTransient('reading the series', () => countSeriesRange(db, s, span)));
        // As the run plans after its delete: the watermark as it could be believed before.
        const vouched = vouchedWatermark(s, await retryTransient('reading the series', () => newestCandleEnd(db, s)));
        return fetchJob(db, s, span, vouched);
      },
      serverTime,
    );
    return { deleted: series.map((s) => deletedOf(s, spanOf(s, opts.range, serverTime), counts.get(s.id))), run: null, plan };
  }

  const args = {
    symbols: opts.filter.symbols ?? null,
    intervals: opts.filter.intervals ?? null,
    since: new Date(opts.range.from).toISOString(),
    until: new Date(opts.range.to).toISOString(),
  };
  const run = await recordedRun(runSetup(ctx, db, 'refetch', args, serverTime), (live) => {
    ctx.events.emit({ type: 'phase', phase: 'planning' });
    // Alone: its delete must not interleave with other runs' claims.
    return collectLocked(
      { ...collectOptions(ctx, handle, client, resolved, true), alone: true },
      series,
      async (s) => {
        // `s` is the series as it is now, read under its lock.
        const span = spanOf(s, opts.range, serverTime);
        if (span === null) return { series: s, missing: [] };
        const vouched = vouchedWatermark(s, await retryTransient('reading the series', () => newestCandleEnd(db, s)));
        // One transaction; repeated after a commit that went unacknowledged it deletes nothing more.
        counts.set(s.id, await retryTransient('deleting the range', () => deleteSeriesRange(db, s, span)));
        return fetchJob(db, s, span, vouched);
      },
      live,
    );
  });
  return { deleted: series.map((s) => deletedOf(s, spanOf(s, opts.range, serverTime), counts.get(s.id))), run, plan: null };
}
