import { Command, CommanderError } from './commander.js';
import type { ConfigFlags } from '../config.js';
import { EXIT, EXIT_CODES_HELP, type ExitCode } from '../exit-codes.js';
import type { CommandDefinition } from './command-definition.js';
import { backfill } from './commands/backfill.js';
import { exportCommand } from './commands/export.js';
import { forward } from './commands/forward.js';
import { gaps } from './commands/gaps.js';
import { migrate } from './commands/migrate.js';
import { refetch } from './commands/refetch.js';
import { series } from './commands/series.js';
import { sql } from './commands/sql.js';
import { status } from './commands/status.js';
import { untrack } from './commands/untrack.js';
import type { Io } from './io.js';
import type { JsonLog } from '../output/json-log.js';
import type { CommandContext } from '../commands/context.js';
import { addGlobalOptions, addProgressOption, addSelectionOptions, type OutputFlags } from './shared-options.js';

/** What an action leaves for runCli: the exit code, and how to report an error should one follow. */
export interface CliState {
  exitCode: ExitCode;
  json: boolean;
  verbose: boolean;
  /** The JSON log once the command's configuration asked for one: runCli's error line goes there then. */
  log?: JsonLog | null;
}

function attach<Flags, Input, Result>(program: Command, io: Io, state: CliState, version: string, def: CommandDefinition<Flags, Input, Result>): void {
  const command = program.command(def.name).description(def.description);
  if (def.argument) command.argument(def.argument.name, def.argument.description);
  for (const option of def.options()) command.addOption(option);
  addSelectionOptions(command, def.selection);
  if (def.progress) addProgressOption(command);
  if (def.examples.length > 0) command.addHelpText('after', `\nExamples:\n${def.examples.map((line) => `  ${line}`).join('\n')}\n`);
  command.exitOverride(withExample(def.examples));
  // Commander passes the positional arguments first, then the options, then the command itself.
  command.action(async (...actionArgs: unknown[]) => {
    const cmd = actionArgs[actionArgs.length - 1] as Command;
    const flags = cmd.optsWithGlobals<Flags & ConfigFlags & OutputFlags & { verbose?: boolean }>();
    state.json = flags.json === true;
    state.verbose = state.verbose || flags.verbose === true;
    const input = await def.parse(flags, cmd.args);
    const { createCommandContext } = await import('./create-command-context.js');
    const ctx = await createCommandContext(io, flags, {
      quiet: flags.quiet === true || !def.progress,
      progress: flags.progress ?? 'auto',
      progressGiven: def.progress && cmd.getOptionValueSource('progress') === 'cli',
    });
    state.log = ctx.log;
    let result: Result;
    try {
      result = await def.run(ctx, input);
    } catch (err) {
      ctx.progress.stop();
      // A run that could not even produce its document (the exchange unreachable…): the hook gets the error's.
      if (ctx.config.onFailure !== undefined && def.failsRun?.(input) === true) {
        const { errorReport } = await import('./error-report.js');
        await onFailure(ctx, io, ctx.config.onFailure, errorReport(err, version).document);
      }
      throw err;
    }
    // A display left drawing would overwrite the error line that follows; its last line says how long it all took.
    ctx.progress.stop();
    const notice = def.notice(result);
    if (notice !== undefined) {
      if (ctx.log !== null) ctx.log.line('warn', 'notice', notice);
      else io.stderr.write(`cryptocollect: ${notice}\n`);
    }
    state.exitCode = def.exitCode(result);
    if (def.printed?.(result) === true) return;
    // --quiet: a success says nothing at all (cron mails nothing); anything else still says what happened.
    if (state.json) io.stdout.write(`${JSON.stringify(def.json(result), null, 2)}\n`);
    else if (!(flags.quiet === true && state.exitCode === EXIT.success)) io.stdout.write(await def.human(result, { verbose: flags.verbose === true }));
    const doc = def.runDocument?.(result) ?? null;
    if (ctx.config.onFailure !== undefined && doc !== null && doc.status !== 'success') await onFailure(ctx, io, ctx.config.onFailure, doc);
  });
}

/** Runs the --on-failure hook; what it does is said in one line, and never changes the exit code. */
async function onFailure(ctx: CommandContext & { readonly log: JsonLog | null }, io: Io, hook: string, document: unknown): Promise<void> {
  const { runOnFailure } = await import('../hooks/run-on-failure.js');
  const outcome = await runOnFailure(hook, document, { timeoutMs: ctx.config.onFailureTimeoutMs, output: io.stderr, env: { ...io.env }, cwd: io.cwd });
  if (outcome.ok) return;
  const line = `the --on-failure command ${outcome.reason}`;
  if (ctx.log !== null) ctx.log.line('warn', 'on-failure', line);
  else io.stderr.write(`cryptocollect: ${line}\n`);
}

/**
 * A missing required option has an obvious fix: the error says it with the command's first example, a line that
 * works as written (`required option '--since <date>' not specified; for example: cryptocollect backfill --since …`).
 */
function withExample(examples: readonly string[]): (err: CommanderError) => never {
  const example = examples.find((line) => line.startsWith('cryptocollect '))?.replace(/\s+#.*$/, '');
  return (err) => {
    if (err.code === 'commander.missingMandatoryOptionValue' && example !== undefined) {
      throw new CommanderError(err.exitCode, err.code, `${err.message}; for example: ${example}`);
    }
    throw err;
  };
}

/** The commander program. It writes only help and version itself: runCli reports every error, parser errors too. */
export function buildProgram(io: Io, state: CliState, version: string): Command {
  const program = new Command('cryptocollect')
    .description('Backfill and keep current Binance spot OHLCV candles in PostgreSQL (or an embedded database).')
    .version(version)
    .addHelpText('after', `\n${EXIT_CODES_HELP}\n`)
    .configureHelp({ showGlobalOptions: true })
    .showSuggestionAfterError(true)
    .exitOverride()
    // Commander writes to stderr only its errors and, when no command is given, the whole help: runCli says
    // each in one line instead (a program action would take an unknown command for an excess argument).
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: () => undefined,
      outputError: () => undefined,
    });
  addGlobalOptions(program);
  attach(program, io, state, version, backfill);
  attach(program, io, state, version, forward);
  attach(program, io, state, version, gaps);
  attach(program, io, state, version, refetch);
  attach(program, io, state, version, status);
  attach(program, io, state, version, series);
  attach(program, io, state, version, untrack);
  attach(program, io, state, version, exportCommand);
  attach(program, io, state, version, sql);
  attach(program, io, state, version, migrate);
  return program;
}
