import type { Db } from '../db/schema.js';
import { DEFAULT_DB_RETRY, retryTransient } from '../db/retry-transient.js';
import { clearDelisted, markDelisted } from '../db/tracking-repository.js';
import type { Series } from '../domain.js';
import type { ExchangeSymbol } from '../exchange/binance-client.js';
import type { SeriesResult } from '../runlog/run-log.js';

/**
 * Records what the exchange's listing now means for each series a run collected successfully: trading again clears
 * a delisting; not trading (BREAK, HALT, …) marks the series delisted, so `forward` stops asking for it — only once
 * a run has collected what the exchange still served for it, so nothing before the delisting is left out.
 */
export async function recordListings(
  db: Db,
  series: readonly Series[],
  results: readonly SeriesResult[],
  known: ReadonlyMap<string, ExchangeSymbol>,
  serverTime: number,
  stop: AbortSignal,
): Promise<void> {
  // An interrupted run leaves it to the next one (its series will be collected again anyway), and never waits out a
  // database that went away for it: the signal is what the user asked for.
  if (stop.aborted) return;
  const retry = { ...DEFAULT_DB_RETRY, signal: stop };
  const done = new Set(results.filter((r) => r.status === 'success').map((r) => `${r.symbol} ${r.interval}`));
  const trading: number[] = [];
  const stopped = new Map<string, number[]>();
  for (const s of series) {
    if (!done.has(`${s.symbol} ${s.interval}`)) continue;
    const status = known.get(s.symbol)?.status;
    if (status === undefined) continue;
    if (status === 'TRADING') trading.push(s.id);
    else stopped.set(status, [...(stopped.get(status) ?? []), s.id]);
  }
  // Idempotent updates: safe to repeat.
  await retryTransient('recording listings', () => clearDelisted(db, trading), retry);
  for (const [status, ids] of stopped) await retryTransient('recording listings', () => markDelisted(db, ids, status, serverTime), retry);
}
