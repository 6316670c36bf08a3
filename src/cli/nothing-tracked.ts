import type { Config } from '../config.js';
import { embeddedStoreExists } from '../db/embedded-store.js';
import { redactUrl } from '../db/redact-url.js';
import type { SeriesFilter } from '../db/series-repository.js';
import { UsageError } from '../errors.js';

/** How a first series is started: a line that works as written. */
export const START_HINT = 'start one with `cryptocollect backfill --since 2024-01-01` (the top 100 USDT symbols; or --symbols BTCUSDT,…)';
const EMPTY_OK = 'or pass --allow-empty if an empty database is expected';

/** The database forward opened, safe to print: the URL without its password, or the embedded data directory. */
export function databaseName(config: Pick<Config, 'databaseUrl' | 'dataDir'>): string {
  return config.databaseUrl ? redactUrl(config.databaseUrl) : `the embedded database in ${config.dataDir}`;
}

/**
 * `forward` with nothing to bring forward is a job pointed at the wrong database (a typo in DATABASE_URL, cron's
 * other HOME and so its other default data directory) far more often than an intended no-op: exit 2, naming the
 * database, rather than a silent success every hour.
 */
export function nothingTracked(config: Pick<Config, 'databaseUrl' | 'dataDir'>, filter: SeriesFilter): UsageError {
  const database = databaseName(config);
  if (filter.intervals !== undefined || filter.symbols !== undefined) {
    return new UsageError(`no tracked series matches the selection in ${database}; \`cryptocollect status\` lists the tracked ones (${EMPTY_OK})`, { database });
  }
  return new UsageError(`${database} tracks no series: ${START_HINT}, or point --database-url/--data-dir at the database that has them (${EMPTY_OK})`, { database });
}

/** An embedded database that was never created: refused before opening it, so the failing run creates nothing. */
export async function refuseMissingStore(config: Pick<Config, 'databaseUrl' | 'dataDir'>): Promise<void> {
  if (config.databaseUrl || (await embeddedStoreExists(config.dataDir))) return;
  const database = databaseName(config);
  throw new UsageError(`there is no database yet in ${config.dataDir} (nothing was created): ${START_HINT}, or point --database-url/--data-dir at the database that has the series (${EMPTY_OK})`, { database });
}

/** A command that reads candles (export) on a database without the selected series: exit 2, naming the database. */
export function noStoredSeries(config: Pick<Config, 'databaseUrl' | 'dataDir'>, filter: SeriesFilter): UsageError {
  const database = databaseName(config);
  if (filter.intervals !== undefined || filter.symbols !== undefined) {
    return new UsageError(`no series in ${database} matches the selection; \`cryptocollect series\` lists them`, { database });
  }
  return new UsageError(`${database} holds no series: ${START_HINT}`, { database });
}

/** A reading command (export, sql) on an embedded data directory holding no database: refused, nothing created. */
export async function refuseNoStore(config: Pick<Config, 'databaseUrl' | 'dataDir'>): Promise<void> {
  if (config.databaseUrl || (await embeddedStoreExists(config.dataDir))) return;
  const database = databaseName(config);
  throw new UsageError(`there is no database yet in ${config.dataDir} (nothing was created): ${START_HINT}`, { database });
}
