import type { Clock } from '../clock.js';
import type { Db } from '../db/schema.js';
import type { CommandName } from '../domain.js';
import type { LockedCollectOptions, Listing } from '../collect/collect-locked.js';
import type { RunSetup } from '../collect/recorded-run.js';
import type { CollectJob } from '../collect/collect-series.js';
import { plannedJobs } from '../collect/planned-jobs.js';
import { planRun, type RunPlan } from '../collect/run-plan.js';
import type { Series } from '../domain.js';
import type { Config } from '../config.js';
import { openDatabase, type DatabaseAccess, type DatabaseHandle } from '../db/open-database.js';
import type { RequestOutcomes, RunCounters } from '../events/run-counters.js';
import type { RunEvents } from '../events/run-events.js';
import { BinanceClient, KLINES_PAGE_LIMIT } from '../exchange/binance-client.js';
import type { HttpGet } from '../exchange/http-get.js';
import type { ResolvedSymbols } from '../exchange/resolve-symbols.js';
import type { Progress } from '../output/progress.js';
import { unrecordedRunsDir } from '../runlog/unrecorded-runs.js';
import { restCandleSource } from '../sources/rest-candle-source.js';
import { archiveCandleSource } from '../sources/archive-candle-source.js';
import type { CandleSource } from '../collect/candle-source.js';

/** Everything a command needs from the outside world, passed in so commands run the same from the CLI and tests. */
export interface CommandContext {
  readonly config: Config;
  readonly clock: Clock;
  readonly http: HttpGet;
  readonly progress: Progress;
  /** Aborted on the first SIGINT/SIGTERM: stop issuing requests, let in-flight pages commit. */
  readonly stop: AbortSignal;
  /** Aborted a few seconds after `stop`: abandon the requests still on the wire (a hung one would hold the exit). */
  readonly cancel?: AbortSignal;
  /** The command's run events: progress and the run record subscribe. */
  readonly events: RunEvents;
  /** The run's counters, counted from `events` since the command began. */
  readonly counters: Readonly<RunCounters>;
  /** Its requests by outcome, from the same events (`commandEvents()` gives both); recorded with each run. */
  readonly outcomes?: Readonly<RequestOutcomes>;
  /** A warning for stderr, said even under --quiet (a metrics file that could not be written); default: none. */
  readonly warn?: (line: string) => void;
  /** When the invocation began (epoch ms, local clock), start-up included: the whole run's duration counts from here. */
  readonly startedAt: number;
  /** Where a command that prints data (export, sql) streams it, rather than returning it to be printed; default process.stdout. */
  readonly stdout?: NodeJS.WritableStream;
  /** What a relative path the user gave (export --output) is relative to; default process.cwd(). */
  readonly cwd?: string;
}

/** What recordedRun needs from a command. */
export function runSetup(ctx: CommandContext, db: Db, command: CommandName, args: Record<string, unknown>, serverTime: number): RunSetup {
  return { db, command, args, events: ctx.events, counters: ctx.counters, ...(ctx.outcomes ? { outcomes: ctx.outcomes } : {}), serverTime, stop: ctx.stop, unrecordedDir: unrecordedRunsDir(ctx.config.dataDir) };
}

/**
 * What the collect engine needs: the sources `--source` names (`auto`: the archive first, then REST over what it
 * left; `rest`; `archive`), and how the exchange lists each symbol now. `restOnly`: the command asks the exchange
 * itself whatever `--source` says (refetch: its point is the exchange's answer now).
 */
export function collectOptions(
  ctx: CommandContext,
  handle: DatabaseHandle,
  client: BinanceClient,
  resolved: Pick<ResolvedSymbols, 'known' | 'serverTime'>,
  restOnly = false,
): LockedCollectOptions {
  const listing = (symbol: string): Listing => {
    const s = resolved.known.get(symbol);
    return s === undefined ? 'unlisted' : s.status === 'TRADING' ? 'trading' : 'listed';
  };
  const rest = restCandleSource(client);
  const choice = restOnly ? 'rest' : ctx.config.source;
  const archive = (minPageCandles: number): CandleSource =>
    archiveCandleSource({
      ...archiveFetching(ctx),
      now: resolved.serverTime,
      emit: ctx.events.emit,
      minPageCandles,
    });
  // Before REST, a file is read only where it saves a REST page at least; alone, the archive reads every file.
  const sources = choice === 'rest' ? { source: rest } : choice === 'archive' ? { source: archive(0) } : { source: rest, before: [archive(KLINES_PAGE_LIMIT)] };
  return { handle, ...sources, concurrency: ctx.config.concurrency, stop: ctx.stop, emit: ctx.events.emit, listing };
}

/**
 * A dry run's plan of `series`, planned by `plan` as the run would (collect/planned-jobs.ts). What the command spent
 * at the exchange before planning (exchangeInfo…) the run spends too; the looks the plan takes are the dry run's own.
 */
export async function dryRunPlan(
  ctx: CommandContext,
  command: CommandName,
  client: BinanceClient,
  options: LockedCollectOptions,
  series: readonly Series[],
  plan: (s: Series) => Promise<CollectJob>,
  serverTime: number,
): Promise<RunPlan> {
  const spent = (): { requests: number; weight: number } => ({ requests: ctx.counters.requests, weight: ctx.counters.weight });
  const setup = spent();
  const jobs = await plannedJobs(series, options, plan);
  return planRun(options.source, jobs, { command, serverTime, setup, spent: spent(), budget: client.limiter.getBudget() }, options.before ?? []);
}

export function createClient(ctx: CommandContext): BinanceClient {
  return new BinanceClient({
    baseUrl: ctx.config.baseUrl,
    http: ctx.http,
    clock: ctx.clock,
    timeoutMs: ctx.config.timeoutMs,
    retries: ctx.config.retries,
    retryBaseMs: ctx.config.retryBaseMs,
    maxRetryAfterMs: ctx.config.maxRetryAfterMs,
    stop: ctx.stop,
    emit: ctx.events.emit,
    ...(ctx.cancel ? { cancel: ctx.cancel } : {}),
  });
}

/**
 * Opens the configured database for the duration of `fn`, and always closes it (releasing the embedded lock).
 * `access: 'read'` for the commands that only look (status, gaps without --fill/--recheck): no migration of a
 * current schema, read-only sessions (db/open-database.ts). Writing is the default.
 */
export async function withDatabase<T>(ctx: CommandContext, fn: (handle: DatabaseHandle) => Promise<T>, opts: { access?: DatabaseAccess } = {}): Promise<T> {
  const target = { databaseUrl: ctx.config.databaseUrl, dataDir: ctx.config.dataDir, poolSize: ctx.config.concurrency + 2 };
  ctx.events.emit({ type: 'phase', phase: 'opening-database' });
  const handle = await openDatabase(target, { access: opts.access ?? 'write' });
  let failed = true;
  try {
    const result = await fn(handle);
    failed = false;
    return result;
  } finally {
    if (ctx.config.metricsFile !== undefined) await metricsAtEnd(ctx, ctx.config.metricsFile, handle, failed);
    await handle.close();
  }
}

/**
 * The metrics file, rewritten at the end of every command that opened the database (a failed run too: it is
 * recorded by then), from what the database holds. A failure to write it is one warning, never the command's
 * failure; after a command that failed (the database gone, most likely) it says nothing: the error says enough.
 */
async function metricsAtEnd(ctx: CommandContext, file: string, handle: DatabaseHandle, commandFailed: boolean): Promise<void> {
  try {
    const [{ collectMetrics }, { writeMetricsFile }] = await Promise.all([import('../metrics/collect-metrics.js'), import('../metrics/write-metrics-file.js')]);
    await writeMetricsFile(file, await collectMetrics(handle.db, ctx.clock, unrecordedRunsDir(ctx.config.dataDir)));
  } catch (err) {
    if (!commandFailed) ctx.warn?.(`the metrics file ${file} was not written: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** How the archive's files are fetched (its host, retries, timeout), for a source and for `gaps --verify` alike. */
export function archiveFetching(ctx: CommandContext) {
  return {
    baseUrl: ctx.config.archiveUrl,
    http: ctx.http,
    clock: ctx.clock,
    timeoutMs: ctx.config.timeoutMs,
    retries: ctx.config.retries,
    retryBaseMs: ctx.config.retryBaseMs,
    stop: ctx.stop,
  };
}
