import { Option } from '../commander.js';
import type { RefetchDeleted, RefetchOptions, RefetchResult } from '../../commands/refetch.js';
import type { RunPlan } from '../../collect/run-plan.js';
import { UsageError } from '../../errors.js';
import { EXIT } from '../../exit-codes.js';
import type { CommandDefinition } from '../command-definition.js';
import { runDocument, runExitCode, runNotice, secondsSince, type RunDocument } from '../run-document.js';
import { dryRunOption, type SelectionFlags } from '../shared-options.js';

interface RefetchFlags extends SelectionFlags {
  readonly since: string;
  readonly until: string;
  readonly dryRun?: boolean;
}

/**
 * `refetch --json`: `{ deleted: [{symbol, interval, from, to, candles, irregular, exchange_empty, quality_findings}],
 * run, plan }` — every key always present. `run` is the run document (null with --dry-run); `plan` the fetch plan
 * with --dry-run (null otherwise), and `deleted` then says what the run would delete.
 */
export interface RefetchDocument {
  readonly deleted: readonly RefetchDeleted[];
  readonly run: RunDocument | null;
  readonly plan: RunPlan | null;
}

interface RefetchRun {
  readonly result: RefetchResult;
  readonly elapsedSeconds: number;
}

function deletedLine(d: readonly RefetchDeleted[], dryRun: boolean): string {
  const sum = (pick: (x: RefetchDeleted) => number): string => d.reduce((n, x) => n + pick(x), 0).toLocaleString('en-US');
  return (
    `${dryRun ? 'would delete' : 'deleted'} ${sum((x) => x.candles)} candles (${sum((x) => x.irregular)} irregular), ` +
    `${sum((x) => x.exchange_empty)} exchange-empty ranges, ${sum((x) => x.quality_findings)} quality findings of ${d.length} series\n`
  );
}

export const refetch: CommandDefinition<RefetchFlags, RefetchOptions, RefetchRun> = {
  name: 'refetch',
  description: 'delete a range of tracked series (candles, exchange-empty ranges, quality findings) and fetch it again, in one run',
  selection: 'pick',
  options: () => [
    new Option('--since <date>', 'first open time of the range, ISO 8601 (a date means 00:00 UTC)').makeOptionMandatory(),
    new Option('--until <date>', 'end of the range, exclusive').makeOptionMandatory(),
    dryRunOption(),
  ],
  examples: [
    'cryptocollect refetch --symbols BTCUSDT --interval 1h --since 2024-03-01 --until 2024-03-02',
    'cryptocollect refetch --symbols BTCUSDT,ETHUSDT --since 2024-03-01 --until 2024-04-01 --dry-run   # what it would delete and fetch',
    'cryptocollect refetch --symbols BTCUSDT --interval 1m --since 2024-03-24T10:00 --until 2024-03-24T12:00 --json',
  ],
  async parse(flags) {
    const [{ parseSelection }, { parseDate }] = await Promise.all([import('../parse-selection.js'), import('../../input/parse-date.js')]);
    const filter = parseSelection(flags);
    const range = { from: parseDate('--since', flags.since), to: parseDate('--until', flags.until) };
    if (range.to <= range.from) throw new UsageError('--until must be after --since');
    return { filter, range, dryRun: flags.dryRun === true };
  },
  progress: true,
  async run(ctx, opts) {
    const [{ withDatabase }, { runRefetch }] = await Promise.all([import('../../commands/context.js'), import('../../commands/refetch.js')]);
    // A dry run only reads: nothing deleted, nothing recorded.
    const result = await withDatabase(ctx, (h) => runRefetch(ctx, h, opts), { access: opts.dryRun ? 'read' : 'write' });
    return { result, elapsedSeconds: secondsSince(ctx.startedAt, ctx.clock.now()) };
  },
  json: ({ result, elapsedSeconds }): RefetchDocument => ({
    deleted: result.deleted,
    run: result.run === null ? null : runDocument(result.run, elapsedSeconds),
    plan: result.plan,
  }),
  async human({ result, elapsedSeconds }) {
    if (result.plan !== null) {
      const { renderPlan } = await import('../../output/render-plan.js');
      return `${deletedLine(result.deleted, true)}${renderPlan(result.plan)}`;
    }
    const { renderRun } = await import('../../output/render-run.js');
    const run = result.run === null ? '' : renderRun('refetch', runDocument(result.run, elapsedSeconds), { detail: 'table' });
    return `${deletedLine(result.deleted, false)}${run}`;
  },
  exitCode: ({ result }) => (result.run === null ? EXIT.success : runExitCode(result.run)),
  notice: ({ result }) => (result.run === null ? undefined : runNotice(result.run)),
  // --on-failure gets the run's document; a dry run has none and runs no hook.
  runDocument: ({ result, elapsedSeconds }) => (result.run === null ? null : runDocument(result.run, elapsedSeconds)),
  failsRun: (input) => !input.dryRun,
};
