import type { SeriesStatus } from '../commands/status.js';
import type { SeriesRange } from '../commands/gaps.js';
import type { RunRecord } from '../runlog/run-log.js';
import { allowedLagSeconds, type MaxLag } from './max-lag.js';

/** One thing wrong: a series behind its allowed lag, a series with gaps, a command whose last run did not succeed. */
export type HealthProblem =
  | { readonly kind: 'lag'; readonly symbol: string; readonly interval: string; readonly lag_seconds: number; readonly max_lag_seconds: number; readonly message: string }
  | { readonly kind: 'gaps'; readonly symbol: string; readonly interval: string; readonly gaps: number; readonly gap_candles: number; readonly message: string }
  | { readonly kind: 'run'; readonly command: string; readonly run_id: number; readonly status: string; readonly message: string }
  | { readonly kind: 'no-series'; readonly message: string };

/** A series as the check saw it: only the active ones are checked (delisted and untracked ones are not polled). */
export interface CheckedSeries {
  readonly symbol: string;
  readonly interval: string;
  readonly lag_seconds: number;
  readonly max_lag_seconds: number;
  readonly gaps: number;
  readonly healthy: boolean;
}

export interface CheckedRun {
  readonly command: string;
  readonly run_id: number;
  readonly status: string;
  readonly finished_at: string | null;
  readonly healthy: boolean;
}

/**
 * `status --check --json` (`gaps --check --json` has `runs: []` and checks gaps alone): `healthy` is the exit
 * code's answer (0, or 5), `problems` one entry per line printed.
 */
export interface HealthReport {
  readonly healthy: boolean;
  readonly checks: readonly ('lag' | 'gaps' | 'runs')[];
  /** `auto`, or the fixed allowance in seconds; null when the lag is not checked (gaps --check). */
  readonly max_lag: 'auto' | number | null;
  readonly grace_seconds: number | null;
  readonly series: readonly CheckedSeries[];
  readonly runs: readonly CheckedRun[];
  readonly problems: readonly HealthProblem[];
}

/** A span as people read it in a check line, to its two largest units: `3h 5m`, `6h`, `45s`, `2d 1h`. */
export function shortDuration(seconds: number): string {
  const units = [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const;
  const total = Math.max(0, Math.round(seconds));
  const first = units.findIndex(([, size]) => total >= size);
  if (first === -1) return '0s';
  const [unit, size] = units[first] ?? units[3];
  const next = units[first + 1];
  const rest = next === undefined ? 0 : Math.floor((total % size) / next[1]);
  return `${Math.floor(total / size)}${unit}${next !== undefined && rest > 0 ? ` ${rest}${next[0]}` : ''}`;
}

/**
 * Judges the status: every active series within its lag and without gaps, and the last run of each command (that
 * has run) a success. Pure: `status` read everything, by its clock.
 */
export function checkHealth(series: readonly SeriesStatus[], lastRuns: readonly RunRecord[], maxLag: MaxLag): HealthReport {
  const problems: HealthProblem[] = [];
  const checked = series
    .filter((s) => s.state === 'active')
    .map((s): CheckedSeries => {
      const allowed = allowedLagSeconds(maxLag, s.interval, Date.parse(s.collected_until));
      const late = s.lag_seconds > allowed;
      if (late) {
        problems.push({
          kind: 'lag',
          symbol: s.symbol,
          interval: s.interval,
          lag_seconds: s.lag_seconds,
          max_lag_seconds: allowed,
          message: `${s.symbol} ${s.interval}: ${shortDuration(s.lag_seconds)} behind (allowed ${shortDuration(allowed)}), collected until ${s.collected_until}`,
        });
      }
      if (s.gaps > 0) problems.push(gapProblem(s.symbol, s.interval, s.gaps, s.gap_candles));
      return { symbol: s.symbol, interval: s.interval, lag_seconds: s.lag_seconds, max_lag_seconds: allowed, gaps: s.gaps, healthy: !late && s.gaps === 0 };
    });
  // Nothing to judge is not health: most likely the check is pointed at the wrong database (as forward refuses to be).
  if (checked.length === 0) problems.push({ kind: 'no-series', message: 'no active series: this database collects nothing (start one with `cryptocollect backfill --since <date>`)' });
  const runs = lastRuns.map((r): CheckedRun => {
    const healthy = r.status === 'success';
    if (!healthy) {
      problems.push({
        kind: 'run',
        command: r.command,
        run_id: r.id,
        status: r.status,
        message: `${r.command}: the last run (#${r.id}, ${r.finished_at ?? r.started_at}) ${r.status === 'partial' ? 'was partial' : r.status === 'interrupted' ? 'was interrupted' : 'failed'}${r.error === null ? '' : `: ${r.error}`}`,
      });
    }
    return { command: r.command, run_id: r.id, status: r.status, finished_at: r.finished_at, healthy };
  });
  return {
    healthy: problems.length === 0,
    checks: ['lag', 'gaps', 'runs'],
    max_lag: maxLag.kind === 'auto' ? 'auto' : maxLag.seconds,
    grace_seconds: maxLag.kind === 'auto' ? maxLag.graceSeconds : null,
    series: checked,
    runs,
    problems,
  };
}

function gapProblem(symbol: string, interval: string, gaps: number, candles: number): HealthProblem {
  const s = (n: number) => (n === 1 ? '' : 's');
  return { kind: 'gaps', symbol, interval, gaps, gap_candles: candles, message: `${symbol} ${interval}: ${gaps} gap${s(gaps)}, ${candles} candle${s(candles)} missing` };
}

/** `gaps --check`: the gaps of the active series alone (`active` names them `SYMBOL interval`). */
export function checkGaps(gaps: readonly SeriesRange[], active: ReadonlySet<string>, checkedSeries: readonly { symbol: string; interval: string }[]): HealthReport {
  const bySeries = new Map<string, { gaps: number; candles: number }>();
  for (const g of gaps) {
    const key = `${g.symbol} ${g.interval}`;
    if (!active.has(key)) continue;
    const n = bySeries.get(key) ?? { gaps: 0, candles: 0 };
    bySeries.set(key, { gaps: n.gaps + 1, candles: n.candles + g.candles });
  }
  const problems: HealthProblem[] = [];
  const series = checkedSeries
    .filter((s) => active.has(`${s.symbol} ${s.interval}`))
    .map((s): CheckedSeries => {
      const found = bySeries.get(`${s.symbol} ${s.interval}`);
      if (found) problems.push(gapProblem(s.symbol, s.interval, found.gaps, found.candles));
      return { symbol: s.symbol, interval: s.interval, lag_seconds: 0, max_lag_seconds: 0, gaps: found?.gaps ?? 0, healthy: found === undefined };
    });
  return { healthy: problems.length === 0, checks: ['gaps'], max_lag: null, grace_seconds: null, series, runs: [], problems };
}

/**
 * What stdout gets (Nagios/Icinga plugin style: the first line is the status, then one line per problem).
 * Healthy: `OK: 12 series current, no gap, last runs succeeded`; else `UNHEALTHY: 2 problems` and the lines.
 */
export function renderHealth(report: HealthReport): string {
  const series = `${report.series.length} series`;
  if (report.healthy) {
    const what = report.checks.includes('lag') ? `${series} current, no gap, ${report.runs.length === 0 ? 'no run yet' : 'last runs succeeded'}` : `${series}, no gap`;
    return `OK: ${what}\n`;
  }
  const n = report.problems.length;
  return `UNHEALTHY: ${n} problem${n === 1 ? '' : 's'}\n${report.problems.map((p) => `${p.message}\n`).join('')}`;
}
