import type { SeriesStatus, StatusResult } from '../commands/status.js';
import type { RunRecord } from '../runlog/run-log.js';
import type { RunStats, RunStatsReport } from '../runlog/run-stats.js';
import { compactDate, compactDuration, compactTime, count, percent, plural } from './format.js';
import { renderTable, TERMINAL_WIDTH, type Column } from './table.js';

const SERIES_COLUMNS: readonly Column[] = [
  { header: 'symbol' },
  { header: 'int' },
  { header: 'since', optional: true },
  { header: 'last open' },
  { header: 'candles', align: 'right' },
  { header: 'complete', align: 'right' },
  { header: 'gaps', align: 'right' },
  { header: 'lag', align: 'right' },
];

function seriesTable(series: readonly SeriesStatus[]): string {
  const stored = series.reduce((n, s) => n + s.candles, 0);
  const expected = series.reduce((n, s) => n + s.candles_expected, 0);
  const rows = series.map((s) => [
    s.symbol,
    s.interval,
    compactDate(s.start_time),
    compactTime(s.last_open_time),
    s.candles,
    percent(s.completeness),
    s.gaps,
    compactDuration(s.lag_seconds, { tenths: false }),
  ]);
  // The totals: every candle over every expected one, every gap, and the largest lag (the series most behind).
  const totals = [
    plural(series.length, 'series', 'series'),
    '',
    '',
    '',
    stored,
    percent(expected === 0 ? 1 : stored / expected),
    series.reduce((n, s) => n + s.gaps, 0),
    compactDuration(series.reduce((n, s) => Math.max(n, s.lag_seconds), 0), { tenths: false }),
  ];
  const table = renderTable(SERIES_COLUMNS, rows, { totals });
  const archived = series.reduce((n, s) => n + s.candles_by_source.archive, 0);
  // Only once an archive stored something: before that every candle is from REST, and the line would say nothing.
  const sources =
    archived === 0
      ? ''
      : `\nSources: ${count(archived)} candles from ${plural(series.reduce((n, s) => n + s.archive_files, 0), 'archive file')}, ${count(stored - archived)} from REST`;
  const flagged = series.filter((s) => s.quality_findings > 0);
  const notes = flagged.map((s) => `${s.symbol} ${s.interval}: ${plural(s.quality_findings, 'finding')}; ${percent(s.quality)} of its candles pass every check`);
  return notes.length === 0 ? `${table}${sources}` : `${table}${sources}\n\nData quality:\n${notes.join('\n')}`;
}

const RUN_COLUMNS: readonly Column[] = [
  { header: 'run', align: 'right' },
  { header: 'command' },
  { header: 'status' },
  { header: 'started' },
  { header: 'duration', align: 'right' },
  { header: 'candles', align: 'right' },
  { header: 'requests', align: 'right', optional: true },
];

function fitLine(line: string): string {
  return line.length <= TERMINAL_WIDTH ? line : `${line.slice(0, TERMINAL_WIDTH - 1)}…`;
}

function runsTable(runs: readonly RunRecord[]): string {
  const table = renderTable(
    RUN_COLUMNS,
    runs.map((r) => [`#${r.id}`, r.command, r.status, compactTime(r.started_at, { seconds: false }), r.duration_seconds === null ? '-' : compactDuration(r.duration_seconds), r.candles_written, r.requests]),
  );
  // Errors are free text of any length: each on a line of its own under the table, cut to the terminal's width.
  const errors = runs.filter((r) => r.error !== null).map((r) => fitLine(`#${r.id} ${r.status}: ${r.error ?? ''}`));
  return errors.length === 0 ? table : `${table}\n${errors.join('\n')}`;
}

/** `24h` rather than `1d` for the windows people ask for in hours; longer ones as durations (`7d`). */
export function windowLabel(seconds: number): string {
  return seconds % 3600 === 0 && seconds <= 48 * 3600 ? `${seconds / 3600}h` : compactDuration(seconds, { tenths: false });
}

const STATS_COLUMNS: readonly Column[] = [
  { header: 'command' },
  { header: 'runs', align: 'right' },
  { header: 'success', align: 'right' },
  // Runs that did not succeed: partial, failed or interrupted (the JSON counts each).
  { header: 'problems', align: 'right' },
  { header: 'avg', align: 'right' },
  { header: 'longest', align: 'right' },
  { header: 'candles', align: 'right' },
];

function statsRow(name: string, s: RunStats): Array<string | number> {
  const seconds = (v: number | null): string => (v === null ? '-' : compactDuration(v));
  return [name, s.runs, s.success_rate === null ? '-' : percent(s.success_rate), s.partial + s.failed + s.interrupted, seconds(s.avg_duration_seconds), seconds(s.max_duration_seconds), s.candles_written];
}

function statsTable(stats: RunStatsReport): string {
  const heading = `Runs in the last ${windowLabel(stats.window_seconds)} (since ${compactTime(stats.since, { seconds: false })}):`;
  if (stats.total.runs === 0) return `${heading} none.`;
  const rows = stats.commands.map((c) => statsRow(c.command, c));
  const table = renderTable(STATS_COLUMNS, rows, stats.commands.length > 1 ? { totals: statsRow('all', stats.total) } : {});
  const running = stats.total.running > 0 ? `\n${plural(stats.total.running, 'run')} still running (not in the success rate).` : '';
  return `${heading}\n${table}${running}`;
}

/** Why the series are tracked and which are not polled: one line, the details are `cryptocollect series`'. */
function trackingLine(result: StatusResult): string {
  if (result.series.length === 0) return '';
  // An untracked series is tracked neither way (it keeps how it was tracked, for a later backfill): counted apart.
  const tracked = result.series.filter((s) => s.state !== 'untracked');
  const byUniverse = tracked.filter((s) => s.tracked_by === 'universe').length;
  const parts = [`tracked by name: ${tracked.length - byUniverse}`, `by universe: ${byUniverse}`];
  // Counts, not names: the line fits 80 columns however many there are; `cryptocollect series` lists them.
  for (const state of ['untracked', 'delisted'] as const) {
    const these = result.series.filter((s) => s.state === state).length;
    if (these > 0) parts.push(`${state}: ${these}`);
  }
  return `${parts.join('; ')} (cryptocollect series)`;
}

export function renderStatus(result: StatusResult): string {
  const series =
    result.series.length === 0 ? 'No tracked series yet: start one with `cryptocollect backfill --since 2024-01-01`.' : seriesTable(result.series);
  const runs = result.runs.length === 0 ? 'No runs recorded.' : `Recent runs:\n${runsTable(result.runs)}`;
  return `${[series, trackingLine(result), statsTable(result.run_stats), runs].filter((part) => part !== '').join('\n\n')}\n`;
}
