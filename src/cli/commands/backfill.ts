import { Option } from '../commander.js';
import type { BackfillOptions } from '../../commands/backfill.js';
import { UsageError } from '../../errors.js';
import type { CommandDefinition } from '../command-definition.js';
import { runDocument, runExitCode, runNotice, secondsSince, type RunDocument } from '../run-document.js';

interface BackfillFlags {
  readonly since: string;
  readonly until?: string;
  readonly symbols: string;
  readonly interval: string;
}

/** `backfill --json` prints a RunDocument. */
export const backfill: CommandDefinition<BackfillFlags, BackfillOptions, RunDocument> = {
  name: 'backfill',
  description: 'track each symbol × interval from --since and store every closed candle not stored yet',
  selection: 'track',
  options: () => [
    new Option('--since <date>', 'first open time, ISO 8601 (a date means 00:00 UTC)').makeOptionMandatory(),
    new Option('--until <date>', 'end of the range, exclusive (default: the newest closed candle)'),
  ],
  examples: [
    'cryptocollect backfill --since 2024-01-01 --symbols BTCUSDT,ETHUSDT --intervals 1h,1d',
    'cryptocollect backfill --since 2024-03-01 --until 2024-04-01 --symbols BTC/USDT --interval 1m',
    'cryptocollect backfill --since 2024-01-01 --symbols BTCUSDT --quiet   # silent unless something failed',
  ],
  async parse(flags) {
    const [{ parseDate }, { parseIntervals }, { parseSymbols }] = await Promise.all([
      import('../../input/parse-date.js'),
      import('../../input/parse-intervals.js'),
      import('../../input/parse-symbols.js'),
    ]);
    const since = parseDate('--since', flags.since);
    const until = flags.until === undefined ? undefined : parseDate('--until', flags.until);
    if (until !== undefined && until <= since) throw new UsageError('--until must be after --since');
    return { since, until, symbols: parseSymbols(flags.symbols), intervals: parseIntervals(flags.interval) };
  },
  progress: true,
  async run(ctx, input) {
    const [{ withDatabase }, { runBackfill }] = await Promise.all([import('../../commands/context.js'), import('../../commands/backfill.js')]);
    const outcome = await withDatabase(ctx, (h) => runBackfill(ctx, h, input));
    return runDocument(outcome, secondsSince(ctx.startedAt, ctx.clock.now()));
  },
  json: (run) => run,
  // A backfill is run by hand, once per series set: its table (one line per series) is what its user watches for.
  async human(run) {
    const { renderRun } = await import('../../output/render-run.js');
    return renderRun('backfill', run, { detail: 'table' });
  },
  exitCode: runExitCode,
  notice: runNotice,
};
