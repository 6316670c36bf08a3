import { Option, type Command } from './commander.js';
import { INTERVALS } from '../planner/intervals.js';

/**
 * The options every command shares, declared once here. The global ones live on the program (so they may stand
 * before or after the command: `cryptocollect --json status` too) and show in each command's help through
 * `showGlobalOptions`; the selection is added to each command, as fresh Option objects because a program is built
 * anew for every in-process run, and because backfill's --symbols name what to track (default: a universe) where
 * the others narrow by it, and untrack requires it.
 */
export function addGlobalOptions(program: Command): Command {
  return program
    .addOption(new Option('--database-url <url>', 'PostgreSQL URL (env DATABASE_URL); default: the embedded database'))
    .addOption(new Option('--data-dir <dir>', 'embedded database folder (env CRYPTOCOLLECT_DATA_DIR)'))
    .addOption(new Option('--base-url <url>', 'exchange REST base URL (env BINANCE_BASE_URL, default https://api.binance.com)'))
    .addOption(new Option('--source <source>', 'where candles come from: auto (the data.binance.vision archive for complete past days and months, REST for the rest), rest, archive (env CRYPTOCOLLECT_SOURCE, default auto)'))
    .addOption(new Option('--archive-url <url>', 'bulk archive base URL (env BINANCE_ARCHIVE_URL, default https://data.binance.vision)'))
    .addOption(new Option('--concurrency <n>', 'requests in flight at once (env CRYPTOCOLLECT_CONCURRENCY, default 8)'))
    .addOption(new Option('--timeout <seconds>', 'abandon a request after this long (env CRYPTOCOLLECT_TIMEOUT, default 30)'))
    .addOption(new Option('--local-address <ip>', 'send exchange requests from this address of this host, for its own weight budget (env CRYPTOCOLLECT_LOCAL_ADDRESS)'))
    .addOption(new Option('--metrics-file <path>', 'write Prometheus metrics (node_exporter textfile format) here after each command (env CRYPTOCOLLECT_METRICS_FILE)'))
    .addOption(new Option('--log-format <format>', 'text, or json: one JSON object per run event on stderr (env CRYPTOCOLLECT_LOG_FORMAT, default text)'))
    .addOption(new Option('--log-level <level>', 'with --log-format json: debug, info, warn or error (env CRYPTOCOLLECT_LOG_LEVEL, default info)'))
    .addOption(new Option('--on-failure <command>', 'run this shell command, the run\'s JSON on stdin, when a run fails, is partial or interrupted (env CRYPTOCOLLECT_ON_FAILURE)'))
    .addOption(new Option('--json', 'print the result as one JSON document (errors too)'))
    .addOption(new Option('--quiet', 'no progress on stderr, and nothing at all on success (--json still prints its document)'))
    .addOption(new Option('--verbose', 'every detail: forward prints its whole per-series table; errors show their stack trace'));
}

/**
 * `--interval`, also accepted as `--intervals` (it takes a list, and `--symbols` is plural): one option, its value
 * under `interval` either way.
 */
function intervalOption(description: string): Option {
  const option = new Option('--interval, --intervals <list>', description);
  // Of two long flags commander names the value after the second; the code reads `interval`.
  [option.short, option.long] = [option.long, option.short];
  return option;
}

/**
 * `track`: the series to collect (default: a universe); `narrow`: a filter over the tracked ones; `pick`: tracked
 * series to act on, named (untrack, refetch); `none`: the command selects nothing.
 */
export type SelectionKind = 'track' | 'narrow' | 'pick' | 'none';

export interface SelectionFlags {
  readonly symbols?: string;
  readonly interval?: string;
}

export interface OutputFlags {
  readonly json?: boolean;
  readonly quiet?: boolean;
  readonly progress?: ProgressMode;
}

/** `--progress`: `auto` draws the live display when stderr is a terminal, `lines` writes plain lines, `none` nothing. */
export const PROGRESS_MODES = ['auto', 'lines', 'none'] as const;
export type ProgressMode = (typeof PROGRESS_MODES)[number];

/** The collecting commands' `--progress`, declared once (a fresh Option per program, as for the selection). */
export function addProgressOption(command: Command): Command {
  return command.addOption(
    new Option('--progress <mode>', 'progress on stderr: auto (a live display when stderr is a terminal), lines (a plain line every few seconds, for logs), none')
      .choices(PROGRESS_MODES)
      .default('auto'),
  );
}

export function addSelectionOptions(command: Command, kind: SelectionKind): Command {
  if (kind === 'none') return command;
  if (kind === 'track') {
    return command
      .addOption(new Option('--symbols <list>', 'comma-separated symbols: BTCUSDT, btcusdt or BTC/USDT (default: the top --top by volume)'))
      .addOption(intervalOption(`comma-separated Binance intervals (${INTERVALS.join(' ')})`).default('1h'));
  }
  if (kind === 'pick') {
    return command
      .addOption(new Option('--symbols <list>', 'these tracked symbols (BTCUSDT, btcusdt or BTC/USDT)').makeOptionMandatory())
      .addOption(intervalOption('only these intervals; default: all'));
  }
  return command
    .addOption(new Option('--symbols <list>', 'only these tracked symbols (BTCUSDT, btcusdt or BTC/USDT); default: all'))
    .addOption(intervalOption('only these intervals; default: all'));
}

/** `--dry-run`, the same on every fetching command. */
export const dryRunOption = (): Option =>
  new Option('--dry-run', 'only show the plan — series, missing ranges, candles, requests, weight, time at the budget — and write nothing');
