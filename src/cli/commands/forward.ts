import { Option } from '../commander.js';
import type { ForwardOptions } from '../../commands/forward.js';
import type { SeriesFilter } from '../../db/series-repository.js';
import { UsageError } from '../../errors.js';
import type { CommandDefinition } from '../command-definition.js';
import { runDocument, runExitCode, runNotice, type RunDocument } from '../run-document.js';
import type { SelectionFlags } from '../shared-options.js';

interface ForwardFlags extends SelectionFlags {
  readonly top?: string;
  readonly dropLeavers?: boolean;
}

/** `forward --json` prints a RunDocument; with nothing tracked, one with `run_id: null` and zero counters. */
export const forward: CommandDefinition<ForwardFlags, { filter: SeriesFilter; options: ForwardOptions }, RunDocument> = {
  name: 'forward',
  description: 'bring every tracked series (or the selected ones) up to the newest closed candle',
  selection: 'narrow',
  options: () => [
    new Option('--top <n>', 'first rank every universe again with this N: entrants are backfilled from its start'),
    new Option('--drop-leavers', 'with --top: untrack the series of symbols that left the universe (their data is kept)'),
  ],
  examples: [
    'cryptocollect forward --quiet        # the crontab line',
    'cryptocollect forward --symbols BTCUSDT --interval 1m --json',
    'cryptocollect forward --top 100 --drop-leavers   # refresh the universe, then poll',
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
    return { filter: parseSelection(flags), options: { top, dropLeavers: flags.dropLeavers === true } };
  },
  progress: true,
  async run(ctx, { filter, options }) {
    const [{ withDatabase }, { runForward }] = await Promise.all([import('../../commands/context.js'), import('../../commands/forward.js')]);
    const outcome = await withDatabase(ctx, (h) => runForward(ctx, h, filter, options));
    if (outcome === null) ctx.progress.note('nothing to do: no tracked series (start one with `cryptocollect backfill`)');
    return runDocument(outcome);
  },
  json: (run) => run,
  async human(run) {
    if (run.run_id === null) return '';
    const { renderRun } = await import('../../output/render-run.js');
    return renderRun('forward', run);
  },
  exitCode: runExitCode,
  notice: runNotice,
};
