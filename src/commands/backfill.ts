import type { DatabaseHandle } from '../db/open-database.js';
import { ensureSeries } from '../db/series-repository.js';
import { UsageError } from '../errors.js';
import { resolveSymbols } from '../exchange/resolve-symbols.js';
import { suggestSymbols } from '../input/suggest-symbols.js';
import { missingWithin } from '../planner/detect-gaps.js';
import { alignDown, alignUp } from '../planner/intervals.js';
import { loadCoverage } from '../planner/load-coverage.js';
import type { Series } from '../domain.js';
import { collectLocked } from './collect-locked.js';
import { createClient, type CommandContext } from './context.js';
import { recordedRun, type RunOutcome } from './recorded-run.js';

export interface BackfillOptions {
  readonly since: number;
  /** Exclusive end of the open times to collect; default: the newest closed candle by the exchange's clock. */
  readonly until?: number | undefined;
  readonly symbols: readonly string[];
  readonly intervals: readonly string[];
}

/**
 * Tracks each (symbol, interval) from `since` and stores every closed candle the exchange has in the range that is
 * not stored yet — skipping what earlier runs stored or were told is empty.
 */
export async function runBackfill(ctx: CommandContext, handle: DatabaseHandle, opts: BackfillOptions): Promise<RunOutcome> {
  const { db } = handle;
  if (opts.until !== undefined && opts.until <= opts.since) throw new UsageError('--until must be after --since');
  const client = createClient(ctx);
  const resolved = await resolveSymbols(client, opts.symbols);
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
    symbols: opts.symbols,
    intervals: opts.intervals,
  };
  return recordedRun(db, 'backfill', args, client.stats, serverTime, ctx.stop, async () => {
    const series: Series[] = [];
    for (const symbol of opts.symbols) {
      for (const interval of opts.intervals) series.push(await ensureSeries(db, { symbol, interval }, alignUp(interval, opts.since)));
    }
    return collectLocked(ctx, handle, client, resolved, series, async (s) => {
      const start = alignUp(s.interval, opts.since);
      // Candles opening before the current slot are closed by the exchange's clock.
      const end = Math.min(opts.until ?? Number.POSITIVE_INFINITY, alignDown(s.interval, serverTime));
      if (end <= start) return { series: s, missing: [] };
      const missing = missingWithin(await loadCoverage(db, s), { from: start, to: end });
      // Starting at or before the watermark, a complete run leaves no hole up to `end`.
      return start <= s.collectedUntil ? { series: s, missing, completesTo: end } : { series: s, missing };
    });
  });
}
