import { Command, CommanderError } from './commander.js';
import type { ConfigFlags } from '../config.js';
import { EXIT, EXIT_CODES_HELP, type ExitCode } from '../exit-codes.js';
import type { CommandDefinition } from './command-definition.js';
import { backfill } from './commands/backfill.js';
import { exportCommand } from './commands/export.js';
import { forward } from './commands/forward.js';
import { gaps } from './commands/gaps.js';
import { migrate } from './commands/migrate.js';
import { series } from './commands/series.js';
import { sql } from './commands/sql.js';
import { status } from './commands/status.js';
import { untrack } from './commands/untrack.js';
import type { Io } from './io.js';
import { addGlobalOptions, addProgressOption, addSelectionOptions, type OutputFlags } from './shared-options.js';

/** What an action leaves for runCli: the exit code, and how to report an error should one follow. */
export interface CliState {
  exitCode: ExitCode;
  json: boolean;
  verbose: boolean;
}

function attach<Flags, Input, Result>(program: Command, io: Io, state: CliState, def: CommandDefinition<Flags, Input, Result>): void {
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
    const ctx = await createCommandContext(io, flags, { quiet: flags.quiet === true || !def.progress, progress: flags.progress ?? 'auto' });
    let result: Result;
    try {
      result = await def.run(ctx, input);
    } finally {
      // A display left drawing would overwrite the error line that follows; its last line says how long it all took.
      ctx.progress.stop();
    }
    const notice = def.notice(result);
    if (notice !== undefined) io.stderr.write(`cryptocollect: ${notice}\n`);
    state.exitCode = def.exitCode(result);
    if (def.printed?.(result) === true) return;
    // --quiet: a success says nothing at all (cron mails nothing); anything else still says what happened.
    if (state.json) io.stdout.write(`${JSON.stringify(def.json(result), null, 2)}\n`);
    else if (!(flags.quiet === true && state.exitCode === EXIT.success)) io.stdout.write(await def.human(result, { verbose: flags.verbose === true }));
  });
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
  attach(program, io, state, backfill);
  attach(program, io, state, forward);
  attach(program, io, state, gaps);
  attach(program, io, state, status);
  attach(program, io, state, series);
  attach(program, io, state, untrack);
  attach(program, io, state, exportCommand);
  attach(program, io, state, sql);
  attach(program, io, state, migrate);
  return program;
}
