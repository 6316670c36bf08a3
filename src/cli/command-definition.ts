import type { Option } from './commander.js';
import type { CommandContext } from '../commands/context.js';
import type { CommandName } from '../domain.js';
import type { ExitCode } from '../exit-codes.js';
import type { SelectionKind } from './shared-options.js';
import type { RunDocument } from './run-document.js';

/**
 * One subcommand, whole: its help, its options, how its flags become the command's input, how it runs, and how its
 * result is printed. A definition imports only light modules; `run` and `human` import the implementation and the
 * table renderer lazily, so help, version and usage errors load neither the database drivers nor the HTTP client.
 */
export interface HumanOptions {
  readonly verbose: boolean;
}

export interface CommandDefinition<Flags, Input, Result> {
  readonly name: CommandName;
  readonly description: string;
  readonly selection: SelectionKind;
  /** The command's own options; the shared ones (shared-options.ts) are added to every command. */
  options(): Option[];
  /** A positional argument (`sql "SELECT …"`), required; its value is parse's `args[0]`. */
  readonly argument?: { readonly name: string; readonly description: string };
  /** Shell lines shown under "Examples:" in the command's help. */
  readonly examples: readonly string[];
  /**
   * Flags to input. Throws UsageError, before any configuration is read or any connection opened. Async so that
   * the parsers load only when a command runs: every module on the help path costs its start-up.
   */
  parse(flags: Flags, args: readonly string[]): Promise<Input>;
  /** Whether the command draws progress at all (status never does, whatever --quiet says). */
  readonly progress: boolean;
  run(ctx: CommandContext, input: Input): Promise<Result>;
  /** The one document `--json` prints: each command has one shape, documented in the README. */
  json(result: Result): unknown;
  /** What stdout gets without --json; `verbose`: every detail (forward's whole per-series table). */
  human(result: Result, options: HumanOptions): Promise<string>;
  exitCode(result: Result): ExitCode;
  /** A line for stderr beside the result (an interrupted run says what it kept). */
  notice(result: Result): string | undefined;
  /**
   * The fetching commands: the run's document (`--on-failure` gets it when its status is not `success`), or null
   * when no run was made (a dry run, a gap listing).
   */
  runDocument?(result: Result): RunDocument | null;
  /** Whether an error that ends the command is a failed run for `--on-failure` (it then gets the error document). */
  failsRun?(input: Input): boolean;
  /**
   * The command wrote its result to stdout itself, as it went (export's data, sql's rows): neither `json` nor
   * `human` is printed after it. Absent: never.
   */
  printed?(result: Result): boolean;
}
