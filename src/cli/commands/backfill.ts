import { Option } from '../commander.js';
import type { BackfillOptions } from '../../commands/backfill.js';
import { UsageError } from '../../errors.js';
import type { CommandDefinition } from '../command-definition.js';
import { dryRunOption } from '../shared-options.js';
import { type FetchDocument, fetchExitCode, fetchNotice, isPlan, renderFetch, runDocument, secondsSince } from '../run-document.js';

interface BackfillFlags {
  readonly since: string;
  readonly until?: string;
  readonly symbols?: string;
  readonly interval: string;
  readonly top?: string;
  readonly quote?: string;
  readonly exclude?: string;
  readonly dryRun?: boolean;
}

/** `backfill --json` prints a RunDocument; with --dry-run, a RunPlan. */
export const backfill: CommandDefinition<BackfillFlags, BackfillOptions & { dryRun: boolean }, FetchDocument> = {
  name: 'backfill',
  description: 'track each symbol × interval from --since (the symbols named, or the top N by 24 h quote volume) and store every closed candle not stored yet',
  selection: 'track',
  options: () => [
    new Option('--since <date>', 'first open time, ISO 8601 (a date means 00:00 UTC)').makeOptionMandatory(),
    new Option('--until <date>', 'end of the range, exclusive (default: the newest closed candle)'),
    new Option('--top <n>', 'without --symbols: the N TRADING symbols with the largest 24 h quote volume (default 100)'),
    new Option('--quote <list>', 'without --symbols: their quote assets, comma-separated (default USDT)'),
    new Option('--exclude <list>', 'without --symbols: symbols (DOGEUSDT) or base assets (DOGE) to leave out'),
    dryRunOption(),
  ],
  examples: [
    'cryptocollect backfill --since 2024-01-01                       # the top 100 USDT symbols, 1h',
    'cryptocollect backfill --since 2024-01-01 --top 20 --quote USDT,USDC --exclude DOGE --intervals 1h,1d',
    'cryptocollect backfill --since 2024-01-01 --symbols BTCUSDT,ETHUSDT --intervals 1h,1d',
    'cryptocollect backfill --since 2024-03-01 --until 2024-04-01 --symbols BTC/USDT --interval 1m',
    'cryptocollect backfill --since 2024-01-01 --symbols BTCUSDT --interval 1m --dry-run   # what it would fetch, and its cost',
    'cryptocollect backfill --since 2024-01-01 --symbols BTCUSDT --quiet   # silent unless something failed',
  ],
  async parse(flags) {
    const [{ parseDate }, { parseIntervals }, { parseSymbols }, { parseUniverse }] = await Promise.all([
      import('../../input/parse-date.js'),
      import('../../input/parse-intervals.js'),
      import('../../input/parse-symbols.js'),
      import('../parse-universe.js'),
    ]);
    const since = parseDate('--since', flags.since);
    const until = flags.until === undefined ? undefined : parseDate('--until', flags.until);
    if (until !== undefined && until <= since) throw new UsageError('--until must be after --since');
    const universe = parseUniverse(flags);
    const symbols = flags.symbols === undefined ? undefined : parseSymbols(flags.symbols);
    return { since, until, symbols, universe, intervals: parseIntervals(flags.interval), dryRun: flags.dryRun === true };
  },
  progress: true,
  async run(ctx, input) {
    const [{ withDatabase }, { planBackfill, runBackfill }] = await Promise.all([import('../../commands/context.js'), import('../../commands/backfill.js')]);
    // A dry run only reads: nothing registered, nothing recorded.
    if (input.dryRun) return withDatabase(ctx, (h) => planBackfill(ctx, h, input), { access: 'read' });
    const outcome = await withDatabase(ctx, (h) => runBackfill(ctx, h, input));
    return runDocument(outcome, secondsSince(ctx.startedAt, ctx.clock.now()));
  },
  json: (doc) => doc,
  // A backfill is run by hand, once per series set: its table (one line per series) is what its user watches for.
  human: (doc) => renderFetch('backfill', doc, { detail: 'table' }),
  exitCode: fetchExitCode,
  notice: fetchNotice,
  runDocument: (doc) => (isPlan(doc) ? null : doc),
  failsRun: (input) => !input.dryRun,
};
