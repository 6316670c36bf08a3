import { Option } from '../commander.js';
import type { SeriesFilter } from '../../db/series-repository.js';
import type { CommandDefinition } from '../command-definition.js';
import { runDocument, runExitCode, runNotice, secondsSince, type RunDocument } from '../run-document.js';
import type { SelectionFlags } from '../shared-options.js';

interface ForwardFlags extends SelectionFlags {
  readonly allowEmpty?: boolean;
}

interface ForwardInput {
  readonly filter: SeriesFilter;
  readonly allowEmpty: boolean;
}

/**
 * `forward --json` prints a RunDocument. With nothing tracked it is a usage error naming the database it opened (a
 * cron job pointed at the wrong one fails loudly), unless --allow-empty: then a document with `run_id: null`.
 */
export const forward: CommandDefinition<ForwardFlags, ForwardInput, RunDocument> = {
  name: 'forward',
  description: 'bring every tracked series (or the selected ones) up to the newest closed candle',
  selection: 'narrow',
  options: () => [new Option('--allow-empty', 'a database that tracks no series is no error: exit 0 with nothing done')],
  examples: [
    'cryptocollect forward --quiet        # the crontab line: silent unless something went wrong',
    'cryptocollect forward                # one summary line; a line per series that failed',
    'cryptocollect forward --verbose      # the whole per-series table',
    'cryptocollect forward --symbols BTCUSDT --intervals 1m,1h --json',
  ],
  async parse(flags) {
    const { parseSelection } = await import('../parse-selection.js');
    return { filter: parseSelection(flags), allowEmpty: flags.allowEmpty === true };
  },
  progress: true,
  async run(ctx, { filter, allowEmpty }) {
    const [{ withDatabase }, { runForward }, { nothingTracked, refuseMissingStore }] = await Promise.all([
      import('../../commands/context.js'),
      import('../../commands/forward.js'),
      import('../nothing-tracked.js'),
    ]);
    // Before opening: opening an embedded database that does not exist creates it, and a cron job with the wrong
    // --data-dir would leave an empty store behind.
    if (!allowEmpty) await refuseMissingStore(ctx.config);
    const outcome = await withDatabase(ctx, async (h) => {
      const done = await runForward(ctx, h, filter);
      if (done === null && !allowEmpty) throw nothingTracked(ctx.config, filter);
      return done;
    });
    if (outcome === null) ctx.progress.note('nothing to do: no tracked series (start one with `cryptocollect backfill`)');
    return runDocument(outcome, secondsSince(ctx.startedAt, ctx.clock.now()));
  },
  json: (run) => run,
  async human(run, { verbose }) {
    if (run.run_id === null) return '';
    const { renderRun } = await import('../../output/render-run.js');
    return renderRun('forward', run, { detail: verbose ? 'table' : 'summary' });
  },
  exitCode: runExitCode,
  notice: runNotice,
};
