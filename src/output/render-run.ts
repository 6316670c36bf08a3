import type { RunOutcome } from '../collect/recorded-run.js';
import type { SeriesResult } from '../runlog/run-log.js';
import { compactDuration, count, plural } from './format.js';
import { renderTable, type Column } from './table.js';

export interface RenderRunOptions {
  /**
   * `table` (backfill, gaps --fill, forward --verbose): every series. `summary` (forward): one line, and a line for
   * each series something happened to — a cron job's mail holds what needs reading, not two hundred lines of
   * "success".
   */
  readonly detail?: 'table' | 'summary';
}

const SERIES_COLUMNS: readonly Column[] = [
  { header: 'symbol' },
  { header: 'int' },
  { header: 'status' },
  { header: 'candles', align: 'right' },
  { header: 'requests', align: 'right' },
  { header: 'findings', align: 'right', optional: true },
];

/** Something happened to it: it failed, another process had it, or its candles broke a data-quality rule. */
function eventful(s: SeriesResult): boolean {
  return s.status !== 'success' || s.quality_findings > 0;
}

function seriesLine(s: SeriesResult): string {
  const findings = s.quality_findings > 0 ? `, ${plural(s.quality_findings, 'quality finding')}` : '';
  const error = s.error === null ? '' : `; ${s.error}`;
  return `${s.symbol} ${s.interval} ${s.status}: ${count(s.candles_written)} candles written, ${plural(s.requests, 'request')}${findings}${error}`;
}

/** `forward success: 24 candles written to 3 series, 4 requests (weight 8), 1.2s, run #12`. */
/** A run's outcome, with the invocation's whole time when it is known. */
type RenderedRun = RunOutcome & { readonly elapsed_seconds?: number };

export function runSummary(command: string, run: RenderedRun): string {
  // The whole invocation's time (start-up, exchangeInfo, planning) when the document has it.
  const seconds = run.elapsed_seconds ?? run.duration_seconds;
  return (
    `${command} ${run.status}: ${count(run.candles_written)} candles written to ${plural(run.series.length, 'series', 'series')}, ` +
    `${plural(run.requests, 'request')} (weight ${count(run.weight)}), ${compactDuration(seconds)}` +
    (run.run_id === null ? '' : `, run #${run.run_id}`)
  );
}

export function renderRun(command: string, run: RenderedRun, options: RenderRunOptions = {}): string {
  const summary = runSummary(command, run);
  if (options.detail === 'summary') {
    const lines = run.series.filter(eventful).map(seriesLine);
    return `${[summary, ...lines].join('\n')}\n`;
  }
  const table = renderTable(
    SERIES_COLUMNS,
    run.series.map((s) => [s.symbol, s.interval, s.status, s.candles_written, s.requests, s.quality_findings]),
  );
  // Errors are free text: each in full on a line of its own, under the table.
  const errors = run.series.filter((s) => s.error !== null).map((s) => `${s.symbol} ${s.interval} ${s.status}: ${s.error ?? ''}`);
  return `${[table, ...errors, summary].join('\n')}\n`;
}
