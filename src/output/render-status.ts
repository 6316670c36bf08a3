import type { StatusResult } from '../commands/status.js';
import { renderTable } from './table.js';

function ago(seconds: number): string {
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86_400)}d`;
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
  return `${series}\n\nRecent runs:\n${runs}\n`;
}
