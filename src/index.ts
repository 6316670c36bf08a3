/**
 * Library API: the same functions the CLI calls. Commands take a context (configuration, clock, HTTP, progress,
 * stop signal, and the run's events with their counters from `commandEvents()`) and an open database (`withDatabase` or `openDatabase`): the handle, or for `runStatus` its Kysely `db`.
 */
export { systemClock, type Clock } from './clock.js';
export { resolveConfig, readDotenv, type Config } from './config.js';
export { openDatabase, type DatabaseAccess, type DatabaseHandle, type OpenOptions } from './db/open-database.js';
export type { Database } from './db/schema.js';
export { createHttpGet } from './exchange/http-get.js';
export { createProgress, silentProgress } from './output/progress.js';
export { withDatabase, type CommandContext } from './commands/context.js';
export { runBackfill, type BackfillOptions } from './commands/backfill.js';
export { runForward } from './commands/forward.js';
export { runGaps, type GapsOptions, type GapsResult } from './commands/gaps.js';
export { runStatus, type StatusOptions, type StatusResult, type SeriesStatus } from './commands/status.js';
export { runMigrate, type MigrateResult } from './commands/migrate.js';
export { exportedSeries, runExport, type ExportInput, type ExportResult } from './commands/export.js';
export { runSql, type SqlInput, type SqlResult } from './commands/sql.js';
export { unrecordedRunsDir } from './runlog/unrecorded-runs.js';
export type { RunOutcome } from './collect/recorded-run.js';
export type { CandleSource, EmptyAnswerMeaning, PagePlan } from './collect/candle-source.js';
export { commandEvents } from './events/command-events.js';
export { RUN_COUNTERS, type RunCounters } from './events/run-counters.js';
export type { RunEvent, RunEvents, RunListener } from './events/run-events.js';
export { CryptocollectError, UsageError, ExchangeError, DatabaseError, ExportError, InterruptedError, InternalError } from './errors.js';
export { EXIT } from './exit-codes.js';
export type { Candle, Range, Series, RunStatus } from './domain.js';
