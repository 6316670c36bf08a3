import type { StatusResult } from '../commands/status.js';
import { renderTable } from './table.js';

function ago(seconds: number): string {
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86_400)}d`;
}

/** Why the series are tracked and which are not polled: one line, the details are `cryptocollect series`'. */
function trackingLine(result: StatusResult): string {
  if (result.series.length === 0) return '';
  const byUniverse = result.series.filter((s) => s.tracked_by === 'universe').length;
  const parts = [`tracked by name: ${result.series.length - byUniverse}`, `by universe: ${byUniverse}`];
  for (const state of ['untracked', 'delisted'] as const) {
    const these = result.series.filter((s) => s.state === state).map((s) => `${s.symbol} ${s.interval}`);
    if (these.length > 0) parts.push(`${state}: ${these.join(', ')}`);
  }
  return `${parts.join('; ')} (cryptocollect series)\n`;
}

export function renderStatus(result: StatusResult): string {
  const series =
    result.series.length === 0
      ? 'No tracked series yet: start one with `cryptocollect backfill --since <date> --symbols <SYMBOL>`.'
      : renderTable(
          ['symbol', 'interval', 'first open', 'last open', 'candles', 'expected', 'complete', 'gaps', 'quality', 'lag'],
          result.series.map((s) => [
            s.symbol,
            s.interval,
            s.first_open_time ?? '-',
            s.last_open_time ?? '-',
            s.candles,
            s.candles_expected,
            `${(s.completeness * 100).toFixed(2)}%`,
            s.gaps,
            s.quality_findings === 0 ? 'ok' : `${s.quality_findings} findings`,
            ago(s.lag_seconds),
          ]),
        );
  const runs =
    result.runs.length === 0
      ? 'No runs recorded.'
      : renderTable(
          ['run', 'command', 'status', 'started', 'duration', 'candles', 'requests', 'error'],
          result.runs.map((r) => [
            r.id,
            r.command,
            r.status,
            r.started_at,
            r.duration_seconds === null ? '-' : `${r.duration_seconds.toFixed(1)}s`,
            r.candles_written,
            r.requests,
            (r.error ?? '').slice(0, 60),
          ]),
        );
  return `${series}\n${trackingLine(result)}\nRecent runs:\n${runs}\n`;
}
