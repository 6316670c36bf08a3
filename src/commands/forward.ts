import type { Db } from '../db/schema.js';
import { listSeries, type SeriesFilter } from '../db/series-repository.js';
import type { Series } from '../domain.js';
import { UsageError } from '../errors.js';
import { resolveSymbols } from '../exchange/resolve-symbols.js';
import { alignDown } from '../planner/intervals.js';
import { missingWithin } from '../planner/detect-gaps.js';
import { loadCoverage, newestCandleEnd } from '../db/coverage-repository.js';
import type { DatabaseHandle } from '../db/open-database.js';
import { collectLocked } from '../collect/collect-locked.js';
import { vouchedWatermark } from '../collect/vouched-watermark.js';
import { collectOptions, createClient, runSetup, type CommandContext } from './context.js';
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
 * The crontab command: brings each tracked series from its watermark (collected without a hole up to there) up to
 * the newest closed candle. A series that is already current costs no request at all; the run costs one
 * exchangeInfo request.
 */
export async function runForward(ctx: CommandContext, handle: DatabaseHandle, filter: SeriesFilter): Promise<RunOutcome | null> {
  const { db } = handle;
  const series = await selectTracked(db, filter);
  if (series.length === 0) return null;
  const client = createClient(ctx);
  ctx.events.emit({ type: 'phase', phase: 'reading-exchange-info' });
  const resolved = await resolveSymbols(client, [...new Set(series.map((s) => s.symbol))]);
  const serverTime = resolved.serverTime;
  const args = { symbols: filter.symbols ?? null, intervals: filter.intervals ?? null };
  return recordedRun(runSetup(ctx, db, 'forward', args, serverTime), (live) => {
    ctx.events.emit({ type: 'phase', phase: 'planning' });
    return collectLocked(
      collectOptions(ctx, handle, client, resolved),
      series,
      async (s) => {
        // From the watermark (read under the series lock), or from the newest stored candle if rows were deleted
        // past it. Only what lies after that is read, so a current series costs no scan; the holes a killed run
        // left behind lie after it too and are fetched.
        const newest = await retryTransient('reading the series', () => newestCandleEnd(db, s));
        const from = vouchedWatermark(s, newest);
        const to = alignDown(s.interval, serverTime);
        if (to <= from) return { series: s, missing: [] };
        const missing = missingWithin(await retryTransient('reading the series', () => loadCoverage(db, s, from)), { from, to });
        return { series: s, missing, head: newest === null, watermark: { span: { from, to }, vouched: from } };
      },
      live,
    );
  });
}
