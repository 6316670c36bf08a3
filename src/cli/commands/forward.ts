import { Option } from '../commander.js';
import type { ForwardOptions } from '../../commands/forward.js';
import type { SeriesFilter } from '../../db/series-repository.js';
import { UsageError } from '../../errors.js';
import type { CommandDefinition } from '../command-definition.js';
import { fetchExitCode, fetchNotice, renderFetch, runDocument, type FetchDocument } from '../run-document.js';
import { dryRunOption, type SelectionFlags } from '../shared-options.js';

interface ForwardFlags extends SelectionFlags {
  readonly top?: string;
  readonly dropLeavers?: boolean;
  readonly dryRun?: boolean;
}

/** `forward --json` prints a RunDocument (with nothing tracked, one with `run_id: null` and zero counters); --dry-run a RunPlan. */
export const forward: CommandDefinition<ForwardFlags, { filter: SeriesFilter; options: ForwardOptions; dryRun: boolean }, FetchDocument> = {
  name: 'forward',
  description: 'bring every tracked series (or the selected ones) up to the newest closed candle',
  selection: 'narrow',
  options: () => [
    new Option('--top <n>', 'first rank every universe again with this N: entrants are backfilled from its start'),
    new Option('--drop-leavers', 'with --top: untrack the series of symbols that left the universe (their data is kept)'),
    dryRunOption(),
  ],
  examples: [
    'cryptocollect forward --quiet        # the crontab line',
    'cryptocollect forward --symbols BTCUSDT --interval 1m --json',
    'cryptocollect forward --top 100 --drop-leavers   # refresh the universe, then poll',
    'cryptocollect forward --dry-run   # what the next run would fetch',
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
    return { filter: parseSelection(flags), options: { top, dropLeavers: flags.dropLeavers === true }, dryRun: flags.dryRun === true };
  },
  progress: true,
  async run(ctx, { filter, options, dryRun }) {
    const [{ withDatabase }, { planForward, runForward }] = await Promise.all([import('../../commands/context.js'), import('../../commands/forward.js')]);
    // A dry run only reads: nothing tracked, untracked or recorded.
    const outcome = dryRun
      ? await withDatabase(ctx, (h) => planForward(ctx, h, filter, options), { access: 'read' })
      : await withDatabase(ctx, (h) => runForward(ctx, h, filter, options));
    if (outcome === null) ctx.progress.note('nothing to do: no tracked series (start one with `cryptocollect backfill`)');
    return outcome !== null && 'dry_run' in outcome ? outcome : runDocument(outcome);
  },
  json: (doc) => doc,
  human: async (doc) => ('run_id' in doc && doc.run_id === null ? '' : renderFetch('forward', doc)),
  exitCode: fetchExitCode,
  notice: fetchNotice,
};
