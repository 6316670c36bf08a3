import { setMaxListeners } from 'node:events';
import { CommanderError } from './cli/commander.js';
import { buildProgram, type CliState } from './cli/build-program.js';
import type { Io } from './cli/io.js';
import { packageVersion } from './cli/version.js';
import { InterruptedError, UsageError } from './errors.js';
import { EXIT } from './exit-codes.js';
import { limitHeapGrowth } from './heap-growth.js';
import { afterRunning } from './system/after-running.js';

export type { Io } from './cli/io.js';

/** Commander ends these by throwing too, with exitOverride; they are what was asked for. */
const COMMANDER_SUCCESS = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);

/** A parser error as a usage error; commander's help for a missing command (exit code 1) as one line. */
function usageErrorOf(err: CommanderError): UsageError {
  if (err.code === 'commander.help') return new UsageError('no command given; run `cryptocollect --help` for the commands');
  return new UsageError(parserMessage(err));
}

/** Commander's message as one line: "error: " dropped, its "(Did you mean …?)" line folded in. */
function parserMessage(err: CommanderError): string {
  return err.message
    .replace(/^error: /, '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join(' ')
    .replace('(Did you mean', '(did you mean');
}

/** Whether the document should be JSON, read from argv itself: a parser error comes before any option is set. */
function asksForJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}

/**
 * Whether stderr is a JSON log (`--log-format json`, or CRYPTOCOLLECT_LOG_FORMAT=json), read from argv itself for the
 * lines written before a command has resolved its configuration (a parser error, a signal during start-up).
 */
export function asksForJsonLogs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): boolean {
  const end = argv.indexOf('--');
  const args = end === -1 ? argv : argv.slice(0, end);
  const i = args.lastIndexOf('--log-format');
  const given = args.findLast((a) => a.startsWith('--log-format='))?.slice('--log-format='.length) ?? (i >= 0 ? args[i + 1] : undefined);
  return (given ?? env.CRYPTOCOLLECT_LOG_FORMAT)?.trim() === 'json';
}

/** A JSON log line written without the logger (main's own lines: a signal, a warning), in the logger's shape. */
export function jsonLogLine(level: 'warn' | 'error', event: string, msg: string, fields: Record<string, unknown> = {}): string {
  return `${JSON.stringify({ level, time: new Date().toISOString(), event, run_id: null, ...fields, msg })}\n`;
}

/**
 * Runs the CLI on `argv` (the arguments after the program name) and returns the exit code. The one top-level catch
 * maps every error to its documented code: one line on stderr and, with --json, one error document on stdout.
 */
export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  const version = packageVersion();
  const state: CliState = { exitCode: EXIT.success, json: asksForJson(argv), verbose: argv.includes('--verbose') || Boolean(io.env.DEBUG) };
  const program = buildProgram(io, state, version);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return state.exitCode;
  } catch (thrown) {
    if (thrown instanceof CommanderError && thrown.exitCode === 0 && COMMANDER_SUCCESS.has(thrown.code)) return EXIT.success;
    const err = thrown instanceof CommanderError ? usageErrorOf(thrown) : thrown;
    const { errorReport } = await import('./cli/error-report.js');
    const report = errorReport(err, version);
    const stack = state.verbose && !(err instanceof UsageError) && err instanceof Error && err.stack ? err.stack : undefined;
    const { code, exit_code, details } = report.document.error;
    if (state.log) state.log.line('error', 'error', report.line, { code, exit_code, details, ...(stack ? { stack } : {}) });
    else if (state.log === undefined && asksForJsonLogs(argv, io.env)) io.stderr.write(jsonLogLine('error', 'error', report.line, { code, exit_code, details }));
    else {
      io.stderr.write(`cryptocollect: ${report.line}\n`);
      // A usage error's stack is only the parser's: the line says all there is.
      if (stack) io.stderr.write(`${stack}\n`);
    }
    if (state.json) io.stdout.write(`${JSON.stringify(report.document, null, 2)}\n`);
    return report.exitCode;
  }
}

/** How long the pages on the wire get to finish after the first signal, before they are abandoned. */
export const STOP_GRACE_MS = 3000;

/** Entry point for bin/cryptocollect.js: wires signals and the process, then sets the exit code. */
export async function main(argv: readonly string[]): Promise<void> {
  const stop = new AbortController();
  const cancel = new AbortController();
  // Every request on the wire listens to both (up to 64 exchange requests and the archive's files with their
  // CHECKSUMs, each a listener or two): more than Node's default of 10 is no leak here.
  setMaxListeners(256, stop.signal, cancel.signal);
  const jsonLogs = asksForJsonLogs(argv, process.env);
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals++;
    if (signals === 1) {
      const line = `${signal} received, finishing the pages in flight (send again to exit at once)`;
      process.stderr.write(jsonLogs ? jsonLogLine('warn', 'signal', line, { signal }) : `cryptocollect: ${line}\n`);
      stop.abort(new InterruptedError(`interrupted by ${signal}`));
      // A request that hangs would hold the exit for its whole timeout: give the wire a few seconds, then cut it.
      // Seconds of the process running: a loaded host that stalls it must not cut answers that have arrived.
      afterRunning(STOP_GRACE_MS, () => cancel.abort(new InterruptedError(`interrupted by ${signal}`)));
    } else {
      // Committed pages are safe; the page in flight is simply fetched again by the next run.
      process.exit(EXIT.interrupted);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Node prints a warning over several lines (the driver's sslmode notice takes nine): one line is enough.
  process.removeAllListeners('warning');
  process.on('warning', (w) => {
    const line = w.message.split('\n')[0] ?? w.name;
    process.stderr.write(jsonLogs ? jsonLogLine('warn', 'warning', line) : `cryptocollect: warning: ${line}\n`);
  });
  // `cryptocollect status --json | head -c 100`: a reader that stops early is not an error worth a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
    });
  }
  limitHeapGrowth(process.execArgv);
  const io: Io = { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), stop: stop.signal, cancel: cancel.signal, startedAt: Math.round(performance.timeOrigin) };
  process.exitCode = await runCli(argv, io);
}
