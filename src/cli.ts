import { Command, CommanderError, Option } from 'commander';
import { systemClock } from './clock.js';
import { runBackfill } from './commands/backfill.js';
import { commandEvents, withDatabase, type CommandContext } from './commands/context.js';
import { runForward } from './commands/forward.js';
import { runGaps } from './commands/gaps.js';
import type { RunOutcome } from './collect/recorded-run.js';
import { runMigrate } from './commands/migrate.js';
import { runStatus } from './commands/status.js';
import { readDotenv, resolveConfig, type ConfigFlags } from './config.js';
import { CryptocollectError, errorMessage, InterruptedError, UsageError } from './errors.js';
import { createHttpGet } from './exchange/http-get.js';
import { limitHeapGrowth } from './heap-growth.js';
import { EXIT, EXIT_CODES_HELP } from './exit-codes.js';
import { parseDate } from './input/parse-date.js';
import { parsePositiveInteger } from './input/parse-positive-integer.js';
import { FOREVER } from './planner/series-coverage.js';
import { parseIntervals } from './input/parse-intervals.js';
import { parseSymbols } from './input/parse-symbols.js';
import { createProgress } from './output/progress.js';
import { progressListener } from './output/progress-listener.js';
import { renderGaps } from './output/render-gaps.js';
import { renderMigrate } from './output/render-migrate.js';
import { renderRun } from './output/render-run.js';
import { renderStatus } from './output/render-status.js';
import { unrecordedRunsDir } from './runlog/unrecorded-runs.js';

interface Io {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WriteStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly stop: AbortSignal;
  /** Aborted a few seconds after `stop`: what is still on the wire then is abandoned. */
  readonly cancel: AbortSignal;
}

interface OutputFlags {
  json?: boolean;
  quiet?: boolean;
}

const EXIT_BY_STATUS: Record<string, number> = { success: EXIT.success, partial: EXIT.partial, failed: EXIT.failure, interrupted: EXIT.interrupted };

/** Builds the commander program; each action sets `state.exitCode` and writes only results to stdout. */
function buildProgram(io: Io, state: { exitCode: number; json: boolean; verbose: boolean }): Command {
  const program = new Command('cryptocollect')
    .description('Backfill and keep current Binance spot OHLCV candles in PostgreSQL (or an embedded database).')
    .version('0.1.0')
    .addOption(new Option('--database-url <url>', 'PostgreSQL URL (env DATABASE_URL); default: the embedded database'))
    .addOption(new Option('--data-dir <dir>', 'embedded database folder (env CRYPTOCOLLECT_DATA_DIR)'))
    .addOption(new Option('--base-url <url>', 'exchange REST base URL (env BINANCE_BASE_URL, default https://api.binance.com)'))
    .addOption(new Option('--concurrency <n>', 'requests in flight at once (env CRYPTOCOLLECT_CONCURRENCY, default 8)'))
    .addOption(new Option('--timeout <seconds>', 'abandon a request after this long (env CRYPTOCOLLECT_TIMEOUT, default 30)'))
    .option('--verbose', 'show stack traces for errors')
    .addHelpText('after', `\n${EXIT_CODES_HELP}\n`)
    .showSuggestionAfterError(true)
    // No command at all is a usage error of one line, not the whole help on stderr.
    .action(() => {
      throw new UsageError('no command given; run `cryptocollect --help` for the commands');
    })
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(`cryptocollect: ${s.replace(/^error: /, '').trim()}\n`),
    });

  const context = async (cmd: Command, out: OutputFlags): Promise<CommandContext> => {
    const flags = cmd.optsWithGlobals<ConfigFlags & { verbose?: boolean }>();
    state.json = out.json === true;
    state.verbose = flags.verbose === true || Boolean(io.env.DEBUG);
    const config = resolveConfig(flags, io.env, readDotenv(io.cwd));
    const progress = await createProgress({ quiet: out.quiet === true });
    const { events, counters } = commandEvents();
    events.on(progressListener(progress));
    return { config, clock: systemClock, http: createHttpGet(), progress, stop: io.stop, cancel: io.cancel, events, counters };
  };
  const print = (out: OutputFlags, doc: unknown, human: () => string): void => {
    io.stdout.write(out.json ? `${JSON.stringify(doc, null, 2)}\n` : human());
  };
  const finish = (command: string, out: OutputFlags, outcome: RunOutcome): void => {
    if (outcome.status === 'interrupted') {
      io.stderr.write(`cryptocollect: interrupted; ${outcome.candles_written} candles were stored, the next run resumes\n`);
      if (out.json) print(out, outcome, () => '');
    } else {
      print(out, outcome, () => renderRun(command, outcome));
    }
    state.exitCode = EXIT_BY_STATUS[outcome.status] ?? EXIT.failure;
  };

  program
    .command('backfill')
    .description('track each symbol × interval from --since and store every closed candle not stored yet')
    .requiredOption('--since <date>', 'first open time, ISO 8601 (a date means 00:00 UTC)')
    .option('--until <date>', 'end of the range, exclusive (default: the newest closed candle)')
    .requiredOption('--symbols <list>', 'comma-separated symbols: BTCUSDT, btcusdt or BTC/USDT')
    .option('--interval <list>', 'comma-separated Binance intervals (1s 1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d 3d 1w 1M)', '1h')
    .option('--json', 'print the result as one JSON document')
    .option('--quiet', 'no progress on stderr')
    .action(async (o: { since: string; until?: string; symbols: string; interval: string } & OutputFlags, cmd: Command) => {
      const opts = {
        since: parseDate('--since', o.since),
        until: o.until === undefined ? undefined : parseDate('--until', o.until),
        symbols: parseSymbols(o.symbols),
        intervals: parseIntervals(o.interval),
      };
      const ctx = await context(cmd, o);
      const outcome = await withDatabase(ctx, (h) => runBackfill(ctx, h, opts));
      finish('backfill', o, outcome);
    });

  program
    .command('forward')
    .description('bring every tracked series (or the selected ones) up to the newest closed candle')
    .option('--symbols <list>', 'only these tracked symbols')
    .option('--interval <list>', 'only these intervals')
    .option('--json', 'print the result as one JSON document')
    .option('--quiet', 'no progress on stderr')
    .action(async (o: { symbols?: string; interval?: string } & OutputFlags, cmd: Command) => {
      const filter = { symbols: o.symbols ? parseSymbols(o.symbols) : undefined, intervals: o.interval ? parseIntervals(o.interval) : undefined };
      const ctx = await context(cmd, o);
      const outcome = await withDatabase(ctx, (h) => runForward(ctx, h, filter));
      if (outcome === null) {
        ctx.progress.note('nothing to do: no tracked series (start one with `cryptocollect backfill`)');
        print(o, { run_id: null, status: 'success', series: [] }, () => '');
        return;
      }
      finish('forward', o, outcome);
    });

  program
    .command('gaps')
    .description('list holes never collected (and, apart, ranges where the exchange has no candles); --fill fetches them')
    .option('--symbols <list>', 'only these tracked symbols')
    .option('--interval <list>', 'only these intervals')
    .option('--fill', 'fetch exactly the gaps')
    .option('--recheck', 'first forget the remembered exchange-empty ranges (within --since/--until), so they are gaps again')
    .option('--since <date>', 'with --recheck: from this open time (default: each series\' start)')
    .option('--until <date>', 'with --recheck: up to this open time, exclusive (default: no end)')
    .addHelpText('after', '\nExample: look again at what is remembered as exchange-empty on 2024-03-24, and fetch it:\n  cryptocollect gaps --symbols BTCUSDT --interval 1h --recheck --since 2024-03-24 --until 2024-03-25 --fill\n')
    .option('--json', 'print the result as one JSON document')
    .option('--quiet', 'no progress on stderr')
    .action(async (o: { symbols?: string; interval?: string; fill?: boolean; recheck?: boolean; since?: string; until?: string } & OutputFlags, cmd: Command) => {
      const filter = { symbols: o.symbols ? parseSymbols(o.symbols) : undefined, intervals: o.interval ? parseIntervals(o.interval) : undefined };
      if (!o.recheck && (o.since !== undefined || o.until !== undefined)) throw new UsageError('--since and --until go with --recheck');
      const recheck = o.recheck
        ? { from: o.since === undefined ? 0 : parseDate('--since', o.since), to: o.until === undefined ? FOREVER : parseDate('--until', o.until) }
        : undefined;
      if (recheck && recheck.to <= recheck.from) throw new UsageError('--until must be after --since');
      const ctx = await context(cmd, o);
      const access = o.fill || o.recheck ? 'write' : 'read';
      const result = await withDatabase(ctx, (h) => runGaps(ctx, h, filter, { fill: o.fill === true, recheck }), { access });
      if (result.fill?.status === 'interrupted') {
        io.stderr.write(`cryptocollect: interrupted; ${result.fill.candles_written} candles were stored, the next run resumes\n`);
      }
      print(o, result, () => renderGaps(result));
      if (result.fill) state.exitCode = EXIT_BY_STATUS[result.fill.status] ?? EXIT.failure;
    });

  program
    .command('status')
    .description('per series: stored and expected candles, completeness, gaps, lag; and the recent runs')
    .option('--symbols <list>', 'only these symbols')
    .option('--interval <list>', 'only these intervals')
    .option('--runs <n>', 'how many recent runs to list', '10')
    .option('--json', 'print the result as one JSON document')
    .action(async (o: { symbols?: string; interval?: string; runs: string } & OutputFlags, cmd: Command) => {
      const filter = { symbols: o.symbols ? parseSymbols(o.symbols) : undefined, intervals: o.interval ? parseIntervals(o.interval) : undefined };
      const runs = parsePositiveInteger('--runs', o.runs);
      const ctx = await context(cmd, { ...o, quiet: true });
      const result = await withDatabase(ctx, (h) => runStatus(h.db, ctx.clock, filter, runs, unrecordedRunsDir(ctx.config.dataDir), { reap: false }), { access: 'read' });
      print(o, result, () => renderStatus(result));
    });

  program
    .command('migrate')
    .description('bring the database schema up to date (the collecting commands do it by themselves)')
    .option('--json', 'print the result as one JSON document')
    .action(async (o: OutputFlags, cmd: Command) => {
      const ctx = await context(cmd, { ...o, quiet: true });
      const result = await runMigrate(ctx);
      print(o, result, () => renderMigrate(result));
    });

  return program;
}

/** Runs the CLI and returns the exit code; the one top-level catch maps every error to its documented code. */
export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  const state = { exitCode: EXIT.success as number, json: argv.includes('--json'), verbose: argv.includes('--verbose') || Boolean(io.env.DEBUG) };
  const program = buildProgram(io, state);
  try {
    await program.parseAsync([...argv]);
    return state.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are successes; every other commander error is a usage error it has already printed.
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.success;
      if (err.code === 'usage') io.stderr.write(`cryptocollect: ${err.message}\n`);
      return EXIT.usage;
    }
    const known = err instanceof CryptocollectError;
    const message = known ? err.message : `internal error: ${errorMessage(err)} (run with --verbose for details)`;
    io.stderr.write(`cryptocollect: ${message}\n`);
    if (state.verbose && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
    const exitCode = known ? err.exitCode : EXIT.failure;
    if (state.json) {
      const code = known ? err.code : 'internal';
      io.stdout.write(`${JSON.stringify({ error: { code, message, exit_code: exitCode } }, null, 2)}\n`);
    }
    return exitCode;
  }
}

/** How long the pages on the wire get to finish after the first signal, before they are abandoned. */
export const STOP_GRACE_MS = 3000;

/** Entry point for bin/cryptocollect.js: wires signals and the process, then sets the exit code. */
export async function main(argv: readonly string[]): Promise<void> {
  const stop = new AbortController();
  const cancel = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals++;
    if (signals === 1) {
      process.stderr.write(`cryptocollect: ${signal} received, finishing the pages in flight (send again to exit at once)\n`);
      stop.abort(new InterruptedError(`interrupted by ${signal}`));
      // A request that hangs would hold the exit for its whole timeout: give the wire a few seconds, then cut it.
      setTimeout(() => cancel.abort(new InterruptedError(`interrupted by ${signal}`)), STOP_GRACE_MS).unref();
    } else {
      // Committed pages are safe; the page in flight is simply fetched again by the next run.
      process.exit(EXIT.interrupted);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Node prints a warning over several lines (the driver's sslmode notice takes nine): one line is enough.
  process.removeAllListeners('warning');
  process.on('warning', (w) => process.stderr.write(`cryptocollect: warning: ${w.message.split('\n')[0] ?? w.name}\n`));
  // `cryptocollect status --json | head -c 100`: a reader that stops early is not an error worth a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
    });
  }
  limitHeapGrowth(process.execArgv);
  const io = { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), stop: stop.signal, cancel: cancel.signal };
  process.exitCode = await runCli(argv, io);
}
