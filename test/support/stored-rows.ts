// Reads what the CLI stored, straight from the database (pg for PostgreSQL, PGlite for the embedded one),
// as text, so values are compared with the exchange's decimal strings exactly.
import path from 'node:path';
import v8 from 'node:v8';
import { PGlite } from '@electric-sql/pglite';
import { PGLITE_SETTINGS } from '../../src/db/open-pglite.ts';
import pg from 'pg';
import type { RealKline } from './fake-exchange/index.ts';

export interface DbTarget {
  databaseUrl?: string | undefined;
  dataDir: string;
}

export async function query<T = Record<string, unknown>>(target: DbTarget, text: string, params: unknown[] = []): Promise<T[]> {
  if (target.databaseUrl) {
    const client = new pg.Client({ connectionString: target.databaseUrl });
    await client.connect();
    try {
      return (await client.query(text, params)).rows as T[];
    } finally {
      await client.end();
    }
  }
  return (await (await embeddedStore(target.dataDir)).query<T>(text, params)).rows;
}

/**
 * Embedded stores this process has open, by data directory. Starting PGlite costs a third of a second of CPU or
 * more, and a test reads a store several times between two CLI runs: the store stays open until the next run
 * (run-cli.ts) or the cleanup needs it closed — PGlite must never have the store open twice.
 */
const openStores = new Map<string, Promise<PGlite>>();

function embeddedStore(dataDir: string): Promise<PGlite> {
  let store = openStores.get(dataDir);
  if (!store) {
    // As the CLI's read commands open it (src/db/open-pglite.ts): a test's reads are short, and a third of the CPU
    // and most of the memory of a start with PostgreSQL's and V8's defaults would go to buffers and optimised code
    // that a few statements never use.
    v8.setFlagsFromString('--liftoff-only');
    const settings = Object.entries(PGLITE_SETTINGS).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
    store = PGlite.create(path.join(dataDir, 'pgdata'), { startParams: [...PGlite.defaultStartParams, ...settings] });
    openStores.set(dataDir, store);
    store.catch(() => openStores.delete(dataDir));
  }
  return store;
}

/** True while this process holds the embedded store in `dataDir` open. */
export function holdsStore(dataDir: string): boolean {
  return openStores.has(dataDir);
}

/** Closes this process's handle on the embedded store in `dataDir`, if it has one. */
export async function releaseStore(dataDir: string): Promise<void> {
  const store = openStores.get(dataDir);
  if (!store) return;
  openStores.delete(dataDir);
  const db = await store.catch(() => undefined);
  await db?.close();
}

/**
 * Stored candles of one series ($1 symbol, $2 interval), each as one text: see klineOf. One column, not eleven: an
 * embedded store's driver copies out and decodes every field of every row on its own, which made reading back a
 * long series cost more than the run that stored it.
 */
export const STORED_KLINES_SQL = `
  select concat_ws(',', (extract(epoch from open_time) * 1000)::int8, open, high, low, close, volume,
                   (extract(epoch from close_time) * 1000)::int8, quote_volume, trades, taker_buy_base_volume,
                   taker_buy_quote_volume) as k
    from candles where symbol = $1 and interval = $2 order by open_time`;

/** A row of STORED_KLINES_SQL as a 12-field wire row (field 11 is "0"). */
export function klineOf(r: Record<string, unknown>): RealKline {
  const f = (r.k as string).split(',');
  // concat_ws leaves out a NULL: a row short of a field is a defect to see, not to shift.
  if (f.length !== 11) throw new Error(`a stored candle without all its fields: ${r.k as string}`);
  return [Number(f[0]), f[1]!, f[2]!, f[3]!, f[4]!, f[5]!, Number(f[6]), f[7]!, Number(f[8]), f[9]!, f[10]!, '0'];
}

/** Stored candles of one series as 12-field wire rows (field 11 is "0"), oldest first. */
export async function storedKlines(target: DbTarget, symbol: string, interval: string): Promise<RealKline[]> {
  return (await query<Record<string, unknown>>(target, STORED_KLINES_SQL, [symbol, interval])).map(klineOf);
}

export async function countCandles(target: DbTarget, where = 'true', params: unknown[] = []): Promise<number> {
  const rows = await query<{ n: string | number }>(target, `select count(*)::int as n from candles where ${where}`, params);
  return Number(rows[0]?.n ?? 0);
}
