import { Option } from '../commander.js';
import type { ExportInput, ExportResult } from '../../commands/export.js';
import { EXIT } from '../../exit-codes.js';
import type { CommandDefinition } from '../command-definition.js';
import type { SelectionFlags } from '../shared-options.js';

interface ExportFlags extends SelectionFlags {
  readonly since?: string;
  readonly until?: string;
  readonly format: string;
  readonly output?: string;
  readonly json?: boolean;
}

/** `export --output FILE --json`: what was written. Without --output stdout is the data, and --json a usage error. */
export interface ExportDocument {
  readonly format: string;
  readonly file: string | null;
  readonly rows: number;
  readonly series: number;
  readonly bytes: number;
}

/** No --until: every candle (a date PostgreSQL and JavaScript both hold). */
const NO_END = Date.UTC(9999, 11, 31);

export const exportCommand: CommandDefinition<ExportFlags, ExportInput, ExportResult> = {
  name: 'export',
  description: 'write the stored candles (the candles relation) as CSV, JSON Lines or Parquet, to stdout or a file',
  selection: 'narrow',
  options: () => [
    new Option('--format <format>', 'csv (with a header), jsonl (one object per line) or parquet (decimals as DECIMAL(38,8))').choices(['csv', 'jsonl', 'parquet']).makeOptionMandatory(),
    new Option('--since <date>', 'candles opening at or after this ISO 8601 date or date-time (UTC unless an offset is given)'),
    new Option('--until <date>', 'candles opening before this date (exclusive)'),
    new Option('--output <file>', 'write this file (atomically: complete, or not at all) instead of stdout'),
  ],
  examples: [
    'cryptocollect export --format csv --symbols BTCUSDT --interval 1h --since 2024-01-01 > btc-1h.csv',
    'cryptocollect export --format parquet --output candles.parquet',
    'cryptocollect export --format jsonl --since 2024-06-01 --until 2024-07-01 | head',
    "cryptocollect export --format parquet --interval 1d --output 1d.parquet --json | jq .rows",
  ],
  async parse(flags) {
    const [{ parseSelection }, { parseDate }, { UsageError }] = await Promise.all([
      import('../parse-selection.js'),
      import('../../input/parse-date.js'),
      import('../../errors.js'),
    ]);
    const from = flags.since === undefined ? 0 : parseDate('--since', flags.since);
    const to = flags.until === undefined ? NO_END : parseDate('--until', flags.until);
    if (to <= from) throw new UsageError(`--until ${flags.until ?? ''} is not after --since ${flags.since ?? ''}: the range [--since, --until) holds nothing`);
    if (flags.json === true && flags.output === undefined) {
      throw new UsageError('--json needs --output: without it stdout is the data (the summary document goes where the data does not)');
    }
    if (flags.output !== undefined && flags.output.trim() === '') throw new UsageError('--output needs a file name');
    return { filter: parseSelection(flags), range: { from, to }, format: flags.format as ExportInput['format'], output: flags.output };
  },
  progress: false,
  async run(ctx, input) {
    const [{ withDatabase }, { exportedSeries, runExport }, { noStoredSeries, refuseNoStore }] = await Promise.all([
      import('../../commands/context.js'),
      import('../../commands/export.js'),
      import('../nothing-tracked.js'),
    ]);
    // Opening an embedded data directory that holds nothing would create a store there: refused first.
    await refuseNoStore(ctx.config);
    return withDatabase(
      ctx,
      async (h) => {
        const series = await exportedSeries(h.db, input.filter);
        if (series.length === 0) throw noStoredSeries(ctx.config, input.filter);
        return runExport(ctx, h.db, series, input);
      },
      { access: 'read' },
    );
  },
  json: (r): ExportDocument => ({ format: r.format, file: r.file, rows: r.rows, series: r.series, bytes: r.bytes }),
  async human(r) {
    const { count, plural } = await import('../../output/format.js');
    return `exported ${plural(r.rows, 'candle')} of ${plural(r.series, 'series', 'series')} to ${r.file ?? 'stdout'} (${r.format}, ${count(r.bytes)} bytes)\n`;
  },
  exitCode: () => EXIT.success,
  notice: () => undefined,
  // To stdout the data is the output; to a file, the line (or document) saying what was written.
  printed: (r) => r.file === null,
};
