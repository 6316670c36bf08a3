import { Option } from '../commander.js';
import type { ForwardOptions } from '../../commands/forward.js';
import type { SeriesFilter } from '../../db/series-repository.js';
import { UsageError } from '../../errors.js';
import type { CommandDefinition } from '../command-definition.js';
import { type FetchDocument, fetchExitCode, fetchNotice, isPlan, renderFetch, runDocument, secondsSince } from '../run-document.js';
import { dryRunOption, type SelectionFlags } from '../shared-options.js';

interface ForwardFlags extends SelectionFlags {
  readonly top?: string;
  readonly dropLeavers?: boolean;
  readonly dryRun?: boolean;
  readonly allowEmpty?: boolean;
}

interface ForwardInput {
  readonly filter: SeriesFilter;
  readonly options: ForwardOptions;
  readonly dryRun: boolean;
  readonly allowEmpty: boolean;
}

/**
 * `forward --json` prints a RunDocument (--dry-run: a RunPlan). With nothing tracked it is a usage error naming the
 * database it opened (a cron job pointed at the wrong one fails loudly), unless --allow-empty: then a document with
 * `run_id: null`.
 */
export const forward: CommandDefinition<ForwardFlags, ForwardInput, FetchDocument> = {
  name: 'forward',
  description: 'bring every tracked series (or the selected ones) up to the newest closed candle',
  selection: 'narrow',
  options: () => [
    new Option('--top <n>', 'first rank every universe again with this N: entrants are backfilled from its start'),
    new Option('--drop-leavers', 'with --top: untrack the series of symbols that left the universe (their data is kept)'),
    new Option('--allow-empty', 'a database that tracks no series is no error: exit 0 with nothing done'),
    dryRunOption(),
  ],
  examples: [
    'cryptocollect forward --quiet        # the crontab line: silent unless something went wrong',
    'cryptocollect forward                # one summary line; a line per series that failed',
    'cryptocollect forward --verbose      # the whole per-series table',
    'cryptocollect forward --symbols BTCUSDT --intervals 1m,1h --json',
    'cryptocollect forward --top 100 --drop-leavers   # rank the universe again, then poll',
    'cryptocollect forward --dry-run      # what the next run would fetch',
  ],
  async parse(flags) {
    const [{ parseSelection }, { parsePositiveInteger }, { MAX_TOP }] = await Promise.all([
      import('../parse-selection.js'),
      import('../../input/parse-positive-integer.js'),
      import('../parse-universe.js'),
    ]);
    if (flags.top === undefined && flags.dropLeavers === true) throw new UsageError('--drop-leavers needs --top (the ranking that tells who left)');
    if (flags.top !== undefined && (flags.symbols !== undefined || flags.interval !== undefined)) {
      throw new UsageError('--top ranks every universe again and polls every tracked series; it cannot be combined with --symbols or --interval');
    }
    const top = flags.top === undefined ? undefined : parsePositiveInteger('--top', flags.top, MAX_TOP);
    return { filter: parseSelection(flags), options: { top, dropLeavers: flags.dropLeavers === true }, dryRun: flags.dryRun === true, allowEmpty: flags.allowEmpty === true };
  },
  progress: true,
  async run(ctx, { filter, options, dryRun, allowEmpty }) {
    const [{ withDatabase }, { planForward, runForward }, { nothingTracked, refuseMissingStore }] = await Promise.all([
      import('../../commands/context.js'),
      import('../../commands/forward.js'),
      import('../nothing-tracked.js'),
    ]);
    // Before opening: opening an embedded database that does not exist creates it, and a cron job with the wrong
    // --data-dir would leave an empty store behind.
    if (!allowEmpty) await refuseMissingStore(ctx.config);
    // A dry run only reads: nothing tracked, untracked or recorded.
    const outcome = await withDatabase(
      ctx,
      async (h) => {
        const done = dryRun ? await planForward(ctx, h, filter, options) : await runForward(ctx, h, filter, options);
        if (done === null && !allowEmpty) throw nothingTracked(ctx.config, filter);
        return done;
      },
      { access: dryRun ? 'read' : 'write' },
    );
    if (outcome === null) ctx.progress.note('nothing to do: no tracked series (start one with `cryptocollect backfill`)');
    return outcome !== null && 'dry_run' in outcome ? outcome : runDocument(outcome, secondsSince(ctx.startedAt, ctx.clock.now()));
  },
  json: (doc) => doc,
  async human(doc, { verbose }) {
    if ('run_id' in doc && doc.run_id === null) return '';
    return renderFetch('forward', doc, { detail: verbose ? 'table' : 'summary' });
  },
  exitCode: fetchExitCode,
  notice: fetchNotice,
  runDocument: (doc) => (isPlan(doc) ? null : doc),
  failsRun: (input) => !input.dryRun,
};
